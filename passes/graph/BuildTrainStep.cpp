//===- BuildTrainStep.cpp - forward + reverse-mode gradients + SGD --------===//

#include "passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/TypeSwitch.h"

namespace alex {
#define GEN_PASS_DEF_ALEXBUILDTRAINSTEP
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;
using namespace alex;

namespace {

/// Reverse-mode differentiation of one straight-line function body.
class Differentiator {
public:
  Differentiator(func::FuncOp function, Value lr, SGDAttr sgd)
      : function(function), builder(function.getContext()), lr(lr), sgd(sgd) {}

  /// Appends the backward ops and the updates before the terminator.
  LogicalResult run(SoftmaxCrossEntropyOp loss);

private:
  /// Whether `value` depends on a parameter (only those get gradients).
  bool needsGrad(Value value) const { return dependsOnParams.contains(value); }
  void accumulate(Value value, Value grad);
  LogicalResult backward(Operation *op, Value grad);

  func::FuncOp function;
  OpBuilder builder;
  Value lr;
  SGDAttr sgd;
  llvm::DenseSet<Value> dependsOnParams;
  llvm::DenseMap<Value, Value> grads;
  /// Gradient per parameter symbol.
  llvm::DenseMap<StringAttr, Value> paramGrads;
};

} // namespace

void Differentiator::accumulate(Value value, Value grad) {
  auto [it, inserted] = grads.try_emplace(value, grad);
  if (!inserted)
    it->second = AddOp::create(builder, grad.getLoc(), it->second, grad);
}

LogicalResult Differentiator::backward(Operation *op, Value grad) {
  Location loc = op->getLoc();
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](ReadParamOp read) {
        StringAttr name = read.getParamAttr().getAttr();
        auto [it, inserted] = paramGrads.try_emplace(name, grad);
        if (!inserted)
          it->second = AddOp::create(builder, loc, it->second, grad);
        return success();
      })
      .Case([&](DenseOp dense) {
        if (needsGrad(dense.getInput()))
          accumulate(dense.getInput(),
                     DenseGradInputOp::create(builder, loc,
                                              dense.getInput().getType(), grad,
                                              dense.getWeight()));
        if (needsGrad(dense.getWeight()))
          accumulate(dense.getWeight(),
                     DenseGradWeightOp::create(builder, loc,
                                               dense.getWeight().getType(),
                                               grad, dense.getInput()));
        if (needsGrad(dense.getBias()))
          accumulate(dense.getBias(),
                     BiasGradOp::create(builder, loc, dense.getBias().getType(),
                                        grad));
        return success();
      })
      .Case([&](Conv2DOp conv) {
        if (needsGrad(conv.getInput()))
          accumulate(conv.getInput(),
                     Conv2DGradInputOp::create(
                         builder, loc, conv.getInput().getType(), grad,
                         conv.getFilter(), conv.getStride(), conv.getPad(),
                         conv.getGroups()));
        if (needsGrad(conv.getFilter()))
          accumulate(conv.getFilter(),
                     Conv2DGradFilterOp::create(
                         builder, loc, conv.getFilter().getType(),
                         conv.getInput(), grad, conv.getStride(), conv.getPad(),
                         conv.getGroups()));
        if (needsGrad(conv.getBias()))
          accumulate(
              conv.getBias(),
              BiasGradOp::create(builder, loc, conv.getBias().getType(), grad));
        return success();
      })
      .Case([&](ReluOp relu) {
        accumulate(relu.getInput(),
                   ReluGradOp::create(builder, loc, grad, relu.getOutput()));
        return success();
      })
      .Case([&](LRNOp lrn) {
        accumulate(lrn.getInput(),
                   LRNGradOp::create(builder, loc, grad, lrn.getInput(),
                                     lrn.getSizeAttr(), lrn.getAlphaAttr(),
                                     lrn.getBetaAttr(), lrn.getKAttr(),
                                     lrn.getGroupsAttr()));
        return success();
      })
      .Case([&](MaxPoolOp pool) {
        accumulate(pool.getInput(),
                   MaxPoolGradOp::create(
                       builder, loc, pool.getInput().getType(), grad,
                       pool.getInput(), pool.getWindow(), pool.getStride()));
        return success();
      })
      .Case([&](FlattenOp flatten) {
        accumulate(flatten.getInput(),
                   ReshapeOp::create(builder, loc, flatten.getInput().getType(),
                                     grad));
        return success();
      })
      .Case([&](ReshapeOp reshape) {
        accumulate(reshape.getInput(),
                   ReshapeOp::create(builder, loc, reshape.getInput().getType(),
                                     grad));
        return success();
      })
      .Case([&](MulOp mul) {
        if (needsGrad(mul.getLhs()))
          accumulate(mul.getLhs(),
                     MulOp::create(builder, loc, grad, mul.getRhs()));
        if (needsGrad(mul.getRhs()))
          accumulate(mul.getRhs(),
                     MulOp::create(builder, loc, grad, mul.getLhs()));
        return success();
      })
      .Case([&](AddOp add) {
        for (Value operand : {add.getLhs(), add.getRhs()})
          if (needsGrad(operand))
            accumulate(operand, grad);
        return success();
      })
      .Default([&](Operation *other) {
        return other->emitOpError()
               << "cannot be differentiated by --alex-build-train-step";
      });
}

