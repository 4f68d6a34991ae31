//===- FuseBlocks.cpp - layers and their epilogues as one op --------------===//
//
// Two patterns: a conv2d followed by relu (then lrn, then max_pool) becomes
// alex.conv_block, a dense followed by relu (then a dropout mask) becomes
// alex.dense_block. In a training step the block's backward chain (the
// gradients of those ops, down to the bias gradient) becomes the matching
// *_block_grad in the same rewrite, and the forward block saves what it
// needs. A chain is cut short where an intermediate value has a user
// outside the chain and its own backward ops.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace alex {
#define GEN_PASS_DEF_ALEXFUSECONVBLOCKS
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;
using namespace alex;

namespace {

/// The only user of `value`, if it has one use and it is an `OpTy`.
template <typename OpTy> OpTy soleUser(Value value) {
  return value.hasOneUse() ? dyn_cast<OpTy>(*value.getUsers().begin()) : OpTy();
}

/// The user of `value` of type `OpTy` whose operand `index` is `value`;
/// null if there is none or more than one.
template <typename OpTy> OpTy backwardUser(Value value, unsigned index) {
  OpTy found;
  for (OpOperand &use : value.getUses()) {
    auto op = dyn_cast<OpTy>(use.getOwner());
    if (!op || use.getOperandNumber() != index)
      continue;
    if (found)
      return OpTy();
    found = op;
  }
  return found;
}

/// Whether every user of `value` is one of `allowed`.
bool onlyUsedBy(Value value, llvm::ArrayRef<Operation *> allowed) {
  return llvm::all_of(value.getUsers(), [&](Operation *user) {
    return llvm::is_contained(allowed, user);
  });
}

/// The op producing `value` if it is an `OpTy` used only there.
template <typename OpTy> OpTy soleProducer(Value value) {
  auto op = value.getDefiningOp<OpTy>();
  return op && op->getResult(0).hasOneUse() ? op : OpTy();
}

Location fusedLoc(llvm::ArrayRef<Operation *> ops) {
  llvm::SmallVector<Location> locs;
  for (Operation *op : ops)
    if (op)
      locs.push_back(op->getLoc());
  return FusedLoc::get(ops.front()->getContext(), locs);
}

/// The backward chain of a block, from the gradient of its output to the
/// gradient of its pre-activation: each op feeds the next, the last one's
/// result is dz, summed by `biasGrad`.
struct BackwardChain {
  Value outputGrad;
  llvm::SmallVector<Operation *> ops; // In program order.
  BiasGradOp biasGrad;
};

/// The backward chain ending in `last` (the relu_grad), if it is exactly
/// the ops named `expected` (from the output side), each feeding only the
/// next through its operand 0, and dz has exactly one bias_grad.
std::optional<BackwardChain> matchBackward(Operation *last,
                                           llvm::ArrayRef<StringRef> expected) {
  BackwardChain chain;
  Operation *op = last;
  for (size_t i = expected.size(); i-- > 0;) {
    if (!op || op->getName().getStringRef() != expected[i])
      return std::nullopt;
    chain.ops.insert(chain.ops.begin(), op);
    Value grad = op->getOperand(0);
    if (i == 0) {
      chain.outputGrad = grad;
      break;
    }
    op = grad.hasOneUse() ? grad.getDefiningOp() : nullptr;
  }
  for (Operation *user : last->getResult(0).getUsers())
    if (auto bias = dyn_cast<BiasGradOp>(user)) {
      if (chain.biasGrad)
        return std::nullopt;
      chain.biasGrad = bias;
    }
  if (!chain.biasGrad)
    return std::nullopt;
  return chain;
}

/// Replaces a matched backward chain by `grad` (dz, db) and erases it.
void replaceBackward(PatternRewriter &rewriter, BackwardChain &chain,
                     Operation *grad) {
  rewriter.replaceOp(chain.biasGrad, grad->getResult(1));
  rewriter.replaceOp(chain.ops.back(), grad->getResult(0));
  for (Operation *op : llvm::reverse(llvm::ArrayRef(chain.ops).drop_back()))
    rewriter.eraseOp(op);
}

/// conv2d -> relu (-> lrn) (-> max_pool).
struct FuseConvBlock : public OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(Conv2DOp conv,
                                PatternRewriter &rewriter) const override {
    auto relu = soleUser<ReluOp>(conv.getOutput());
    if (!relu)
      return rewriter.notifyMatchFailure(conv, "not followed by relu alone");
    // Longest chain first; a chain whose intermediates have other users,
    // or whose backward chain differs, falls back to a shorter one.
    for (bool tryLRN : {true, false})
      for (bool tryPool : {true, false})
        if (succeeded(tryFuse(conv, relu, tryLRN, tryPool, rewriter)))
          return success();
    return rewriter.notifyMatchFailure(conv, "no fusible chain");
  }

private:
  LogicalResult tryFuse(Conv2DOp conv, ReluOp relu, bool withLRN, bool withPool,
                        PatternRewriter &rewriter) const {
    Value activation = relu.getOutput();
    // The relu's own gradient (absent in an evaluation function).
    auto reluGrad = backwardUser<ReluGradOp>(activation, 1);

    LRNOp lrn;
    LRNGradOp lrnGrad;
    Value poolInput = activation;
    if (withLRN) {
      lrn = findForward<LRNOp>(activation);
      if (!lrn)
        return failure();
      lrnGrad = backwardUser<LRNGradOp>(activation, 1);
      if (!onlyUsedBy(activation, {lrn, reluGrad, lrnGrad}))
        return failure();
      poolInput = lrn.getOutput();
    }
    MaxPoolOp pool;
    MaxPoolGradOp poolGrad;
    if (withPool) {
      pool = findForward<MaxPoolOp>(poolInput);
      if (!pool)
        return failure();
      poolGrad = backwardUser<MaxPoolGradOp>(poolInput, 1);
      if (!onlyUsedBy(poolInput, {pool, poolGrad, reluGrad, lrnGrad}))
        return failure();
    }
    std::optional<BackwardChain> backward;
    bool training = bool(reluGrad);
    if (training) {
      llvm::SmallVector<StringRef> expected;
      if (withPool)
        expected.push_back(MaxPoolGradOp::getOperationName());
      if (withLRN)
        expected.push_back(LRNGradOp::getOperationName());
      expected.push_back(ReluGradOp::getOperationName());
      backward = matchBackward(reluGrad, expected);
      // Each gradient must read this block's own forward values.
      llvm::SmallVector<Operation *> own;
      for (Operation *op : {poolGrad.getOperation(), lrnGrad.getOperation(),
                            reluGrad.getOperation()})
        if (op)
          own.push_back(op);
      if (!backward || llvm::ArrayRef(backward->ops) != llvm::ArrayRef(own))
        return failure();
    } else if (lrnGrad || poolGrad) {
      return failure();
    }

    Operation *last = pool  ? pool.getOperation()
                      : lrn ? lrn.getOperation()
                            : relu.getOperation();
    auto output = cast<RankedTensorType>(last->getResult(0).getType());
    auto convOutput = cast<RankedTensorType>(conv.getOutput().getType());
    llvm::SmallVector<Type> types{output};
    if (training)
      llvm::append_range(types, ConvBlockOp::getSavedTypes(convOutput, output,
                                                           withLRN, withPool));
    LRNParamsAttr lrnParams;
    if (lrn)
      lrnParams = LRNParamsAttr::get(getContext(), lrn.getSize(),
                                     lrn.getAlpha(), lrn.getBeta(), lrn.getK(),
                                     int64_t(lrn.getGroups()));
    PoolParamsAttr poolParams;
    if (pool)
      poolParams =
          PoolParamsAttr::get(getContext(), pool.getWindow(), pool.getStride());

    rewriter.setInsertionPoint(conv);
    auto block = ConvBlockOp::create(
        rewriter, fusedLoc({conv, relu, lrn, pool}), types, conv.getInput(),
        conv.getFilter(), conv.getBias(), conv.getStride(), conv.getPad(),
        conv.getGroups(), lrnParams, poolParams);
    if (training) {
      rewriter.setInsertionPoint(backward->ops.front());
      auto grad = ConvBlockGradOp::create(
          rewriter, fusedLoc(backward->ops), convOutput,
          conv.getBias().getType(), backward->outputGrad, block.getOutput(),
          block.getSaved(), lrnParams, poolParams);
      replaceBackward(rewriter, *backward, grad);
    }
    rewriter.replaceAllUsesWith(last->getResult(0), block.getOutput());
    for (Operation *op : {pool.getOperation(), lrn.getOperation(),
                          relu.getOperation(), conv.getOperation()})
      if (op)
        rewriter.eraseOp(op);
    return success();
  }

