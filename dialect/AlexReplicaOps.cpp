//===- AlexReplicaOps.cpp - verifier of the cross-replica sum -------------===//

#include "dialect/AlexDialect.h"

#include <cmath>

using namespace mlir;
using namespace alex;

LogicalResult AllReduceOp::inferReturnTypes(
    MLIRContext *, std::optional<Location>, ValueRange operands, DictionaryAttr,
    OpaqueProperties, RegionRange, llvm::SmallVectorImpl<Type> &inferred) {
  for (Value operand : operands)
    inferred.push_back(operand.getType());
  return success();
}

LogicalResult AllReduceOp::verify() {
  if (getGrads().empty())
    return emitOpError() << "needs at least one tensor to sum";
  if (int64_t(getReplicas()) < 2)
    return emitOpError() << "sums over 2 or more replicas, got "
                         << int64_t(getReplicas());
  if (int64_t(getBucket()) < 0)
    return emitOpError() << "bucket must be >= 0, got " << int64_t(getBucket());
  double scale = getScale().convertToDouble();
  if (!std::isfinite(scale) || scale <= 0)
    return emitOpError() << "scale must be a positive number, got " << scale;
  return success();
}
