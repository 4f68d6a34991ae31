//===- Mgpu.cpp - the mgpu* functions on the CUDA runtime API -------------===//

#include "runtime/cuda/Mgpu.h"

#include "runtime/cuda/CudaContext.h"
#include "runtime/support/Fatal.h"

#include <cstdio>
#include <mutex>

using namespace alexrt::cuda;

namespace {
// Constant-initialised (zeroes, a constexpr mutex): the generated loaders
// call mgpuModuleLoad from global constructors of priority 123, before this
// file's dynamic initialisers would run, and a std::string initialised
// then would wipe the error they set.
std::mutex errorMutex;
char loadError[512];

void *load(void *data) {
  cudaLibrary_t library = nullptr;
  cudaError_t error = cudaLibraryLoadData(&library, data, nullptr, nullptr, 0,
                                          nullptr, nullptr, 0);
  if (error != cudaSuccess) {
    std::lock_guard<std::mutex> lock(errorMutex);
    if (!loadError[0])
      std::snprintf(loadError, sizeof loadError, "%s (%s)",
                    cudaGetErrorString(error), cudaGetErrorName(error));
    return nullptr;
  }
  return library;
}
} // namespace

std::string alexrt::cuda::kernelLoadError() {
  std::lock_guard<std::mutex> lock(errorMutex);
  return loadError;
}

extern "C" void *mgpuModuleLoad(void *data, size_t) { return load(data); }

extern "C" void mgpuModuleUnload(void *module) {
  // At exit the driver may already be gone; nothing to report then.
  if (module)
    (void)cudaLibraryUnload(static_cast<cudaLibrary_t>(module));
}

extern "C" void *mgpuModuleGetFunction(void *module, const char *name) {
  if (!module)
    alexrt::fatal("cannot load the model's GPU kernels: " + kernelLoadError());
  cudaKernel_t kernel = nullptr;
  ALEXRT_CUDA(
      cudaLibraryGetKernel(&kernel, static_cast<cudaLibrary_t>(module), name));
  return kernel;
}

extern "C" void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                                 intptr_t gridZ, intptr_t blockX,
                                 intptr_t blockY, intptr_t blockZ,
                                 int32_t sharedMemoryBytes, void *stream,
                                 void **params, void **, size_t) {
  // A cudaKernel_t launches like a __global__ function's address.
  ALEXRT_CUDA(cudaLaunchKernel(
      function, dim3(unsigned(gridX), unsigned(gridY), unsigned(gridZ)),
      dim3(unsigned(blockX), unsigned(blockY), unsigned(blockZ)), params,
      size_t(sharedMemoryBytes), static_cast<cudaStream_t>(stream)));
}

extern "C" void *mgpuStreamCreate(void) { return currentContext().stream; }

extern "C" void mgpuStreamDestroy(void *) {}

extern "C" void mgpuStreamSynchronize(void *) {}
