//===- Passes.h - the alex passes -------------------------------*- C++ -*-===//

#ifndef ALEX_PASSES_PASSES_H
#define ALEX_PASSES_PASSES_H

#include "dialect/AlexDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace alex {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

} // namespace alex

#endif // ALEX_PASSES_PASSES_H
