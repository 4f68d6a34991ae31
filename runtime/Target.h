//===- Target.h - what each target runtime provides ----------- -*- C++ -*-===//
//
// One implementation is linked into each executable: runtime/cpu/CpuTarget.cpp
// (libalexrt_cpu) or runtime/cuda/ (libalexrt_cuda). The session and main
// reach the device only through these.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_TARGET_H
#define ALEXRT_TARGET_H

#include "runtime/support/Status.h"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace alexrt {

// The layers above name these through this interface (runtime/README.md).
struct ModelInfo;
class Communicator;

/// "cpu" or "cuda": the runtime linked.
const char *targetName();

/// The target to report for `model`: what it was compiled for (the CPU
/// twin links the CPU runtime), else the runtime's.
std::string reportedTarget(const ModelInfo &model);

/// Checks that the target can run here and configures it for `model`
/// (GEMM precision): on the CUDA target, an error without a CUDA device.
Status openTarget(const ModelInfo &model);

/// Whether device memory is host memory (the CPU): no copies needed.
bool deviceIsHost();

/// Device memory for the entry points' buffers.
void *allocateDevice(size_t bytes);
void freeDevice(void *memory);
void copyToDevice(void *device, const void *host, size_t bytes);
/// Waits for the device's work, then copies.
void copyToHost(void *host, const void *device, size_t bytes);

/// What the step's generated code sums device buffers through across the
/// replicas of `job` (`devices` channels): null on the CPU, whose device
/// buffers are host memory `job` sums itself; NCCL on the CUDA target.
Status openStepSums(Communicator &job, int devices,
                    std::unique_ptr<Communicator> &out);

/// Runs one call of a generated entry point on `buffers`: a plain call on
/// the CPU; on the CUDA target the call's GPU work, captured once as a
/// CUDA graph and replayed (runtime/cuda/CudaGraphs.cpp).
void runEntryPoint(void (*entry)(void **), std::vector<void *> &buffers);

/// A description of the device for `info` and logs ("NVIDIA H100 ...").
std::string deviceDescription();

} // namespace alexrt

#endif // ALEXRT_TARGET_H
