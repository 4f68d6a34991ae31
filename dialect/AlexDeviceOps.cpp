//===- AlexDeviceOps.cpp - verifiers of the exchange ops ------------------===//

#include "dialect/AlexDialect.h"
#include "dialect/OpVerification.h"

using namespace mlir;
using namespace alex;

LogicalResult alex::verifyBlockOf(Operation *op, Value block, Value whole,
                                  int64_t devices) {
  if (devices < 1)
    return op->emitOpError() << "needs at least one device, got " << devices;
  auto blockType = cast<RankedTensorType>(block.getType());
  auto wholeType = cast<RankedTensorType>(whole.getType());
  if (blockType.getRank() < 2 || blockType.getRank() != wholeType.getRank())
    return op->emitOpError() << "block " << blockType << " and whole "
                             << wholeType << " must have the same rank >= 2";
  Shape expected(blockType.getShape());
  expected[1] *= devices;
  return verifyInferredShape(op, "whole", wholeType.getShape(), expected);
}

LogicalResult AllGatherOp::verify() {
  return verifyBlockOf(*this, getPart(), getWhole(), int64_t(getDevices()));
}

LogicalResult ReduceScatterOp::verify() {
  return verifyBlockOf(*this, getBlock(), getPartial(), int64_t(getDevices()));
}

LogicalResult TakeBlockOp::verify() {
  if (int64_t(getIndex()) < 0 || int64_t(getIndex()) >= int64_t(getDevices()))
    return emitOpError() << "block " << int64_t(getIndex()) << " is not one of "
                         << int64_t(getDevices());
  return verifyBlockOf(*this, getBlock(), getWhole(), int64_t(getDevices()));
}
