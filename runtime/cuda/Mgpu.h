/*===- Mgpu.h - the mgpu* functions MLIR's GPU lowering calls -------------===*
 *
 * gpu.binary and gpu.launch_func (from gpu-to-llvm) translate to calls of
 * these functions; MLIR's own runtime library (libmlir_cuda_runtime) is not
 * shipped by Debian, so alexrt provides them on the CUDA runtime API. The
 * kernels of an executable are loaded when it starts (a global
 * constructor), so a load error is kept and reported by openTarget.
 *
 * Launches: MLIR creates a stream per launch, launches, synchronizes and
 * destroys it. Here "creating" a stream returns the calling device's
 * stream, and synchronizing it is a no-op: kernels, cuBLAS calls and
 * exchanges of a device run in the order they are issued, and the host
 * waits only where it reads results (runtime/Target.h copyToHost).
 *
 *===----------------------------------------------------------------------===*/

#ifndef ALEXRT_CUDA_MGPU_H
#define ALEXRT_CUDA_MGPU_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#include <string>

namespace alexrt::cuda {
/// Why loading the kernels failed, or empty.
std::string kernelLoadError();
} // namespace alexrt::cuda

extern "C" {
#endif

/* Exactly what gpu.binary / gpu.launch_func translate to for alexc's IR
 * (checked with nm on compiled objects): module load and unload (global
 * constructor and destructor), function lookup, and the stream bracket
 * around each launch. A module is null after a load error. */
void *mgpuModuleLoad(void *data, size_t size);
void mgpuModuleUnload(void *module);
void *mgpuModuleGetFunction(void *module, const char *name);
void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t sharedMemoryBytes, void *stream,
                      void **params, void **extra, size_t paramsCount);
void *mgpuStreamCreate(void);
void mgpuStreamDestroy(void *stream);
void mgpuStreamSynchronize(void *stream);

#ifdef __cplusplus
}
#endif

#endif /* ALEXRT_CUDA_MGPU_H */
