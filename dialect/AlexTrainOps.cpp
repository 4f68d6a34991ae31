//===- AlexTrainOps.cpp - verifiers of the backward and update ops --------===//
//
// A backward op is valid exactly when the forward op it differentiates
// would be: each verifier runs the forward rule from dialect/Shapes.h on
// the shapes it has and compares the forward output with its gradient.
//
//===----------------------------------------------------------------------===//

#include "dialect/AlexDialect.h"
#include "dialect/OpVerification.h"

using namespace mlir;
using namespace alex;

/// The output gradient must have the forward op's output shape.
static LogicalResult verifyOutputGrad(Operation *op, Value outputGrad,
                                      FailureOr<Shape> forwardOutput) {
  return verifyInferredShape(op, "output gradient", shapeOf(outputGrad),
                             forwardOutput);
}

/// The first dimension of a 1-D-or-more shape, or dynamic.
static int64_t leadingDim(llvm::ArrayRef<int64_t> shape) {
  return shape.empty() ? ShapedType::kDynamic : shape[0];
}

LogicalResult Conv2DGradInputOp::verify() {
  auto emit = [&] { return emitOpError(); };
  llvm::ArrayRef<int64_t> filter = shapeOf(getFilter());
  return verifyOutputGrad(*this, getOutputGrad(),
                          inferConv2DShape(shapeOf(getInputGrad()), filter,
                                           {leadingDim(filter)}, getStride(),
                                           getPad(), getGroups(), emit));
}

LogicalResult Conv2DGradFilterOp::verify() {
  auto emit = [&] { return emitOpError(); };
  llvm::ArrayRef<int64_t> filter = shapeOf(getFilterGrad());
  return verifyOutputGrad(*this, getOutputGrad(),
                          inferConv2DShape(shapeOf(getInput()), filter,
                                           {leadingDim(filter)}, getStride(),
                                           getPad(), getGroups(), emit));
}

LogicalResult BiasGradOp::verify() {
  llvm::ArrayRef<int64_t> grad = shapeOf(getOutputGrad());
  if (grad.size() < 2)
    return emitOpError() << "output gradient must have rank >= 2, got "
                         << formatShape(grad);
  return verifyInferredShape(*this, "result", shapeOf(getBiasGrad()),
                             Shape{grad[1]});
}

LogicalResult LRNGradOp::verify() {
  auto emit = [&] { return emitOpError(); };
  return verifyLRN(shapeOf(getInput()), getSize(), getAlpha().convertToDouble(),
                   getBeta().convertToDouble(), getK().convertToDouble(),
                   int64_t(getGroups()), emit);
}

LogicalResult MaxPoolGradOp::verify() {
  auto emit = [&] { return emitOpError(); };
  if (getInput().getType() != getInputGrad().getType())
    return emitOpError() << "result type " << getInputGrad().getType()
                         << " must be the input's " << getInput().getType();
  return verifyOutputGrad(
      *this, getOutputGrad(),
      inferMaxPoolShape(shapeOf(getInput()), getWindow(), getStride(), emit));
}

LogicalResult DenseGradInputOp::verify() {
  auto emit = [&] { return emitOpError(); };
  llvm::ArrayRef<int64_t> weight = shapeOf(getWeight());
  return verifyOutputGrad(*this, getOutputGrad(),
                          inferDenseShape(shapeOf(getInputGrad()), weight,
                                          {leadingDim(weight)}, emit));
}

LogicalResult DenseGradWeightOp::verify() {
  auto emit = [&] { return emitOpError(); };
  llvm::ArrayRef<int64_t> weight = shapeOf(getWeightGrad());
  return verifyOutputGrad(
      *this, getOutputGrad(),
      inferDenseShape(shapeOf(getInput()), weight, {leadingDim(weight)}, emit));
}

LogicalResult ReshapeOp::verify() {
  auto in = cast<ShapedType>(getInput().getType());
  auto out = cast<ShapedType>(getOutput().getType());
  if (!in.hasStaticShape() || !out.hasStaticShape())
    return emitOpError() << "shapes must be static";
  if (in.getNumElements() != out.getNumElements())
    return emitOpError() << "cannot reshape " << formatShape(in.getShape())
                         << " (" << in.getNumElements() << " elements) to "
                         << formatShape(out.getShape()) << " ("
                         << out.getNumElements() << ")";
  return success();
}

LogicalResult DropoutMaskOp::verify() {
  auto emit = [&] { return emitOpError(); };
  // I64Attr getters return the bits unsigned. A mask's random stream is
  // step * 256 + stream (runtime/Random.h), so streams stay below 256.
  if (auto stream = int64_t(getStream()); stream < 0 || stream >= 256)
    return emitOpError() << "stream must be in [0, 256), got " << stream;
  if (std::optional<llvm::ArrayRef<int64_t>> columns = getColumns()) {
    llvm::ArrayRef<int64_t> shape = shapeOf(getMask());
    if (columns->size() != 2 || shape.size() < 2 || (*columns)[0] < 0 ||
        (*columns)[0] + shape[1] > (*columns)[1])
      return emitOpError() << "columns must be [offset, total] with the "
                              "mask's dimension 1 inside the total";
  }
  return verifyDropoutRate(getRate().convertToDouble(), emit);
}

LogicalResult SoftmaxCrossEntropyGradOp::verify() {
  auto emit = [&] { return emitOpError(); };
  if (getLogits().getType() != getLogitsGrad().getType())
    return emitOpError() << "result type " << getLogitsGrad().getType()
                         << " must be the logits' " << getLogits().getType();
  return verifyLossShapes(shapeOf(getLogits()), shapeOf(getLabels()), emit);
}

LogicalResult SGDUpdateOp::verify() {
  double momentum = getMomentum().convertToDouble();
  double weightDecay = getWeightDecay().convertToDouble();
  if (!(momentum >= 0 && momentum < 1))
    return emitOpError() << "momentum must be in [0, 1), got "
                         << formatNumber(momentum);
  if (!(weightDecay >= 0 && weightDecay <= 1))
    return emitOpError() << "weight decay must be in [0, 1], got "
                         << formatNumber(weightDecay);
  if (getLrMult() && !(getLrMult()->convertToDouble() > 0))
    return emitOpError() << "lr_mult must be positive (a frozen parameter "
                            "has no update), got "
                         << formatNumber(getLrMult()->convertToDouble());
  return success();
}

LogicalResult
SGDUpdateOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyParamUse(*this, getParamAttr(), getGrad(), "gradient type ",
                        symbolTable, getRows());
}

// A gradient op does the multiply-adds of its forward op.
int64_t Conv2DGradInputOp::getMultiplyAddsPerExample() {
  llvm::ArrayRef<int64_t> filter = shapeOf(getFilter());
  return product(shapeOf(getOutputGrad()).drop_front()) *
         product(filter.drop_front());
}

int64_t Conv2DGradFilterOp::getMultiplyAddsPerExample() {
  llvm::ArrayRef<int64_t> filter = shapeOf(getFilterGrad());
  return product(shapeOf(getOutputGrad()).drop_front()) *
         product(filter.drop_front());
}

int64_t DenseGradInputOp::getMultiplyAddsPerExample() {
  return product(shapeOf(getWeight()));
}

int64_t DenseGradWeightOp::getMultiplyAddsPerExample() {
  return product(shapeOf(getWeightGrad()));
}
