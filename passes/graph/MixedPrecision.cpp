//===- MixedPrecision.cpp - mark products computed in the model's format --===//

#include "passes/Passes.h"

namespace alex {
#define GEN_PASS_DEF_ALEXMIXEDPRECISION
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;
using namespace alex;

namespace {
struct MixedPrecision
    : public alex::impl::AlexMixedPrecisionBase<MixedPrecision> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto training = module->getAttrOfType<TrainingAttr>(kTrainingAttrName);
    if (!training || !alexrt::convertsOperands(training.getPrecision()))
      return;
    auto mark = PrecisionAttr::get(&getContext(), training.getPrecision());
    // Products only: what is not a GEMM keeps fp32's range and precision.
    module.walk([&](MultiplyAddOpInterface op) {
      if (!op->hasAttr(kPrecisionAttrName))
        op->setAttr(kPrecisionAttrName, mark);
    });
  }
};
} // namespace
