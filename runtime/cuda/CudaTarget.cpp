//===- CudaTarget.cpp - the CUDA target: device check, memory -------------===//

#include "runtime/Target.h"
#include "runtime/alexrt.h"
#include "runtime/cuda/CudaContext.h"
#include "runtime/cuda/Mgpu.h"

#include <map>
#include <mutex>

using namespace alexrt;
using namespace alexrt::cuda;

const char *alexrt::targetName() { return "cuda"; }

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
  cudaDeviceProp properties;
  error = cudaGetDeviceProperties(&properties, 0);
  if (error != cudaSuccess)
    return Status::error(std::string("CUDA device 0: ") +
                         cudaGetErrorString(error));
  if (properties.major < 9)
    return Status::error(std::string("CUDA device 0 (") + properties.name +
                         ") has compute capability " +
                         std::to_string(properties.major) + "." +
                         std::to_string(properties.minor) +
                         "; the kernels need 9.0 or newer (sm_90)");
  std::string kernels = kernelLoadError();
  if (!kernels.empty())
    return Status::error("cannot load the model's GPU kernels: " + kernels);
  setTf32(model.tf32);
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
  currentContext();
  std::lock_guard<std::mutex> lock(mutex);
  void *&device = memory[global];
  if (!device) {
    ALEXRT_CUDA(cudaMalloc(&device, size_t(bytes)));
    ALEXRT_CUDA(cudaMemset(device, 0, size_t(bytes)));
  }
  return device;
}
