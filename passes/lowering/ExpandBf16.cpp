//===- ExpandBf16.cpp - bf16 conversions as integer arithmetic ------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace alex {
#define GEN_PASS_DEF_ALEXEXPANDBF16
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;

namespace {
struct ExpandBf16 : public alex::impl::AlexExpandBf16Base<ExpandBf16> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateExpandBFloat16Patterns(patterns);
    // Only these rewrites: folding would hoist the constants that
    // alex-thread-loops sank into the threads' bodies.
    GreedyRewriteConfig config;
    config.enableFolding(false).enableConstantCSE(false);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      signalPassFailure();
  }
};
} // namespace
