//===- CudaContext.cpp - the CUDA target's per-device state ---------------===//

#include "runtime/cuda/CudaContext.h"

#include "runtime/support/Fatal.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

using namespace alexrt;
using namespace alexrt::cuda;

namespace {
std::mutex contextsMutex;
std::vector<std::unique_ptr<DeviceContext>> contexts;
GpuPlacement devicesPlacement;
/// The context the calling thread drives; device 0's until bound.
thread_local DeviceContext *bound = nullptr;
Precision modelPrecision = Precision::FP32;

/// The cuBLAS math `precision` allows.
cublasMath_t blasMath(Precision precision) {
  switch (precision) {
  case Precision::FP32:
    return CUBLAS_DEFAULT_MATH;
  case Precision::TF32:
    return CUBLAS_TF32_TENSOR_OP_MATH;
  case Precision::BF16:
    // Its products call cublasGemmEx with bf16 operands; what remains on
    // cublasSgemm is fp32.
    return CUBLAS_DEFAULT_MATH;
  }
  return CUBLAS_DEFAULT_MATH;
}

std::mutex watchesMutex;
std::map<int, std::function<void(double)>> watches;
int lastWatch = 0;
} // namespace

std::string alexrt::cuda::failedCall(const char *library, const char *call,
                                     const char *why) {
  // The thread's current GPU: the one a context being made is for, too.
  int current = -1;
  std::string gpu = cudaGetDevice(&current) == cudaSuccess
                        ? " on GPU " + std::to_string(current)
                        : "";
  return std::string(library) + ": " + call + " failed" + gpu + ": " + why;
}

void alexrt::cuda::check(cudaError_t error, const char *call) {
  if (error != cudaSuccess)
    fatal(failedCall("CUDA", call, cudaGetErrorString(error)));
}

void alexrt::cuda::check(cublasStatus_t status, const char *call) {
  if (status != CUBLAS_STATUS_SUCCESS)
    fatal(failedCall("cuBLAS", call, cublasGetStatusString(status)));
}

void alexrt::cuda::setPlacement(const GpuPlacement &placement) {
  std::lock_guard<std::mutex> lock(contextsMutex);
  devicesPlacement = placement;
}

const GpuPlacement &alexrt::cuda::placement() { return devicesPlacement; }

DeviceContext &alexrt::cuda::context(int device) {
  std::lock_guard<std::mutex> lock(contextsMutex);
  while (int(contexts.size()) <= device) {
    auto created = std::make_unique<DeviceContext>();
    created->gpu = devicesPlacement.gpuOf(int(contexts.size()));
    ALEXRT_CUDA(cudaSetDevice(created->gpu));
    // Non-blocking: no implicit ordering with the legacy default stream.
    ALEXRT_CUDA(
        cudaStreamCreateWithFlags(&created->stream, cudaStreamNonBlocking));
    ALEXRT_CUDA(cublasCreate(&created->blas));
    ALEXRT_CUDA(cublasSetStream(created->blas, created->stream));
    constexpr size_t kBlasWorkspace = size_t(32) << 20;
    ALEXRT_CUDA(cudaMalloc(&created->blasWorkspace, kBlasWorkspace));
    ALEXRT_CUDA(cublasSetWorkspace(created->blas, created->blasWorkspace,
                                   kBlasWorkspace));
    ALEXRT_CUDA(cublasSetMathMode(created->blas, blasMath(modelPrecision)));
    for (cudaEvent_t *event :
         {&created->ready[0], &created->ready[1], &created->done})
      ALEXRT_CUDA(cudaEventCreateWithFlags(event, cudaEventDisableTiming));
    contexts.push_back(std::move(created));
  }
  return *contexts[size_t(device)];
}

DeviceContext &alexrt::cuda::currentContext() {
  if (!bound)
    bindThread(0);
  return *bound;
}

void alexrt::cuda::bindThread(int device) {
  bound = &context(device);
  ALEXRT_CUDA(cudaSetDevice(bound->gpu));
}

void alexrt::cuda::synchronize(cudaStream_t stream) {
  std::vector<std::function<void(double)>> watching;
  {
    std::lock_guard<std::mutex> lock(watchesMutex);
    for (auto &[id, watch] : watches)
      watching.push_back(watch);
  }
  if (watching.empty()) {
    ALEXRT_CUDA(cudaStreamSynchronize(stream));
    return;
  }
  using Clock = std::chrono::steady_clock;
  Clock::time_point start = Clock::now(), nextWatch = start;
  for (;;) {
    cudaError_t state = cudaStreamQuery(stream);
    if (state == cudaSuccess)
      return;
    if (state != cudaErrorNotReady)
      check(state, "cudaStreamQuery (waiting for a step)");
    Clock::time_point now = Clock::now();
    if (now >= nextWatch) {
      for (auto &watch : watching)
        watch(std::chrono::duration<double>(now - start).count());
      nextWatch = now + std::chrono::milliseconds(1);
    }
    // Spin briefly (a step's tail), then poll without holding a core.
    if (now - start < std::chrono::microseconds(200))
      std::this_thread::yield();
    else
      std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

int alexrt::cuda::watchWaits(std::function<void(double)> watch) {
  std::lock_guard<std::mutex> lock(watchesMutex);
  watches[++lastWatch] = std::move(watch);
  return lastWatch;
}

void alexrt::cuda::unwatchWaits(int id) {
  std::lock_guard<std::mutex> lock(watchesMutex);
  watches.erase(id);
}

void alexrt::cuda::setPrecision(Precision precision) {
  modelPrecision = precision;
}

Precision alexrt::cuda::precision() { return modelPrecision; }

bool alexrt::cuda::verbose() {
  static const bool on = [] {
    const char *setting = std::getenv("ALEXRT_VERBOSE");
    return setting && *setting && std::strcmp(setting, "0") != 0;
  }();
  return on;
}
