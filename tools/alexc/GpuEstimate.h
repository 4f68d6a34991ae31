//===- GpuEstimate.h - a roofline estimate of a GPU step --------*- C++ -*-===//
//
// `alexc summary --target=cuda --gpu=h100|h200`: what each kernel of a step
// (the kernels stage: loop nests mapped to blocks and threads, and cuBLAS
// calls) costs on a named GPU by a roofline model, and what the whole step
// costs launched kernel by kernel or replayed as one CUDA graph. The model
// and its limits are in docs/GpuModel.md.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_TOOLS_ALEXC_GPUESTIMATE_H
#define ALEX_TOOLS_ALEXC_GPUESTIMATE_H

#include "runtime/Precision.h"
#include "tools/alexc/KernelResources.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <optional>
#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace alex {

/// The ceilings of one GPU the estimate uses, each with where it comes from.
struct GpuModel {
  std::string name;
  double memoryBytesPerSecond = 0; ///< Device memory (copy) bandwidth.
  double loopFlopsPerSecond = 0;   ///< fp32 on CUDA cores, for loop kernels.
  double sgemmFlopsPerSecond = 0;  ///< cuBLAS SGEMM, strict fp32.
  double tf32FlopsPerSecond = 0;   ///< cuBLAS SGEMM on TF32 tensor cores.
  double bf16FlopsPerSecond = 0;   ///< cuBLAS bf16 GEMM, fp32 accumulation.
  double launchSeconds = 0;        ///< Host cost of one kernel launch.
  double graphNodeSeconds = 0;     ///< Cost of one node of a replayed graph.
  int64_t multiprocessors = 0;     ///< SMs: GEMM tiles run in waves of this.
  /// Threads in flight a loop kernel needs to reach the ceilings: fewer
  /// get a proportional share (Little's law on memory latency).
  int64_t threadsForPeak = 0;
  /// What an SM holds at once (sm_90): registers, threads, blocks. A
  /// kernel's registers a thread bound the threads it keeps in flight.
  int64_t registersPerSM = 0, threadsPerSM = 0, blocksPerSM = 0;
  std::string sources; ///< Which figures are measured, which not.

  /// cuBLAS's GEMM throughput in `precision`.
  double gemmFlopsPerSecond(alexrt::Precision precision) const {
    switch (precision) {
    case alexrt::Precision::FP32:
      return sgemmFlopsPerSecond;
    case alexrt::Precision::TF32:
      return tf32FlopsPerSecond;
    case alexrt::Precision::BF16:
      return bf16FlopsPerSecond;
    }
    return 0;
  }
};

/// The model named `name` ("h100", "h200"), if known.
std::optional<GpuModel> gpuModel(llvm::StringRef name);

/// A step's estimated seconds: GPU busy, launched one kernel at a time, and
/// replayed as one CUDA graph; then busy and as a graph when no load but
/// small buffers' hits a cache (an upper bound).
struct StepEstimate {
  double busy = 0, eager = 0, graph = 0;
  double busyNoReuse = 0, graphNoReuse = 0;
};

/// The threads of a kernel an SM keeps in flight at once: whole blocks of
/// `blockThreads`, each thread holding `registers` (allocated a warp at a
/// time in units of 256), within the SM's registers, threads and blocks.
int64_t residentThreadsPerSM(const GpuModel &gpu, int64_t registers,
                             int64_t blockThreads);

/// Prints, for a function at the kernels stage: its launches and GEMM calls
/// (GEMM shapes with counts), the estimated time of each layer's kernels
/// and of the slowest kernels, and the step's estimated time launched one
/// kernel at a time and as a CUDA graph, which it returns. `precision`:
/// what GEMMs and convolutions compute in. `kernels`, where ptxas measured
/// them: each loop kernel's registers and spills in launch order, printed and
/// used for its occupancy.
StepEstimate printGpuEstimate(mlir::func::FuncOp function, const GpuModel &gpu,
                              alexrt::Precision precision,
                              llvm::raw_ostream &os,
                              const std::vector<KernelResources> *kernels);

} // namespace alex

#endif // ALEX_TOOLS_ALEXC_GPUESTIMATE_H
