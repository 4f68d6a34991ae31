//===- CudaContext.h - the CUDA target's per-device state ----- -*- C++ -*-===//

#ifndef ALEXRT_CUDA_CUDACONTEXT_H
#define ALEXRT_CUDA_CUDACONTEXT_H

#include "runtime/Precision.h"
#include "runtime/devices/GpuPlacement.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <functional>

namespace alexrt::cuda {

/// Ends the process (runtime/support/Fatal.h: from any device thread, at once)
/// with the failed call, the library's message and the GPU: generated code
/// has no way to handle an error, and a failed launch leaves the step
/// undefined.
void check(cudaError_t error, const char *call);
void check(cublasStatus_t status, const char *call);
#define ALEXRT_CUDA(call) ::alexrt::cuda::check((call), #call)

/// "CUDA: CALL failed on GPU g: WHY": a failure's message, for the
/// checks of other libraries on the device too (cuDNN, NCCL).
std::string failedCall(const char *library, const char *call, const char *why);

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

/// Where the logical devices run (set by openTarget before any context
/// exists; runtime/devices/GpuPlacement.h).
void setPlacement(const GpuPlacement &placement);
const GpuPlacement &placement();

/// The context of logical device `device` (created on first use, on the
/// GPU the placement gives it).
DeviceContext &context(int device);

/// The context of the logical device the calling thread drives (device 0
/// until bindThread says otherwise).
DeviceContext &currentContext();

/// Binds the calling thread to logical device `device` and makes its GPU
/// current for the thread.
void bindThread(int device);

/// Waits until `stream` has done all its work: the host's one wait in a
/// step (for its loss and logits). While it waits, every watch registered
/// with watchWaits runs about once a millisecond, with the seconds waited
/// so far: a failed or dead peer of an NCCL sum would otherwise hold the
/// stream, and the host with it, forever.
void synchronize(cudaStream_t stream);
/// Registers a watch; returns its id (never 0) for unwatchWaits.
int watchWaits(std::function<void(double seconds)> watch);
void unwatchWaits(int id);

/// Adds to alexrt_exchanged_bytes: the copies a replayed CUDA graph makes
/// without the host issuing them.
void countExchangedBytes(int64_t bytes);

/// What GEMMs and convolutions may compute in (set by openTarget from the
/// model descriptor).
void setPrecision(Precision precision);
Precision precision();

/// Whether the runtime says what it chose (ALEXRT_VERBOSE=1): where the
/// devices run, each convolution's cuDNN algorithm and workspace.
bool verbose();

} // namespace alexrt::cuda

#endif // ALEXRT_CUDA_CUDACONTEXT_H
