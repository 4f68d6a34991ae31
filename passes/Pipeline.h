//===- Pipeline.h - the stages of alexc and the passes between --*- C++ -*-===//
//
// One pipeline builder shared by `alexc --emit=<stage>` and alex-opt's
// registered pipelines, so any stage alexc prints can be reproduced in a
// lit test.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_PASSES_PIPELINE_H
#define ALEX_PASSES_PIPELINE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include "runtime/Precision.h"

#include <optional>

namespace alex {

/// The stages of compilation, in order.
enum class Stage {
  AST,         ///< The parsed .model (not IR).
  MLIR,        ///< alex IR straight from the frontend: @forward.
  TrainStep,   ///< + @train_step (gradients and SGD updates).
  Partitioned, ///< One function per device (--alex-partition).
  Fused,       ///< Layers fused with their epilogues (--alex-fuse-conv-blocks),
               ///< gradients summed across replicas (--alex-replicate).
  Loops,       ///< Functions over buffers: loop nests and sgemm calls.
  Kernels,     ///< Every buffer access in a kernel mapped to GPU threads
               ///< (CUDA target and its CPU twin only).
  LLVM,        ///< The LLVM dialect (memrefs passed as bare pointers).
};

/// The stage named `name` (as in --emit=), if any.
std::optional<Stage> parseStage(llvm::StringRef name);

/// What the code runs on.
enum class CodeTarget {
  CPU,     ///< Host loops and oneDNN's sgemm.
  CUDA,    ///< Kernels on an NVIDIA GPU (sm_90, cubin + PTX) and cuBLAS.
  CPUTwin, ///< The CUDA target's kernel IR run as host loops: tests the
           ///< GPU-shaped code on machines without a GPU.
};

/// Every target, in the order --help lists them.
inline constexpr CodeTarget kCodeTargets[] = {CodeTarget::CPU, CodeTarget::CUDA,
                                              CodeTarget::CPUTwin};
/// Its name, as --target spells it ("cpu", "cuda", "cpu-twin").
llvm::StringRef codeTargetName(CodeTarget target);

/// Choices that change the code, not the stages.
struct PipelineOptions {
  CodeTarget target = CodeTarget::CPU;
  /// What GEMMs and convolutions may compute in: recorded in the
  /// descriptor for the runtime's libraries.
  alexrt::Precision precision = alexrt::Precision::FP32;
  /// The CUDA toolkit whose ptxas and fatbinary build the GPU binary.
  std::string cudaToolkit = "/usr/local/cuda";
  /// Fuse layers with their epilogues; without it the Fused stage is the
  /// TrainStep stage unchanged (for comparisons and debugging).
  bool fuse = true;
  /// Check every buffer access at run time (MLIR's runtime verification of
  /// memref ops): an out-of-bounds load, store or view aborts with its
  /// location. Slow; for debugging kernels.
  bool checkBounds = false;
  /// Devices to split each step across; 0 takes the model's `devices`.
  int64_t devices = 0;
  /// GPU targets: convolutions as the runtime's library calls (cuDNN), not
  /// im2col + GEMM loops. The CPU target's are im2col + GEMM loops in fp32
  /// and oneDNN's in bf16 (KernelContext::convolvesInLibrary).
  bool libraryConvolutions = true;
  /// The host code runs on a CPU with bf16 conversion instructions (x86's
  /// AVX512_BF16): its `arith.truncf` and `arith.extf` stay for LLVM to
  /// select them, instead of alex-expand-bf16's integer arithmetic.
  bool hostConvertsBf16 = false;
};

/// Adds the passes that take alex IR from stage `from` to stage `to`.
void buildPipeline(mlir::OpPassManager &pm, Stage from, Stage to,
                   const PipelineOptions &options = {});

/// Adds the passes from the frontend's IR (the MLIR stage) to `to`.
inline void buildPipeline(mlir::OpPassManager &pm, Stage to,
                          const PipelineOptions &options = {}) {
  buildPipeline(pm, Stage::MLIR, to, options);
}

/// Adds the passes that take the kernels stage's mapped loops to GPU
/// kernels in NVVM (outlined into gpu.modules for sm_90, launched by
/// gpu.launch_func): the CUDA target's way to its binary, and `alexc
/// summary`'s to each kernel's registers.
void buildKernelsToNVVM(mlir::OpPassManager &pm);

/// The stage `module` is at, from what it contains: LLVM-dialect entry
/// points, functions over buffers, fused blocks, a @train_step, or the
/// frontend's IR.
Stage detectStage(mlir::ModuleOp module);

/// Adds every dialect alexc's stages print, so any stage parses back.
void registerStageDialects(mlir::DialectRegistry &registry);

/// Registers `alex-pipeline-<stage>` pipelines for alex-opt.
void registerAlexPipelines();

} // namespace alex

#endif // ALEX_PASSES_PIPELINE_H