LogicalResult Differentiator::run(SoftmaxCrossEntropyOp loss) {
  Block &body = function.getBody().front();
  auto module = function->getParentOfType<ModuleOp>();
  // A frozen parameter (lr_mult 0) is a constant here: no gradient for it,
  // nor for what only it feeds (a frozen network's backward pass stops at
  // its first trained layer).
  auto trained = [&](ReadParamOp read) {
    auto param = module.lookupSymbol<ParamOp>(read.getParamAttr().getAttr());
    return param && !param.isFrozen();
  };
  for (Operation &op : body) {
    auto read = dyn_cast<ReadParamOp>(op);
    bool depends = (read && trained(read)) ||
                   llvm::any_of(op.getOperands(), [&](Value operand) {
                     return dependsOnParams.contains(operand);
                   });
    if (depends)
      dependsOnParams.insert(op.result_begin(), op.result_end());
  }

  builder.setInsertionPoint(body.getTerminator());
  // The loss's own gradient is 1: start from the logits.
  accumulate(loss.getLogits(),
             SoftmaxCrossEntropyGradOp::create(
                 builder, loss.getLoc(), loss.getLogits().getType(),
                 loss.getLogits(), loss.getLabels()));

  for (Operation &op : llvm::reverse(body.without_terminator())) {
    if (&op == loss.getOperation() || op.getNumResults() != 1)
      continue;
    auto grad = grads.find(op.getResult(0));
    if (grad == grads.end())
      continue; // Not on a path from a parameter to the loss.
    if (isa<SoftmaxCrossEntropyOp>(op))
      return op.emitOpError() << "is not the returned loss; only that one "
                                 "can be differentiated";
    if (failed(backward(&op, grad->second)))
      return failure();
  }

  // Every read of a parameter precedes its update: updates go last, in
  // the order the module declares the parameters.
  for (auto param : module.getOps<ParamOp>()) {
    auto grad = paramGrads.find(param.getSymNameAttr());
    if (grad != paramGrads.end())
      SGDUpdateOp::create(builder, grad->second.getLoc(), param.getSymName(),
                          grad->second, lr, sgd.getMomentum(),
                          sgd.getWeightDecay(), /*rows=*/nullptr,
                          param.getLrMultAttr());
  }
  return success();
}

namespace {
struct BuildTrainStep
    : public alex::impl::AlexBuildTrainStepBase<BuildTrainStep> {
  void runOnOperation() override;
};
} // namespace

/// Replaces each dropout by a multiplication with a mask for `step`.
static void applyDropoutMasks(func::FuncOp function, Value step) {
  OpBuilder builder(function.getContext());
  int64_t stream = 0;
  function.walk([&](DropoutOp dropout) {
    builder.setInsertionPoint(dropout);
    Value mask = DropoutMaskOp::create(
        builder, dropout.getLoc(), dropout.getType(), step,
        dropout.getRateAttr(), builder.getI64IntegerAttr(stream++),
        /*columns=*/nullptr);
    dropout.replaceAllUsesWith(
        MulOp::create(builder, dropout.getLoc(), dropout.getInput(), mask)
            .getResult());
    dropout.erase();
  });
}

void BuildTrainStep::runOnOperation() {
  ModuleOp module = getOperation();
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  if (!forward || forward.isExternal() || !forward.getBody().hasOneBlock()) {
    module.emitError() << "--alex-build-train-step needs a func.func "
                          "@forward with a body of one block";
    return signalPassFailure();
  }
  if (module.lookupSymbol("train_step")) {
    module.emitError() << "the module already has a @train_step";
    return signalPassFailure();
  }
  auto training = module->getAttrOfType<TrainingAttr>(kTrainingAttrName);
  if (!training) {
    module.emitError() << "--alex-build-train-step needs the module's '"
                       << kTrainingAttrName << "' recipe";
    return signalPassFailure();
  }
  auto returnOp =
      cast<func::ReturnOp>(forward.getBody().front().getTerminator());
  SoftmaxCrossEntropyOp loss;
  if (returnOp.getNumOperands() >= 1)
    loss = returnOp.getOperand(0).getDefiningOp<SoftmaxCrossEntropyOp>();
  if (!loss) {
    forward.emitError() << "@forward must return the result of "
                           "alex.softmax_cross_entropy first";
    return signalPassFailure();
  }

  OpBuilder builder(module.getContext());
  builder.setInsertionPointAfter(forward);
  auto step = cast<func::FuncOp>(builder.clone(*forward));
  step.setSymName("train_step");
  auto i64 = RankedTensorType::get({}, builder.getI64Type());
  auto f32 = RankedTensorType::get({}, builder.getF32Type());
  Block &body = step.getBody().front();
  Value stepArg = body.addArgument(i64, forward.getLoc());
  Value lrArg = body.addArgument(f32, forward.getLoc());
  step.setFunctionType(builder.getFunctionType(body.getArgumentTypes(),
                                               forward.getResultTypes()));

  applyDropoutMasks(step, stepArg);
  auto stepLoss = cast<func::ReturnOp>(body.getTerminator())
                      .getOperand(0)
                      .getDefiningOp<SoftmaxCrossEntropyOp>();
  if (failed(
          Differentiator(step, lrArg, training.getOptimizer()).run(stepLoss)))
    return signalPassFailure();
}
