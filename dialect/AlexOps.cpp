//===- AlexOps.cpp - verifiers and interfaces of the alex ops -------------===//

#include "dialect/AlexDialect.h"
#include "dialect/OpVerification.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace alex;

#include "dialect/AlexOpInterfaces.cpp.inc"

#define GET_OP_CLASSES
#include "dialect/AlexOps.cpp.inc"

/// The declared result shape must agree with the inferred one.
static LogicalResult verifyResultShape(Operation *op, Value result,
                                       FailureOr<Shape> inferred) {
  return verifyInferredShape(op, "result", shapeOf(result), inferred);
}

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

LogicalResult ParamOp::verify() {
  auto type = cast<RankedTensorType>(getType());
  if (!type.hasStaticShape())
    return emitOpError() << "parameter shape must be static, got "
                         << formatShape(type.getShape());
  if (!(getLearningRateScale() >= 0))
    return emitOpError() << "lr_mult must be non-negative, got "
                         << formatNumber(getLearningRateScale());
  return success();
}

LogicalResult
alex::verifyParamUse(Operation *op, FlatSymbolRefAttr name, Value value,
                     llvm::StringRef what, SymbolTableCollection &symbolTable,
                     std::optional<llvm::ArrayRef<int64_t>> rows) {
  auto param = symbolTable.lookupNearestSymbolFrom<ParamOp>(op, name);
  if (!param)
    return op->emitOpError()
           << "'" << name.getValue() << "' does not name an alex.param";
  auto expected = cast<RankedTensorType>(param.getType());
  if (rows) {
    int64_t count = expected.getDimSize(0);
    if (rows->size() != 2 || (*rows)[0] < 0 || (*rows)[0] >= (*rows)[1] ||
        (*rows)[1] > count)
      return op->emitOpError()
             << "rows must be [begin, end) within the " << count << " rows of '"
             << name.getValue() << "'";
    Shape shape(expected.getShape());
    shape[0] = (*rows)[1] - (*rows)[0];
    expected = expected.clone(shape);
  }
  if (expected != value.getType())
    return op->emitOpError()
           << what << value.getType() << " does not match "
           << (rows ? "those rows of " : "") << "the parameter's " << expected;
  return success();
}

LogicalResult
ReadParamOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyParamUse(*this, getParamAttr(), getValue(), "type ", symbolTable,
                        getRows());
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  auto emit = [&] { return emitOpError(); };
  return verifyResultShape(*this, getOutput(),
                           inferConv2DShape(shapeOf(getInput()),
                                            shapeOf(getFilter()),
                                            shapeOf(getBias()), getStride(),
                                            getPad(), getGroups(), emit));
}

int64_t Conv2DOp::getMultiplyAddsPerExample() {
  // Every output element is a dot product over one filter.
  llvm::ArrayRef<int64_t> filter = shapeOf(getFilter());
  return product(shapeOf(getOutput()).drop_front()) *
         product(filter.drop_front());
}

LogicalResult LRNOp::verify() {
  auto emit = [&] { return emitOpError(); };
  return verifyLRN(shapeOf(getInput()), getSize(), getAlpha().convertToDouble(),
                   getBeta().convertToDouble(), getK().convertToDouble(),
                   int64_t(getGroups()), emit);
}

LogicalResult MaxPoolOp::verify() {
  auto emit = [&] { return emitOpError(); };
  return verifyResultShape(
      *this, getOutput(),
      inferMaxPoolShape(shapeOf(getInput()), getWindow(), getStride(), emit));
}

LogicalResult FlattenOp::verify() {
  auto emit = [&] { return emitOpError(); };
  return verifyResultShape(*this, getOutput(),
                           inferFlattenShape(shapeOf(getInput()), emit));
}

LogicalResult DenseOp::verify() {
  auto emit = [&] { return emitOpError(); };
  return verifyResultShape(*this, getOutput(),
                           inferDenseShape(shapeOf(getInput()),
                                           shapeOf(getWeight()),
                                           shapeOf(getBias()), emit));
}

int64_t DenseOp::getMultiplyAddsPerExample() {
  return product(shapeOf(getWeight()));
}

LogicalResult DropoutOp::verify() {
  auto emit = [&] { return emitOpError(); };
  return verifyDropoutRate(getRate().convertToDouble(), emit);
}

LogicalResult SoftmaxCrossEntropyOp::verify() {
  auto emit = [&] { return emitOpError(); };
  return verifyLossShapes(shapeOf(getLogits()), shapeOf(getLabels()), emit);
}

LogicalResult ProfileMarkOp::verify() {
  if (int32_t(getRegion()) < -1)
    return emitOpError() << "region must be -1 (end) or an index, got "
                         << int32_t(getRegion());
  return success();
}
