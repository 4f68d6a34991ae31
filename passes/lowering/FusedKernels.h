//===- FusedKernels.h - fused blocks as loops over memrefs ------*- C++ -*-===//

#ifndef ALEX_PASSES_LOWERING_FUSEDKERNELS_H
#define ALEX_PASSES_LOWERING_FUSEDKERNELS_H

#include "dialect/AlexDialect.h"
#include "passes/lowering/KernelParts.h"
#include "passes/lowering/LoopKernels.h"

namespace alex {

// Each emits the loops of one fused op; `in` and `out` are the buffers of
// its operands and results, in order.
void convBlock(LoopBuilder &lb, ConvBlockOp op, llvm::ArrayRef<mlir::Value> in,
               llvm::ArrayRef<mlir::Value> out, const KernelContext &context);
void convBlockGrad(LoopBuilder &lb, ConvBlockGradOp op,
                   llvm::ArrayRef<mlir::Value> in,
                   llvm::ArrayRef<mlir::Value> out,
                   const KernelContext &context);
void denseBlock(LoopBuilder &lb, DenseBlockOp op,
                llvm::ArrayRef<mlir::Value> in,
                llvm::ArrayRef<mlir::Value> out);
void denseBlockGrad(LoopBuilder &lb, DenseBlockGradOp op,
                    llvm::ArrayRef<mlir::Value> in,
                    llvm::ArrayRef<mlir::Value> out);

} // namespace alex

#endif // ALEX_PASSES_LOWERING_FUSEDKERNELS_H
