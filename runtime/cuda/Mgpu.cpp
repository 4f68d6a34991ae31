//===- Mgpu.cpp - the mgpu* functions on the CUDA runtime API -------------===//

#include "runtime/cuda/Mgpu.h"

#include "runtime/cuda/CudaContext.h"

#include <mutex>

using namespace alexrt::cuda;

namespace {
std::mutex errorMutex;
std::string loadError;

void *load(void *data) {
  cudaLibrary_t library = nullptr;
  cudaError_t error = cudaLibraryLoadData(&library, data, nullptr, nullptr, 0,
                                          nullptr, nullptr, 0);
  if (error != cudaSuccess) {
    std::lock_guard<std::mutex> lock(errorMutex);
    loadError = cudaGetErrorString(error);
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

extern "C" void *mgpuModuleLoadJIT(void *data, int, size_t) {
  return load(data);
}

extern "C" void mgpuModuleUnload(void *module) {
  // At exit the driver may already be gone; nothing to report then.
  if (module)
    (void)cudaLibraryUnload(static_cast<cudaLibrary_t>(module));
}

extern "C" void *mgpuModuleGetFunction(void *module, const char *name) {
  if (!module)
    check(cudaErrorInvalidResourceHandle, "loading the GPU kernels");
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

extern "C" void mgpuStreamWaitEvent(void *stream, void *event) {
  ALEXRT_CUDA(cudaStreamWaitEvent(static_cast<cudaStream_t>(stream),
                                  static_cast<cudaEvent_t>(event), 0));
}

extern "C" void *mgpuEventCreate(void) {
  cudaEvent_t event = nullptr;
  ALEXRT_CUDA(cudaEventCreateWithFlags(&event, cudaEventDisableTiming));
  return event;
}

extern "C" void mgpuEventDestroy(void *event) {
  ALEXRT_CUDA(cudaEventDestroy(static_cast<cudaEvent_t>(event)));
}

extern "C" void mgpuEventSynchronize(void *event) {
  ALEXRT_CUDA(cudaEventSynchronize(static_cast<cudaEvent_t>(event)));
}

extern "C" void mgpuEventRecord(void *event, void *stream) {
  ALEXRT_CUDA(cudaEventRecord(static_cast<cudaEvent_t>(event),
                              static_cast<cudaStream_t>(stream)));
}

extern "C" void *mgpuMemAlloc(uint64_t bytes, void *stream, bool) {
  void *memory = nullptr;
  ALEXRT_CUDA(cudaMallocAsync(&memory, size_t(bytes),
                              static_cast<cudaStream_t>(stream)));
  return memory;
}

extern "C" void mgpuMemFree(void *memory, void *stream) {
  ALEXRT_CUDA(cudaFreeAsync(memory, static_cast<cudaStream_t>(stream)));
}

extern "C" void mgpuMemcpy(void *dst, void *src, size_t bytes, void *stream) {
  ALEXRT_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDefault,
                              static_cast<cudaStream_t>(stream)));
}

extern "C" void mgpuMemset32(void *dst, unsigned int value, size_t count,
                             void *stream) {
  // cudaMemsetAsync sets bytes: only values whose bytes are equal.
  unsigned char byte = value & 0xff;
  if (value != 0x01010101u * byte)
    check(cudaErrorInvalidValue, "mgpuMemset32 of a non-byte pattern");
  ALEXRT_CUDA(
      cudaMemsetAsync(dst, byte, count * 4, static_cast<cudaStream_t>(stream)));
}
