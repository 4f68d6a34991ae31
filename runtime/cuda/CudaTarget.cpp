//===- CudaTarget.cpp - the CUDA target: device check, memory -------------===//

#include "runtime/Target.h"
#include "runtime/alexrt.h"
#include "runtime/cuda/CudaContext.h"
#include "runtime/cuda/Mgpu.h"
#include "runtime/model/ModelInfo.h"
#include "runtime/replicas/Replicas.h"
#include "runtime/support/Fatal.h"

#include <cstdio>
#include <map>
#include <mutex>
#include <vector>

using namespace alexrt;
using namespace alexrt::cuda;

/// Lets each of `gpus` read the others' memory: session buffers live on
/// device 0's GPU, an exchange buffer on the GPU of the device that asked
/// for it first, and every device reads both. Refuses GPUs without peer
/// access rather than let the first such read fault.
static Status enablePeerAccess(const std::vector<int> &gpus) {
  if (Status possible = checkPeerAccess(
          gpus,
          [](int a, int b) {
            int can = 0;
            return cudaDeviceCanAccessPeer(&can, a, b) == cudaSuccess && can;
          });
      !possible.ok())
    return possible;
  int current = 0;
  ALEXRT_CUDA(cudaGetDevice(&current));
  for (int a : gpus)
    for (int b : gpus) {
      if (a == b)
        continue;
      ALEXRT_CUDA(cudaSetDevice(a));
      cudaError_t error = cudaDeviceEnablePeerAccess(b, 0);
      if (error == cudaErrorPeerAccessAlreadyEnabled)
        (void)cudaGetLastError(); // Not an error; clear it.
      else if (error != cudaSuccess)
        return Status::error(
            "GPU " + std::to_string(a) + " cannot enable peer access to GPU " +
            std::to_string(b) + ": " + cudaGetErrorString(error));
    }
  ALEXRT_CUDA(cudaSetDevice(current));
  return Status::success();
}

const char *alexrt::targetName() { return "cuda"; }

/// Every replica's devices' GPU UUIDs, replica r's device d at
/// r * devices + d: a collective over the job (each replica fills its
/// slots of a zeroed table, one byte a double, and the job sums it).
static Status gatherGpuIds(const GpuPlacement &placement, int devices,
                           std::vector<std::string> &ids) {
  Communicator *job = replicaJob();
  size_t slots = size_t(replicaCount()) * size_t(devices);
  std::vector<double> table(slots * 16, 0.0);
  for (int d = 0; d < devices; ++d) {
    cudaDeviceProp properties;
    cudaError_t error =
        cudaGetDeviceProperties(&properties, placement.gpuOf(d));
    if (error != cudaSuccess)
      return Status::error("CUDA device " + std::to_string(placement.gpuOf(d)) +
                           ": " + cudaGetErrorString(error));
    size_t slot = size_t(replicaIndex()) * size_t(devices) + size_t(d);
    for (int byte = 0; byte < 16; ++byte)
      table[slot * 16 + size_t(byte)] =
          double(static_cast<unsigned char>(properties.uuid.bytes[byte]));
  }
  if (Status summed = job->sumNow(table.data(), table.size()); !summed.ok())
    return summed;
  ids.assign(slots, "GPU-");
  static const char *const hex = "0123456789abcdef";
  for (size_t slot = 0; slot < slots; ++slot)
    for (int byte = 0; byte < 16; ++byte) {
      int value = int(table[slot * 16 + size_t(byte)]);
      ids[slot] += hex[value >> 4];
      ids[slot] += hex[value & 15];
    }
  return Status::success();
}

Status alexrt::openTarget(const ModelInfo &model) {
  int gpus = 0;
  cudaError_t error = cudaGetDeviceCount(&gpus);
  const char *advice = " (this binary was compiled with alexc --target=cuda; "
                       "compile with --target=cpu to run on the CPU)";
  if (error != cudaSuccess || gpus == 0)
    return Status::error(std::string("no CUDA device: ") +
                         (error != cudaSuccess ? cudaGetErrorString(error)
                                               : "the driver reports no GPU") +
                         advice);
  GpuPlacement placement;
  if (Status placed = GpuPlacement::place(
          int(model.devices), nodeReplicaIndex(), nodeReplicaCount(), gpus,
          replicaCount() > 1, placement);
      !placed.ok())
    return placed;
  for (int gpu : placement.gpus()) {
    cudaDeviceProp properties;
    error = cudaGetDeviceProperties(&properties, gpu);
    if (error != cudaSuccess)
      return Status::error("CUDA device " + std::to_string(gpu) + ": " +
                           cudaGetErrorString(error));
    if (properties.major < 9)
      return Status::error("CUDA device " + std::to_string(gpu) + " (" +
                           properties.name + ") has compute capability " +
                           std::to_string(properties.major) + "." +
                           std::to_string(properties.minor) +
                           "; the kernels need 9.0 or newer (sm_90)");
  }
  if (replicaCount() > 1) {
    // No GPU may serve two devices of the job (GpuPlacement.h).
    std::vector<std::string> ids;
    int devices = int(std::max<int64_t>(1, model.devices));
    if (Status gathered = gatherGpuIds(placement, devices, ids); !gathered.ok())
      return gathered;
    if (Status distinct =
            checkGpusDistinct(ids, devices, nodeReplicaCount(), gpus);
        !distinct.ok())
      return distinct;
  }
  std::string kernels = kernelLoadError();
  if (!kernels.empty())
    return Status::error("cannot load the model's GPU kernels: " + kernels);
  if (Status peers = enablePeerAccess(placement.gpus()); !peers.ok())
    return peers;
  setPlacement(placement);
  setPrecision(model.precision);
  if (verbose())
    std::fprintf(stderr, "alexrt: %lld device%s on %s\n",
                 (long long)model.devices, model.devices == 1 ? "" : "s",
                 placement.describe().c_str());
  return Status::success();
}

