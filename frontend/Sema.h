//===- Sema.h - semantic checks of a parsed .model file ---------*- C++ -*-===//

#ifndef ALEX_FRONTEND_SEMA_H
#define ALEX_FRONTEND_SEMA_H

#include "frontend/AST.h"
#include "frontend/Model.h"

#include <optional>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace alex {

/// Resolves names, checks keys, value kinds and ranges, finds cycles and
/// orders the layers. Shape rules are the dialect's (dialect/Shapes.h) and
/// run in MLIRGen. Prints every error it finds; returns nullopt if any.
std::optional<Model> checkModel(const ModelAST &ast,
                                llvm::SourceMgr &sourceMgr);

/// Checks that the recipe's batch splits evenly across its replicas (each
/// computes batch / replicas images a step); prints the error at the
/// `train` section if not. Run after command-line overrides.
bool checkBatchSplit(const Model &model, llvm::SourceMgr &sourceMgr);

/// Checks that the model's precision runs on the code target (tf32 needs a
/// GPU's tensor cores); prints the error at the `precision` key if not.
bool checkPrecisionTarget(const Model &model, llvm::SourceMgr &sourceMgr,
                          bool gpuTarget);

} // namespace alex

#endif // ALEX_FRONTEND_SEMA_H
