//===- StepCost.h - kernels and memory traffic of a step --------*- C++ -*-===//
//
// The figures `alexc summary` prints per function, to compare pipelines
// (e.g. with and without fusion): how many kernels a call runs and how many
// bytes its ops move.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_TOOLS_ALEXC_STEPCOST_H
#define ALEX_TOOLS_ALEXC_STEPCOST_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace alex {

/// Work a function on buffers (the loops stage) launches per call.
struct KernelCount {
  /// Outermost parallel loop nests run (what the GPU target launches as
  /// kernels), counting each time an enclosing sequential loop repeats it.
  int64_t loopNests = 0;
  /// alexrt_sgemm calls made.
  int64_t gemmCalls = 0;
  /// alexrt_conv2d_* calls made (library convolutions).
  int64_t convolutionCalls = 0;
};

/// Counts the kernels of a loops-stage function; sequential loops must have
/// constant trip counts (alexc's do), others count once.
KernelCount countKernels(mlir::func::FuncOp function);

/// What a device function receives from the other devices per call, and
/// what it sums across replicas.
struct ExchangeCount {
  int64_t allGathers = 0, allGatherBytes = 0;
  int64_t reduceScatters = 0, reduceScatterBytes = 0;
  /// alex.all_reduce ops (buckets), the bytes of the tensors they sum, and
  /// across how many replicas.
  int64_t allReduces = 0, allReduceBytes = 0, replicas = 1;
};

/// Counts the exchanges of a device function on tensors (--alex-partition)
/// and the bytes it receives through them: the other devices' blocks; and
/// its sums across replicas (--alex-replicate).
ExchangeCount countExchanges(mlir::func::FuncOp function);

/// Bytes an alex function on tensors moves between its ops: each op reads
/// its operands and writes its results once (what stays inside an op, such
/// as a fused block's one-image buffers or im2col columns, is not counted);
/// ops with the NoKernel trait (views) move nothing;
/// an SGD update reads the parameter, its momentum and the gradient and
/// writes the first two.
int64_t opTrafficBytes(mlir::func::FuncOp function);

} // namespace alex

#endif // ALEX_TOOLS_ALEXC_STEPCOST_H
