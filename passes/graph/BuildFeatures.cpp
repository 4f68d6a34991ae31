//===- BuildFeatures.cpp - @features: the last hidden layer's activations -===//

#include "passes/Passes.h"

#include "mlir/IR/Builders.h"

namespace alex {
#define GEN_PASS_DEF_ALEXBUILDFEATURES
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;
using namespace alex;

namespace {

/// The features a forward function's logits are computed from: the input
/// of the dense op (plain or fused) that makes them.
Value logitsInput(Value logits) {
  Operation *producer = logits.getDefiningOp();
  if (auto dense = dyn_cast_or_null<DenseOp>(producer))
    return dense.getInput();
  if (auto block = dyn_cast_or_null<DenseBlockOp>(producer))
    return block.getInput();
  return Value();
}

struct BuildFeatures : public alex::impl::AlexBuildFeaturesBase<BuildFeatures> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::SmallVector<func::FuncOp> forwards;
    for (auto function : module.getOps<func::FuncOp>())
      if (function.getName() == "forward" ||
          function.getName().starts_with("forward_device"))
        forwards.push_back(function);
    for (func::FuncOp forward : forwards) {
      auto returnOp =
          cast<func::ReturnOp>(forward.getBody().front().getTerminator());
      Value features = returnOp.getNumOperands() == 2
                           ? logitsInput(returnOp.getOperand(1))
                           : Value();
      if (!features) {
        forward.emitError()
            << "--alex-build-features needs @" << forward.getName()
            << " to return (loss, logits made by a dense op)";
        return signalPassFailure();
      }
      OpBuilder builder(forward);
      builder.setInsertionPointAfter(forward);
      auto clone = cast<func::FuncOp>(builder.clone(*forward));
      std::string name =
          ("features" + forward.getName().drop_front(strlen("forward"))).str();
      clone.setName(name);
      // The clone's own copy of the features value: same position.
      Block &body = clone.getBody().front();
      auto cloneReturn = cast<func::ReturnOp>(body.getTerminator());
      Value cloned = logitsInput(cloneReturn.getOperand(1));
      builder.setInsertionPoint(cloneReturn);
      func::ReturnOp::create(builder, cloneReturn.getLoc(), cloned);
      cloneReturn.erase();
      clone.setType(builder.getFunctionType(clone.getArgumentTypes(),
                                            {cloned.getType()}));
      clone.removeResAttrsAttr(); // no block dimension: whole everywhere
      // Drop what only the loss and logits needed, last first.
      llvm::SmallVector<Operation *> ops;
      for (Operation &op : body.without_terminator())
        ops.push_back(&op);
      for (Operation *op : llvm::reverse(ops))
        if (op->use_empty() && (isPure(op) || isa<ReadParamOp>(op)))
          op->erase();
    }
  }
};

} // namespace
