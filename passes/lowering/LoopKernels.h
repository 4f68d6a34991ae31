//===- LoopKernels.h - each alex op as loops over memrefs -------*- C++ -*-===//

#ifndef ALEX_PASSES_LOWERING_LOOPKERNELS_H
#define ALEX_PASSES_LOWERING_LOOPKERNELS_H

#include "dialect/AlexDialect.h"
#include "passes/lowering/KernelParts.h"

namespace alex {

/// What kernels need beyond their operands.
struct KernelContext {
  /// The model's seed, for dropout masks.
  uint64_t seed = 0;
  /// The device the function runs on, of how many (--alex-partition).
  int64_t device = 0, devices = 1;
  /// Data-parallel replicas (--alex-replicate): each function computes one
  /// replica's rows of the global batch.
  int64_t replicas = 1;
  /// Images per convolution GEMM (--alex-lower-to-loops' gpu-kernels).
  ConvChunking chunking = ConvChunking::cpu();
  /// Shaped for a GPU (--alex-lower-to-loops' gpu-kernels): every SGD
  /// update of a step in one loop nest, forward convolutions' columns kept
  /// for their weight gradients.
  bool gpuKernels = false;
  /// Convolutions as alexrt_conv2d_* calls (--alex-lower-to-loops'
  /// library-convolutions), not im2col + GEMM: over the whole batch, but
  /// for a fused block's on the CPU (imagesPerLibraryCall).
  bool libraryConvolutions = false;
  /// Where forward convolutions keep their columns for the weight
  /// gradients (gpu-kernels; null: rebuilt).
  ConvColsCache *colsCache = nullptr;

  /// Whether a convolution whose products compute in `precision` is an
  /// alexrt_conv2d_* call: with library-convolutions, and on the CPU for
  /// bf16, whose oneDNN direct convolutions read each pixel once where
  /// im2col copies it kernel^2 times (the GPU targets' bf16 stays im2col:
  /// cuDNN's bf16 convolutions write bf16).
  bool convolvesInLibrary(alexrt::Precision precision) const {
    return libraryConvolutions ||
           (!gpuKernels && alexrt::convertsOperands(precision));
  }
};

/// The buffers of one alex.sgd_update: its op, parameter (or its rows),
/// momentum, gradient and learning rate, and the parameter's bf16 copy kept
/// between steps (null if it has none), which the update rewrites.
struct SGDUpdateBuffers {
  SGDUpdateOp op;
  mlir::Value param, momentum, grad, lr;
  mlir::Value bf16Copy = {};
};

/// Every update of `all` in one parallel loop over their elements (one
/// kernel on a GPU instead of one per parameter), same arithmetic.
void sgdUpdates(LoopBuilder &lb, llvm::ArrayRef<SGDUpdateBuffers> all);

/// `op` (dW = dy^T x) and the update `u` of the weights it is the gradient
/// of, a block of dW's rows at a time: each block's gradient goes from its
/// GEMM to its update through the cache, and dW is never whole in memory.
/// The update's arithmetic is alex.sgd_update's; u.grad is unused. With
/// `profileRegions` (the update's, then the gradient's), each block's
/// update is charged to the update's region (alexrt_profile_mark).
void denseGradWeightWithUpdate(
    LoopBuilder &lb, DenseGradWeightOp op, mlir::Value dy, mlir::Value x,
    const SGDUpdateBuffers &u,
    std::optional<std::pair<int32_t, int32_t>> profileRegions);

/// Emits the loops that compute `op` from `operands` into `results` (the
/// memrefs standing for the op's operands and results, in order). For
/// alex.sgd_update, `operands` is (parameter, momentum, gradient, lr) and
/// the parameter's kept bf16 copy if it has one.
/// Fails with a diagnostic on ops it has no kernel for.
mlir::LogicalResult emitKernel(LoopBuilder &lb, mlir::Operation *op,
                               llvm::ArrayRef<mlir::Value> operands,
                               llvm::ArrayRef<mlir::Value> results,
                               const KernelContext &context);

} // namespace alex

#endif // ALEX_PASSES_LOWERING_LOOPKERNELS_H
