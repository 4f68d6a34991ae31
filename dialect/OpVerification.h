//===- OpVerification.h - helpers shared by the op verifiers ----*- C++ -*-===//

#ifndef ALEX_DIALECT_OPVERIFICATION_H
#define ALEX_DIALECT_OPVERIFICATION_H

#include "dialect/Shapes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypeInterfaces.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/TypeUtilities.h"

namespace alex {

inline llvm::ArrayRef<int64_t> shapeOf(mlir::Value value) {
  return mlir::cast<mlir::ShapedType>(value.getType()).getShape();
}

/// The number of elements of a shape.
inline int64_t product(llvm::ArrayRef<int64_t> dims) {
  int64_t result = 1;
  for (int64_t dim : dims)
    result *= dim;
  return result;
}

/// `what` (a value's shape) must agree with the shape a rule inferred; a
/// dynamic dimension on either side agrees with anything.
inline mlir::LogicalResult
verifyInferredShape(mlir::Operation *op, llvm::StringRef what,
                    llvm::ArrayRef<int64_t> actual,
                    mlir::FailureOr<Shape> inferred) {
  if (mlir::failed(inferred))
    return mlir::failure();
  if (mlir::failed(mlir::verifyCompatibleShape(actual, *inferred)))
    return op->emitOpError()
           << what << " shape " << formatShape(actual)
           << " does not match the inferred shape " << formatShape(*inferred);
  return mlir::success();
}

/// `name` must be an alex.param whose type is `value`'s, or with `rows`
/// ([begin, end)) the type of those rows of it (`what` introduces the
/// value's type in the message, e.g. "gradient type ").
mlir::LogicalResult verifyParamUse(mlir::Operation *op,
                                   mlir::FlatSymbolRefAttr name,
                                   mlir::Value value, llvm::StringRef what,
                                   mlir::SymbolTableCollection &symbolTable,
                                   std::optional<llvm::ArrayRef<int64_t>> rows);

/// `block` must be one of `devices` equal blocks of dimension 1 of `whole`.
mlir::LogicalResult verifyBlockOf(mlir::Operation *op, mlir::Value block,
                                  mlir::Value whole, int64_t devices);

} // namespace alex

#endif // ALEX_DIALECT_OPVERIFICATION_H
