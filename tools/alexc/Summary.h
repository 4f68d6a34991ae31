//===- Summary.h - the per-layer table of `alexc summary` -------*- C++ -*-===//

#ifndef ALEX_TOOLS_ALEXC_SUMMARY_H
#define ALEX_TOOLS_ALEXC_SUMMARY_H

#include "passes/Pipeline.h"
#include "tools/alexc/GpuEstimate.h"

#include "mlir/IR/BuiltinOps.h"

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace alex {

/// Prints one row per op of the module's @forward function (name, op,
/// per-example output shape, parameters, multiply-adds per example) and the
/// totals, then per compiled function (compiled with `options`): kernels
/// and GEMM calls per call, bytes its ops move, and the memory plan
/// (temporaries with and without buffer reuse). Works on any verified alex
/// IR before lowering: names come from NameLocs. For a GPU target the
/// counts are of the kernels stage, and with `gpu` each training step also
/// gets a roofline estimate on that GPU.
mlir::LogicalResult printSummary(mlir::ModuleOp module, llvm::raw_ostream &os,
                                 const PipelineOptions &options = {},
                                 const GpuModel *gpu = nullptr);

} // namespace alex

#endif // ALEX_TOOLS_ALEXC_SUMMARY_H
