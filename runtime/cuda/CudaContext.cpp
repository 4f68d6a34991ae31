//===- CudaContext.cpp - the CUDA target's per-device state ---------------===//

#include "runtime/cuda/CudaContext.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

using namespace alexrt::cuda;

void alexrt::cuda::check(cudaError_t error, const char *call) {
  if (error == cudaSuccess)
    return;
  std::fprintf(stderr, "error: CUDA: %s failed: %s\n", call,
               cudaGetErrorString(error));
  std::exit(1);
}

void alexrt::cuda::check(cublasStatus_t status, const char *call) {
  if (status == CUBLAS_STATUS_SUCCESS)
    return;
  std::fprintf(stderr, "error: cuBLAS: %s failed: %s\n", call,
               cublasGetStatusString(status));
  std::exit(1);
}

namespace {
std::mutex contextsMutex;
std::vector<std::unique_ptr<DeviceContext>> contexts;
/// The context the calling thread drives; device 0's until bound.
thread_local DeviceContext *bound = nullptr;
bool tf32 = false;

/// Lets every GPU the devices use read the others' memory (peer access),
/// so exchanges and shared parameters work across GPUs.
void enablePeerAccess(int gpus) {
  for (int a = 0; a < gpus; ++a)
    for (int b = 0; b < gpus; ++b) {
      int possible = 0;
      if (a == b || cudaDeviceCanAccessPeer(&possible, a, b) != cudaSuccess ||
          !possible)
        continue;
      ALEXRT_CUDA(cudaSetDevice(a));
      cudaError_t error = cudaDeviceEnablePeerAccess(b, 0);
      if (error == cudaErrorPeerAccessAlreadyEnabled)
        (void)cudaGetLastError();
      else
        ALEXRT_CUDA(error);
    }
}
} // namespace

DeviceContext &alexrt::cuda::context(int device) {
  std::lock_guard<std::mutex> lock(contextsMutex);
  if (int(contexts.size()) <= device) {
    int gpus = 0;
    ALEXRT_CUDA(cudaGetDeviceCount(&gpus));
    if (contexts.size() <= 1 && device >= 1 && gpus > 1)
      enablePeerAccess(gpus);
    while (int(contexts.size()) <= device) {
      auto created = std::make_unique<DeviceContext>();
      created->gpu = int(contexts.size()) % gpus;
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
      ALEXRT_CUDA(
          cublasSetMathMode(created->blas, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH
                                                : CUBLAS_DEFAULT_MATH));
      for (cudaEvent_t *event :
           {&created->ready[0], &created->ready[1], &created->done})
        ALEXRT_CUDA(cudaEventCreateWithFlags(event, cudaEventDisableTiming));
      contexts.push_back(std::move(created));
    }
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

void alexrt::cuda::setTf32(bool enabled) { tf32 = enabled; }

bool alexrt::cuda::tf32Enabled() { return tf32; }
