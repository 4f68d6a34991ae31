//===- TrainStep.cpp - a reference training step over alex IR -------------===//

#include "TrainStep.h"

#include "dialect/AlexDialect.h"
#include "runtime/Random.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace reference;

namespace {
class Stepper {
public:
  explicit Stepper(StepState &state) : state(state) {}
  FailureOr<StepResult> run(func::FuncOp forward);

private:
  LogicalResult forwardOp(Operation &op);
  /// The tested run's activation of `value`'s layer if given, else ours.
  const Tensor &decisionValues(Value value);
  LogicalResult backwardOp(Operation &op, const Tensor &grad);
  void accumulate(Value value, const Tensor &grad);

  StepState &state;
  llvm::DenseMap<Value, Tensor> values, grads, masks;
  std::map<std::string, Tensor> paramGrads;
  int64_t dropoutStreams = 0;
};
} // namespace

/// The layer an op or value came from (its NameLoc), or "".
static std::string layerName(Location loc) {
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  return "";
}

static Tensor reshaped(Tensor t, Type type) {
  t.shape = std::vector<int64_t>(cast<ShapedType>(type).getShape());
  return t;
}

LogicalResult Stepper::forwardOp(Operation &op) {
  auto in = [&](unsigned i) -> const Tensor & {
    return values[op.getOperand(i)];
  };
  Value out = op.getNumResults() ? op.getResult(0) : Value();
  return llvm::TypeSwitch<Operation *, LogicalResult>(&op)
      .Case([&](alex::ReadParamOp read) {
        values[out] = state.params.at(read.getParam().str());
        return success();
      })
      .Case([&](alex::Conv2DOp conv) {
        values[out] = conv2d(in(0), in(1), in(2),
                             {int64_t(conv.getStride()), int64_t(conv.getPad()),
                              int64_t(conv.getGroups())});
        return success();
      })
      .Case([&](alex::ReluOp) {
        values[out] = relu(in(0));
        return success();
      })
      .Case([&](alex::LRNOp lrnOp) {
        values[out] =
            lrn(in(0),
                {int64_t(lrnOp.getSize()), lrnOp.getAlpha().convertToDouble(),
                 lrnOp.getBeta().convertToDouble(),
                 lrnOp.getK().convertToDouble(), int64_t(lrnOp.getGroups())});
        return success();
      })
      .Case([&](alex::MaxPoolOp pool) {
        values[out] = maxPool(in(0), int64_t(pool.getWindow()),
                              int64_t(pool.getStride()));
        return success();
      })
      .Case([&](alex::FlattenOp) {
        values[out] = reshaped(in(0), out.getType());
        return success();
      })
      .Case([&](alex::DropoutOp dropout) {
        // Training: keep with probability 1 - rate, scaled; the mask comes
        // from the runtime's generator, stream per dropout layer in order.
        double rate = dropout.getRate().convertToDouble();
        alexrt::RandomStream random(
            state.seed, alexrt::streamId(alexrt::Purpose::Dropout,
                                         uint64_t(state.step) * 256 +
                                             uint64_t(dropoutStreams++)));
        Tensor mask(in(0).shape);
        for (int64_t i = 0; i < mask.size(); ++i)
          mask[i] =
              random.uniform(uint64_t(i)) >= rate ? 1.0 / (1.0 - rate) : 0.0;
        Tensor y = in(0);
        for (int64_t i = 0; i < y.size(); ++i)
          y[i] *= mask[i];
        masks[out] = mask;
        values[out] = y;
        return success();
      })
      .Case([&](alex::DenseOp) {
        values[out] = dense(in(0), in(1), in(2));
        return success();
      })
      .Case([&](alex::SoftmaxCrossEntropyOp) { return success(); })
      .Default([&](Operation *other) {
        return other->emitOpError() << "is unknown to the reference";
      });
}

const Tensor &Stepper::decisionValues(Value value) {
  auto it = state.decisions.find(layerName(value.getLoc()));
  return it != state.decisions.end() ? it->second : values[value];
}

void Stepper::accumulate(Value value, const Tensor &grad) {
  auto [it, inserted] = grads.try_emplace(value, grad);
  if (!inserted)
    for (int64_t i = 0; i < grad.size(); ++i)
      it->second[i] += grad[i];
}

