//===- AlexTraits.h - rules an op states on its definition ------*- C++ -*-===//
//
// Op traits the passes read instead of keeping their own lists of ops: a
// new op says on its ODS definition that it needs no kernel or that it is
// channel-local, and every pass that cares follows (AlexDialect.td).
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_DIALECT_ALEXTRAITS_H
#define ALEX_DIALECT_ALEXTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace alex {

/// Checks what the passes reading NoKernel rely on: one result, at most
/// one operand.
mlir::LogicalResult verifyNoKernel(mlir::Operation *op);
/// Checks what the passes reading ChannelLocal rely on: one result.
mlir::LogicalResult verifyChannelLocal(mlir::Operation *op);

/// The op runs no code of its own: its one result is memory that exists
/// already, an operand seen in another shape (flatten, reshape, dropout
/// where it is the identity) or, with no operand, a parameter. Lowering
/// makes it a view, and it costs no time or traffic in the step's cost.
template <typename ConcreteType>
class NoKernel : public mlir::OpTrait::TraitBase<ConcreteType, NoKernel> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifyNoKernel(op);
  }
};

/// Channel-local: block d of dimension 1 (channels, features) of the one
/// result needs only block d of dimension 1 of each operand, so with the
/// channels split among devices each device computes its block alone
/// (--alex-partition clones the op per device).
template <typename ConcreteType>
class ChannelLocal
    : public mlir::OpTrait::TraitBase<ConcreteType, ChannelLocal> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifyChannelLocal(op);
  }
};

} // namespace alex

#endif // ALEX_DIALECT_ALEXTRAITS_H
