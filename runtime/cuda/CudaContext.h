//===- CudaContext.h - the CUDA target's per-device state ----- -*- C++ -*-===//

#ifndef ALEXRT_CUDA_CUDACONTEXT_H
#define ALEXRT_CUDA_CUDACONTEXT_H

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace alexrt::cuda {

/// Exits with the failed call and CUDA's message: generated code has no
/// way to handle an error, and a failed launch leaves the step undefined.
void check(cudaError_t error, const char *call);
void check(cublasStatus_t status, const char *call);
#define ALEXRT_CUDA(call) ::alexrt::cuda::check((call), #call)

/// One logical device: the GPU it runs on, the stream its work goes to in
/// order, its cuBLAS handle, and its events for exchanges.
struct DeviceContext {
  int gpu = 0;
  cudaStream_t stream = nullptr;
  cublasHandle_t blas = nullptr;
  /// cuBLAS's workspace, ours: a step captured as a CUDA graph must not
  /// allocate (NVIDIA recommends 32 MiB on Hopper).
  void *blasWorkspace = nullptr;
  /// Recorded at barriers, alternating (see alexrt_device_barrier).
  cudaEvent_t ready[2] = {nullptr, nullptr};
  /// Recorded when the device's part of a step is done.
  cudaEvent_t done = nullptr;
  /// Barriers this device has passed in this process.
  unsigned long long barriers = 0;
};

/// The context of logical device `device` (created on first use: device d
/// runs on GPU d modulo the GPU count).
DeviceContext &context(int device);

/// The context of the logical device the calling thread drives (device 0
/// until bindThread says otherwise).
DeviceContext &currentContext();

/// Binds the calling thread to logical device `device` and makes its GPU
/// current for the thread.
void bindThread(int device);

/// Adds to alexrt_exchanged_bytes: the copies a replayed CUDA graph makes
/// without the host issuing them.
void countExchangedBytes(int64_t bytes);

/// Whether GEMMs may use TF32 tensor cores (set by openTarget).
void setTf32(bool enabled);
bool tf32Enabled();

} // namespace alexrt::cuda

#endif // ALEXRT_CUDA_CUDACONTEXT_H