LogicalResult Stepper::backwardOp(Operation &op, const Tensor &grad) {
  auto in = [&](unsigned i) -> const Tensor & {
    return values[op.getOperand(i)];
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(&op)
      .Case([&](alex::ReadParamOp read) {
        std::string name = read.getParam().str();
        auto [it, inserted] = paramGrads.try_emplace(name, grad);
        if (!inserted)
          for (int64_t i = 0; i < grad.size(); ++i)
            it->second[i] += grad[i];
        return success();
      })
      .Case([&](alex::Conv2DOp conv) {
        Tensor dx, dw, db;
        conv2dBackward(in(0), in(1), grad,
                       {int64_t(conv.getStride()), int64_t(conv.getPad()),
                        int64_t(conv.getGroups())},
                       &dx, &dw, &db);
        accumulate(op.getOperand(0), dx);
        accumulate(op.getOperand(1), dw);
        accumulate(op.getOperand(2), db);
        return success();
      })
      .Case([&](alex::ReluOp relu) {
        // The output is positive exactly where the input is.
        accumulate(op.getOperand(0),
                   reluBackward(decisionValues(relu.getOutput()), grad));
        return success();
      })
      .Case([&](alex::LRNOp lrnOp) {
        accumulate(op.getOperand(0),
                   lrnBackward(in(0), grad,
                               {int64_t(lrnOp.getSize()),
                                lrnOp.getAlpha().convertToDouble(),
                                lrnOp.getBeta().convertToDouble(),
                                lrnOp.getK().convertToDouble(),
                                int64_t(lrnOp.getGroups())}));
        return success();
      })
      .Case([&](alex::MaxPoolOp pool) {
        accumulate(op.getOperand(0),
                   maxPoolBackward(decisionValues(pool.getInput()), grad,
                                   int64_t(pool.getWindow()),
                                   int64_t(pool.getStride())));
        return success();
      })
      .Case([&](alex::FlattenOp) {
        accumulate(op.getOperand(0),
                   reshaped(grad, op.getOperand(0).getType()));
        return success();
      })
      .Case([&](alex::DropoutOp) {
        Tensor dx = grad;
        const Tensor &mask = masks[op.getResult(0)];
        for (int64_t i = 0; i < dx.size(); ++i)
          dx[i] *= mask[i];
        accumulate(op.getOperand(0), dx);
        return success();
      })
      .Case([&](alex::DenseOp) {
        Tensor dx, dw, db;
        denseBackward(in(0), in(1), grad, &dx, &dw, &db);
        accumulate(op.getOperand(0), dx);
        accumulate(op.getOperand(1), dw);
        accumulate(op.getOperand(2), db);
        return success();
      })
      .Default([&](Operation *other) {
        return other->emitOpError() << "has no reference backward";
      });
}

FailureOr<StepResult> Stepper::run(func::FuncOp forward) {
  Block &body = forward.getBody().front();
  values[body.getArgument(0)] = state.images;
  for (Operation &op : body.without_terminator())
    if (failed(forwardOp(op)))
      return failure();

  auto returnOp = cast<func::ReturnOp>(body.getTerminator());
  auto loss =
      returnOp.getOperand(0).getDefiningOp<alex::SoftmaxCrossEntropyOp>();
  StepResult result;
  result.logits = values[loss.getLogits()];
  result.loss = softmaxCrossEntropy(result.logits, state.labels);
  grads[loss.getLogits()] =
      softmaxCrossEntropyBackward(result.logits, state.labels);

  for (Operation &op : llvm::reverse(body.without_terminator())) {
    if (op.getNumResults() != 1 || isa<alex::SoftmaxCrossEntropyOp>(op))
      continue;
    auto grad = grads.find(op.getResult(0));
    if (grad == grads.end())
      continue;
    if (failed(backwardOp(op, grad->second)))
      return failure();
  }

  for (auto &[name, grad] : paramGrads) {
    auto scale = state.lrMult.find(name);
    double lrMult = scale == state.lrMult.end() ? 1.0 : scale->second;
    if (lrMult != 0)
      sgdUpdate(state.params.at(name), state.momenta.at(name), grad,
                state.lr * lrMult, state.momentum, state.weightDecay);
  }
  result.grads = std::move(paramGrads);
  return result;
}

FailureOr<StepResult> reference::trainStep(func::FuncOp forward,
                                           StepState &state) {
  return Stepper(state).run(forward);
}
