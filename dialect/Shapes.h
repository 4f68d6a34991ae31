//===- Shapes.h - shape rules of the alex ops -------------------*- C++ -*-===//
//
// One home for every shape and hyperparameter rule: the op verifiers call
// these, and so does the frontend before it builds an op, so a rule is never
// written twice. Dimensions may be ShapedType::kDynamic; rules then check
// what is known and infer the rest as dynamic.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_DIALECT_SHAPES_H
#define ALEX_DIALECT_SHAPES_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace alex {

/// Starts an error diagnostic at the right place (an op, or a source line).
using ErrorEmitter = llvm::function_ref<mlir::InFlightDiagnostic()>;
using Shape = llvm::SmallVector<int64_t, 4>;

/// Formats a number as a person would write it in a message: 0, 0.5, 1e-04.
std::string formatNumber(double value);

/// Formats dimensions as `96x3x11x11`, with `?` for dynamic ones.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// conv2d: input NxCxHxW, filter OxC/groupsxKHxKW, bias O -> NxOxHoxWo.
mlir::FailureOr<Shape> inferConv2DShape(llvm::ArrayRef<int64_t> input,
                                        llvm::ArrayRef<int64_t> filter,
                                        llvm::ArrayRef<int64_t> bias,
                                        int64_t stride, int64_t pad,
                                        int64_t groups, ErrorEmitter emitError);

/// max_pool: input NxCxHxW, square window, no padding -> NxCxHoxWo.
mlir::FailureOr<Shape> inferMaxPoolShape(llvm::ArrayRef<int64_t> input,
                                         int64_t window, int64_t stride,
                                         ErrorEmitter emitError);

/// flatten: input of rank >= 2 -> N x (product of the rest).
mlir::FailureOr<Shape> inferFlattenShape(llvm::ArrayRef<int64_t> input,
                                         ErrorEmitter emitError);

/// dense: input NxK, weight MxK, bias M -> NxM.
mlir::FailureOr<Shape> inferDenseShape(llvm::ArrayRef<int64_t> input,
                                       llvm::ArrayRef<int64_t> weight,
                                       llvm::ArrayRef<int64_t> bias,
                                       ErrorEmitter emitError);

/// softmax_cross_entropy: logits NxC, labels N -> scalar.
mlir::LogicalResult verifyLossShapes(llvm::ArrayRef<int64_t> logits,
                                     llvm::ArrayRef<int64_t> labels,
                                     ErrorEmitter emitError);

/// lrn: rank-4 input; odd positive size; alpha >= 0, beta >= 0, k > 0;
/// positive groups dividing the channels.
mlir::LogicalResult verifyLRN(llvm::ArrayRef<int64_t> input, int64_t size,
                              double alpha, double beta, double k,
                              int64_t groups, ErrorEmitter emitError);

/// dropout: 0 <= rate < 1.
mlir::LogicalResult verifyDropoutRate(double rate, ErrorEmitter emitError);

} // namespace alex

#endif // ALEX_DIALECT_SHAPES_H
