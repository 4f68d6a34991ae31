//===- Frontend.h - .model source to alex IR in one call --------*- C++ -*-===//

#ifndef ALEX_FRONTEND_FRONTEND_H
#define ALEX_FRONTEND_FRONTEND_H

#include "runtime/Precision.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <optional>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace alex {

/// Recipe values given on the command line, replacing the model's.
struct RecipeOverrides {
  std::optional<int64_t> batch;    ///< Global images per step.
  std::optional<int64_t> replicas; ///< Data-parallel replicas.
  /// What products compute in.
  std::optional<alexrt::Precision> precision;
  /// Not an override, a check: whether the code target is the GPU's. A
  /// model's precision only a GPU has is refused at its key when it is
  /// not. Unset: not checked.
  std::optional<bool> gpuTarget;
};

/// Parses, checks and lowers the main buffer of `sourceMgr` to a verified
/// module. Syntax and semantic errors go to the SourceMgr's handler, IR
/// errors to the context's; returns null after any. `overrides` replace
/// the model's recipe values before the batch is split across replicas.
mlir::OwningOpRef<mlir::ModuleOp>
importModel(llvm::SourceMgr &sourceMgr, mlir::MLIRContext &context,
            const RecipeOverrides &overrides = {});

} // namespace alex

#endif // ALEX_FRONTEND_FRONTEND_H
