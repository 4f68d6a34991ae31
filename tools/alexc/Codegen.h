//===- Codegen.h - objects and executables from LLVM IR ---------*- C++ -*-===//

#ifndef ALEX_TOOLS_ALEXC_CODEGEN_H
#define ALEX_TOOLS_ALEXC_CODEGEN_H

#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <optional>
#include <string>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace alex {

/// Translates an LLVM-dialect module to LLVM IR for this machine's CPU and
/// optimizes it at -O3. Null after a diagnostic.
std::unique_ptr<llvm::Module> translateForHost(mlir::ModuleOp module,
                                               llvm::LLVMContext &context);

/// Whether this machine's CPU converts to bf16 in instructions (x86's
/// AVX512_BF16 with AVX512VL, or AVX-NE-CONVERT: vcvtneps2bf16), which LLVM
/// selects for the host code's conversions.
bool hostConvertsBf16();

/// Writes `module` as an object file to `path`.
mlir::LogicalResult writeObject(llvm::Module &module, llvm::StringRef path);

/// Links `object` with the runtime (its commands' main, zlib, and oneDNN
/// with OpenMP, or with `cuda` the CUDA runtime, cuBLAS and cuDNN; with
/// `replicated` Open MPI, and on CUDA NCCL) into the executable `output`.
mlir::LogicalResult linkExecutable(llvm::StringRef object,
                                   llvm::StringRef output, bool cuda,
                                   bool replicated);

/// The CUDA toolkit to build GPU binaries with: $CUDA_HOME, else the one
/// this alexc was configured with, if it has ptxas.
std::optional<std::string> cudaToolkit();

/// Whether this alexc can build for CUDA (toolkit and CUDA runtime library
/// present) and this machine has a CUDA device to run the result.
bool cudaAvailable();

} // namespace alex

#endif // ALEX_TOOLS_ALEXC_CODEGEN_H
