//===- AlexTraits.cpp - the shapes the alex op traits promise -------------===//

#include "dialect/AlexTraits.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

/// The op's one result, as a ranked tensor; null after a diagnostic.
static RankedTensorType oneTensorResult(Operation *op, llvm::StringRef trait) {
  auto type = op->getNumResults() == 1
                  ? dyn_cast<RankedTensorType>(op->getResult(0).getType())
                  : RankedTensorType();
  if (!type)
    op->emitOpError() << "is " << trait
                      << " and must have one ranked tensor result";
  return type;
}

// The shape rules stay in each op's verifier (its messages are the
// specific ones); a trait checks only what the passes reading it rely on.

LogicalResult alex::verifyNoKernel(Operation *op) {
  if (!oneTensorResult(op, "a view (NoKernel)"))
    return failure();
  if (op->getNumOperands() > 1)
    return op->emitOpError()
           << "is a view (NoKernel): it views at most one operand";
  return success();
}

LogicalResult alex::verifyChannelLocal(Operation *op) {
  return success(oneTensorResult(op, "channel-local") != nullptr);
}
