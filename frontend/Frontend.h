//===- Frontend.h - .model source to alex IR in one call --------*- C++ -*-===//

#ifndef ALEX_FRONTEND_FRONTEND_H
#define ALEX_FRONTEND_FRONTEND_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <optional>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace alex {

/// Parses, checks and lowers the main buffer of `sourceMgr` to a verified
/// module. Syntax and semantic errors go to the SourceMgr's handler, IR
/// errors to the context's; returns null after any. `batch`, when given,
/// replaces the model's batch size.
mlir::OwningOpRef<mlir::ModuleOp>
importModel(llvm::SourceMgr &sourceMgr, mlir::MLIRContext &context,
            std::optional<int64_t> batch = std::nullopt);

} // namespace alex

#endif // ALEX_FRONTEND_FRONTEND_H
