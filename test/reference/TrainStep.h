//===- TrainStep.h - a reference training step over alex IR -----*- C++ -*-===//
//
// Runs @forward of an alex module op by op with the float64 reference ops,
// in training mode, then differentiates it by hand (each op's reference
// backward, in reverse) and applies the SGD update. It shares no code with
// --alex-build-train-step or the loop kernels: only the graph is read from
// the IR.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_TEST_REFERENCE_TRAINSTEP_H
#define ALEX_TEST_REFERENCE_TRAINSTEP_H

#include "Reference.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <map>
#include <string>

namespace reference {

/// Everything a step reads; params and momenta are updated in place.
struct StepState {
  std::map<std::string, Tensor> params, momenta;
  /// Activations of the step under test, by layer name, used only for the
  /// discrete choices of the backward pass: which ReLUs pass gradient and
  /// which element of a pooling window is its maximum. Where float32 and
  /// float64 disagree at such a kink (a pre-activation within rounding of
  /// zero, a near-tie), both answers are right gradients of their own
  /// forward pass; following the tested run's choice compares like with
  /// like. Layers not listed use the reference's own values.
  std::map<std::string, Tensor> decisions;
  Tensor images;
  std::vector<int32_t> labels;
  int64_t step = 0;
  double lr = 0.01, momentum = 0.9, weightDecay = 0.0005;
  /// Parameters' learning-rate multipliers (lr_mult) where not 1; a
  /// parameter at 0 keeps its values and momentum.
  std::map<std::string, double> lrMult;
  uint64_t seed = 0;
};

struct StepResult {
  double loss = 0;
  Tensor logits;
  std::map<std::string, Tensor> grads;
};

/// One training step of `forward`; fails (with a diagnostic) on ops it
/// does not know.
mlir::FailureOr<StepResult> trainStep(mlir::func::FuncOp forward,
                                      StepState &state);

} // namespace reference

#endif // ALEX_TEST_REFERENCE_TRAINSTEP_H
