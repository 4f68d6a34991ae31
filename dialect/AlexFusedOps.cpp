//===- AlexFusedOps.cpp - verifiers of the fused block ops ----------------===//
//
// A fused op is valid exactly when the chain of ops it replaces would be:
// the verifiers run the same shape rules (dialect/Shapes.h) stage by stage.
//
//===----------------------------------------------------------------------===//

#include "dialect/AlexDialect.h"
#include "dialect/OpVerification.h"

using namespace mlir;
using namespace alex;

/// The output shape of a conv block's epilogue (relu, lrn?, pool?) applied
/// to the convolution's output `conv`, checking each stage's rule.
static FailureOr<Shape> inferEpilogueShape(llvm::ArrayRef<int64_t> conv,
                                           LRNParamsAttr lrn,
                                           PoolParamsAttr pool,
                                           ErrorEmitter emit) {
  if (lrn &&
      failed(verifyLRN(conv, lrn.getSize(), lrn.getAlpha().convertToDouble(),
                       lrn.getBeta().convertToDouble(),
                       lrn.getK().convertToDouble(), lrn.getGroups(), emit)))
    return failure();
  if (pool)
    return inferMaxPoolShape(conv, pool.getWindow(), pool.getStride(), emit);
  return Shape(conv);
}

/// `saved` must be exactly `expected`, or empty when `optional`.
static LogicalResult verifySaved(Operation *op, TypeRange saved,
                                 llvm::ArrayRef<Type> expected, bool optional) {
  if ((optional && saved.empty()) || TypeRange(expected) == saved)
    return success();
  InFlightDiagnostic diag = op->emitOpError() << "saved values must be ";
  if (optional)
    diag << "none or ";
  diag << "(";
  llvm::interleaveComma(expected, diag);
  diag << ") for its epilogue, got (";
  llvm::interleaveComma(saved, diag);
  return diag << ")";
}

SmallVector<Type> ConvBlockOp::getSavedTypes(RankedTensorType convOutput,
                                             RankedTensorType output,
                                             bool hasLRN, bool hasPool) {
  SmallVector<Type> types;
  if (hasLRN)
    types.push_back(convOutput);
  if (hasPool)
    types.push_back(output.clone(IntegerType::get(output.getContext(), 32)));
  return types;
}

RankedTensorType ConvBlockOp::getConvOutputType() {
  llvm::ArrayRef<int64_t> in = shapeOf(getInput()),
                          filter = shapeOf(getFilter());
  FailureOr<Shape> shape =
      inferConv2DShape(in, filter, shapeOf(getBias()), getStride(), getPad(),
                       getGroups(), [&] { return emitOpError(); });
  assert(succeeded(shape) && "conv_block was verified");
  return RankedTensorType::get(*shape, Float32Type::get(getContext()));
}

LogicalResult ConvBlockOp::verify() {
  auto emit = [&] { return emitOpError(); };
  FailureOr<Shape> conv = inferConv2DShape(
      shapeOf(getInput()), shapeOf(getFilter()), shapeOf(getBias()),
      getStride(), getPad(), getGroups(), emit);
  if (failed(conv))
    return failure();
  auto output = cast<RankedTensorType>(getOutput().getType());
  if (failed(verifyInferredShape(
          *this, "result", output.getShape(),
          inferEpilogueShape(*conv, getLrnAttr(), getPoolAttr(), emit))))
    return failure();
  return verifySaved(
      *this, getSaved().getTypes(),
      getSavedTypes(RankedTensorType::get(*conv, output.getElementType()),
                    output, bool(getLrnAttr()), bool(getPoolAttr())),
      /*optional=*/true);
}

int64_t ConvBlockOp::getMultiplyAddsPerExample() {
  llvm::ArrayRef<int64_t> conv = getConvOutputType().getShape();
  llvm::ArrayRef<int64_t> filter = shapeOf(getFilter());
  return conv[1] * conv[2] * conv[3] * filter[1] * filter[2] * filter[3];
}

LogicalResult ConvBlockGradOp::verify() {
  auto emit = [&] { return emitOpError(); };
  auto dz = cast<RankedTensorType>(getPreactivationGrad().getType());
  auto output = cast<RankedTensorType>(getOutput().getType());
  if (getOutputGrad().getType() != output)
    return emitOpError() << "output gradient type " << getOutputGrad().getType()
                         << " must be the output's " << output;
  if (dz.getRank() != 4)
    return emitOpError() << "pre-activation gradient must have rank 4, got "
                         << formatShape(dz.getShape());
  if (failed(verifyInferredShape(*this, "output", output.getShape(),
                                 inferEpilogueShape(dz.getShape(), getLrnAttr(),
                                                    getPoolAttr(), emit))) ||
      failed(verifyInferredShape(*this, "bias gradient", shapeOf(getBiasGrad()),
                                 Shape{dz.getDimSize(1)})))
    return failure();
  return verifySaved(*this, getSaved().getTypes(),
                     ConvBlockOp::getSavedTypes(dz, output, bool(getLrnAttr()),
                                                bool(getPoolAttr())),
                     /*optional=*/false);
}

LogicalResult DenseBlockOp::verify() {
  auto emit = [&] { return emitOpError(); };
  if (failed(verifyInferredShape(*this, "result", shapeOf(getOutput()),
                                 inferDenseShape(shapeOf(getInput()),
                                                 shapeOf(getWeight()),
                                                 shapeOf(getBias()), emit))))
    return failure();
  if (getMask() && getMask().getType() != getOutput().getType())
    return emitOpError() << "dropout mask type " << getMask().getType()
                         << " must be the output's " << getOutput().getType();
  return success();
}

int64_t DenseBlockOp::getMultiplyAddsPerExample() {
  llvm::ArrayRef<int64_t> weight = shapeOf(getWeight());
  return weight[0] * weight[1];
}

LogicalResult DenseBlockGradOp::verify() {
  Type output = getOutput().getType();
  for (auto [what, value] :
       {std::pair<const char *, Value>{"output gradient", getOutputGrad()},
        {"pre-activation gradient", getPreactivationGrad()},
        {"dropout mask", getMask()}})
    if (value && value.getType() != output)
      return emitOpError() << what << " type " << value.getType()
                           << " must be the output's " << output;
  llvm::ArrayRef<int64_t> shape = shapeOf(getOutput());
  if (shape.size() != 2)
    return emitOpError() << "output must have rank 2, got "
                         << formatShape(shape);
  return verifyInferredShape(*this, "bias gradient", shapeOf(getBiasGrad()),
                             Shape{shape[1]});
}
