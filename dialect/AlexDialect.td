//===- AlexDialect.td - the alex dialect definition --------*- tablegen -*-===//

#ifndef ALEX_DIALECT_TD
#define ALEX_DIALECT_TD

include "mlir/IR/OpBase.td"

def Alex_Dialect : Dialect {
  let name = "alex";
  let cppNamespace = "::alex";
  let summary = "Graph-level ops for training AlexNet-style convolutional nets";
  let description = [{
    The `alex` dialect holds a convolutional network as a dataflow graph over
    ranked f32 tensors in NCHW layout: convolutions with groups, ReLU, the
    paper's local response normalization, overlapping max-pooling, dense
    layers, dropout and the softmax cross-entropy loss.

    Trainable tensors are module-level `alex.param` symbols carrying their
    initialisation rule; functions read them with `alex.read_param`. The
    training recipe (optimizer, schedule, batch, data, devices) rides on the
    module as an `#alex.training` attribute, so passes read it from the IR.

    Every shape rule lives in an op verifier: passes may trust verified IR.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
}

class Alex_Op<string mnemonic, list<Trait> traits = []>
    : Op<Alex_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Op traits: a rule about an op, stated once on its definition, that the
// passes read instead of keeping lists of ops (dialect/AlexTraits.h).
//===----------------------------------------------------------------------===//

/// Runs no code of its own: the result is an operand's elements in another
/// shape, or a parameter. Lowered to a view; no time or traffic in a cost.
def Alex_NoKernel : NativeOpTrait<"NoKernel"> {
  let cppNamespace = "::alex";
}

/// Block d of the result's dimension 1 needs only block d of each
/// operand's: --alex-partition clones the op on each device's channels.
def Alex_ChannelLocal : NativeOpTrait<"ChannelLocal"> {
  let cppNamespace = "::alex";
}

#endif // ALEX_DIALECT_TD
