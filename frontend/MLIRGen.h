//===- MLIRGen.h - a checked model as alex dialect IR -----------*- C++ -*-===//

#ifndef ALEX_FRONTEND_MLIRGEN_H
#define ALEX_FRONTEND_MLIRGEN_H

#include "frontend/Model.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace alex {

/// Builds `module @<name> attributes {alex.training = ...}` holding one
/// alex.param per weight and bias and `func.func @forward(images, labels) ->
/// (loss, logits)`. Locations point into the .model file; each layer's op
/// carries its name as a NameLoc. Shape errors are reported through the
/// context's diagnostic handler; returns null after any.
mlir::OwningOpRef<mlir::ModuleOp> buildModule(const Model &model,
                                              mlir::MLIRContext &context,
                                              const llvm::SourceMgr &sourceMgr);

} // namespace alex

#endif // ALEX_FRONTEND_MLIRGEN_H