  /// The one forward user of `value` if it is an `OpTy` (backward users,
  /// which read it as a saved input, are not counted).
  template <typename OpTy> static OpTy findForward(Value value) {
    OpTy found;
    for (Operation *user : value.getUsers()) {
      if (isa<ReluGradOp, LRNGradOp, MaxPoolGradOp>(user))
        continue;
      if (found || !isa<OpTy>(user))
        return OpTy();
      found = cast<OpTy>(user);
    }
    return found;
  }
};

/// dense -> relu (-> multiplication by a dropout mask).
struct FuseDenseBlock : public OpRewritePattern<DenseOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DenseOp dense,
                                PatternRewriter &rewriter) const override {
    auto relu = soleUser<ReluOp>(dense.getOutput());
    if (!relu)
      return rewriter.notifyMatchFailure(dense, "not followed by relu alone");
    Value activation = relu.getOutput();
    auto reluGrad = backwardUser<ReluGradOp>(activation, 1);

    // Training-time dropout: activation * mask, the activation's only other
    // user being its gradient.
    MulOp dropout;
    Value mask;
    for (Operation *user : activation.getUsers())
      if (auto mul = dyn_cast<MulOp>(user))
        if (mul.getLhs() == activation &&
            mul.getRhs().getDefiningOp<DropoutMaskOp>()) {
          dropout = mul;
          mask = mul.getRhs();
        }
    if (dropout && !onlyUsedBy(activation, {dropout, reluGrad}))
      dropout = MulOp(), mask = Value();

    std::optional<BackwardChain> backward;
    if (reluGrad) {
      llvm::SmallVector<StringRef> expected;
      if (dropout)
        expected.push_back(MulOp::getOperationName());
      expected.push_back(ReluGradOp::getOperationName());
      backward = matchBackward(reluGrad, expected);
      // The gradient through the mask multiplies by the same mask.
      if (backward && dropout &&
          cast<MulOp>(backward->ops.front()).getRhs() != mask)
        backward.reset();
      if (!backward)
        return rewriter.notifyMatchFailure(dense, "unexpected backward chain");
    }

    Operation *last = dropout ? dropout.getOperation() : relu.getOperation();
    rewriter.setInsertionPoint(last);
    auto block =
        DenseBlockOp::create(rewriter, fusedLoc({dense, relu, dropout}),
                             last->getResult(0).getType(), dense.getInput(),
                             dense.getWeight(), dense.getBias(), mask);
    if (backward) {
      rewriter.setInsertionPoint(backward->ops.front());
      auto grad = DenseBlockGradOp::create(
          rewriter, fusedLoc(backward->ops), dense.getOutput().getType(),
          dense.getBias().getType(), backward->outputGrad, block.getOutput(),
          mask);
      replaceBackward(rewriter, *backward, grad);
    }
    rewriter.replaceAllUsesWith(last->getResult(0), block.getOutput());
    for (Operation *op :
         {dropout.getOperation(), relu.getOperation(), dense.getOperation()})
      if (op)
        rewriter.eraseOp(op);
    return success();
  }
};

struct FuseConvBlocks
    : public alex::impl::AlexFuseConvBlocksBase<FuseConvBlocks> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseConvBlock, FuseDenseBlock>(&getContext());
    GreedyRewriteConfig config;
    config.enableFolding(false);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      return signalPassFailure();
  }
};

} // namespace