bool alexrt::deviceIsHost() { return false; }

namespace alexrt::cuda {
// Weak: libalexrt_nccl (NcclCommunicator.cpp) is linked, whole, only into
// replicated binaries.
__attribute__((weak)) Status openNcclSums(Communicator &job, int devices,
                                          std::unique_ptr<Communicator> &out);
} // namespace alexrt::cuda

Status alexrt::openStepSums(Communicator &job, int devices,
                            std::unique_ptr<Communicator> &out) {
  if (!cuda::openNcclSums)
    return Status::error("this binary was compiled for replicas on the CUDA "
                         "target but without NCCL");
  return cuda::openNcclSums(job, devices, out);
}

void *alexrt::allocateDevice(size_t bytes) {
  currentContext();
  void *memory = nullptr;
  ALEXRT_CUDA(cudaMalloc(&memory, bytes));
  return memory;
}

void alexrt::freeDevice(void *memory) { ALEXRT_CUDA(cudaFree(memory)); }

void alexrt::copyToDevice(void *device, const void *host, size_t bytes) {
  // In stream order with the steps; from pageable memory the call returns
  // once `host` may be reused.
  ALEXRT_CUDA(cudaMemcpyAsync(device, host, bytes, cudaMemcpyHostToDevice,
                              currentContext().stream));
}

void alexrt::copyToHost(void *host, const void *device, size_t bytes) {
  cudaStream_t stream = currentContext().stream;
  // The step first, watched (a copy to pageable memory may block the host
  // inside the call, where no watch runs), then the copy.
  synchronize(stream);
  ALEXRT_CUDA(
      cudaMemcpyAsync(host, device, bytes, cudaMemcpyDeviceToHost, stream));
  ALEXRT_CUDA(cudaStreamSynchronize(stream));
}

std::string alexrt::deviceDescription() {
  int gpus = 0;
  cudaDeviceProp properties;
  if (cudaGetDeviceCount(&gpus) != cudaSuccess ||
      cudaGetDeviceProperties(&properties, 0) != cudaSuccess)
    return "no CUDA device";
  return std::to_string(gpus) + " x " + properties.name + ", " +
         std::to_string(properties.totalGlobalMem >> 20) + " MiB";
}

extern "C" void *alexrt_global_memory(void *global, int64_t bytes) {
  // One allocation per global, on the GPU of the device that asks first:
  // an exchange buffer is written by one device and read by the others
  // (across GPUs through peer access), so all must see the same memory.
  static std::mutex mutex;
  static std::map<void *, void *> memory;
  /// Per GPU, the stream that zeroes new buffers.
  static std::map<int, cudaStream_t> zeroing;
  DeviceContext &asking = currentContext();
  std::lock_guard<std::mutex> lock(mutex);
  void *&device = memory[global];
  if (!device) {
    // First use is in an entry point's eager first call
    // (runtime/devices/StepReplay.h): a capture would make the zeroing part of
    // every replay.
    cudaStreamCaptureStatus capturing = cudaStreamCaptureStatusNone;
    ALEXRT_CUDA(cudaStreamIsCapturing(asking.stream, &capturing));
    if (capturing != cudaStreamCaptureStatusNone)
      fatal("internal error: a step's device buffer was first used inside a "
            "CUDA graph capture");
    ALEXRT_CUDA(cudaMalloc(&device, size_t(bytes)));
    // Zeroed like the static global it stands for, and done before any
    // device can use it (another device's stream may reach it first): on
    // a stream of its own, not the legacy default stream (cudaMemset),
    // which does not order with the devices' non-blocking streams, nor
    // the asking device's, which may be waiting on other devices' work.
    cudaStream_t &stream = zeroing[asking.gpu];
    if (!stream)
      ALEXRT_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    ALEXRT_CUDA(cudaMemsetAsync(device, 0, size_t(bytes), stream));
    ALEXRT_CUDA(cudaStreamSynchronize(stream));
  }
  return device;
}
