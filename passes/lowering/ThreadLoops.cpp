//===- ThreadLoops.cpp - which parallel loops the CPU runs on threads -----===//
//
// convert-scf-to-openmp turns every scf.parallel into an OpenMP team and
// collapses all of its dimensions into one iteration space, recovering the
// indices with divisions: the innermost loop is then no longer a loop the
// vectorizer sees. This pass leaves to OpenMP only what pays for a team:
// the leading dimensions of large outermost loops, just enough of them to
// give every thread several tasks. Everything else becomes scf.for.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/Support/MathExtras.h"

namespace alex {
#define GEN_PASS_DEF_ALEXTHREADLOOPS
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;
using namespace alex;

namespace {

/// Where scf-to-cf copies a loop's LLVM annotation from (onto the branch
/// back to its header).
constexpr llvm::StringLiteral kLoopAnnotation = "llvm.loop_annotation";

/// The trip count of each dimension of `loop` (nullopt where not constant).
llvm::SmallVector<std::optional<int64_t>> tripCounts(scf::ParallelOp loop) {
  llvm::SmallVector<std::optional<int64_t>> counts;
  for (auto [lower, upper, step] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    std::optional<int64_t> l = getConstantIntValue(lower),
                           u = getConstantIntValue(upper),
                           s = getConstantIntValue(step);
    if (l && u && s && *s > 0)
      counts.push_back(std::max<int64_t>(0, (*u - *l + *s - 1) / *s));
    else
      counts.push_back(std::nullopt);
  }
  return counts;
}

/// Makes the uses of `iv` inside `loop` read min(iv, upper - 1): the same
/// value, but the code OpenMP outlines then knows its range (OpenMP hands
/// each thread its bounds through memory, and values from around the loop
/// arrive through a struct). LLVM needs the ranges to prove that a kernel's
/// loads and stores at offsets computed from them do not overlap.
void boundInside(scf::ParallelOp loop, Value iv, int64_t upper) {
  OpBuilder b = OpBuilder::atBlockBegin(loop.getBody());
  Location loc = loop.getLoc();
  Value last = arith::ConstantIndexOp::create(b, loc, upper - 1);
  Value bounded = arith::MinUIOp::create(b, loc, iv, last);
  iv.replaceUsesWithIf(bounded, [&](OpOperand &use) {
    Operation *user = use.getOwner();
    return user != bounded.getDefiningOp() && loop->isAncestor(user);
  });
}

/// Where `value` is the induction variable of a sequential loop around
/// `loop` with constant bounds (an image index, say), bounds its uses
/// inside `loop`. Returns whether it did.
bool boundInductionVariable(scf::ParallelOp loop, Value value) {
  auto iv = dyn_cast<BlockArgument>(value);
  auto around =
      iv ? dyn_cast<scf::ForOp>(iv.getOwner()->getParentOp()) : scf::ForOp();
  if (!around || iv != around.getInductionVar())
    return false;
  // Unsigned min: only for indices that start at 0 or above.
  std::optional<int64_t> lower = getConstantIntValue(around.getLowerBound()),
                         upper = getConstantIntValue(around.getUpperBound());
  if (!lower || *lower < 0 || !upper || *upper < 1)
    return false;
  boundInside(loop, iv, *upper);
  return true;
}

/// Clones into `loop` the views and constants it uses from outside. OpenMP
/// outlines a threaded loop's body into a function that receives what it
/// uses through a struct of pointers; recomputed inside, every buffer is
/// again the static workspace plus a constant offset, and LLVM's alias
/// analysis tells the buffers apart (the difference between vectorized and
/// scalar loops).
void sinkAddressing(scf::ParallelOp loop) {
  Region &body = loop.getRegion();
  llvm::DenseSet<Value> bounded;
  for (bool changed = true; changed;) {
    changed = false;
    llvm::SetVector<Value> above;
    getUsedValuesDefinedAbove(body, above);
    for (Value value : above) {
      if (bounded.contains(value))
        continue;
      if (boundInductionVariable(loop, value)) {
        bounded.insert(value);
        continue;
      }
      Operation *definition = value.getDefiningOp();
      if (!definition ||
          !isa<arith::ConstantOp, memref::GetGlobalOp, memref::ViewOp,
               memref::SubViewOp, memref::ReinterpretCastOp, memref::CastOp,
               memref::ExpandShapeOp, memref::CollapseShapeOp>(definition))
        continue;
      OpBuilder b = OpBuilder::atBlockBegin(loop.getBody());
      Operation *copy = b.clone(*definition);
      replaceAllUsesInRegionWith(
          value, copy->getResult(cast<OpResult>(value).getResultNumber()),
          body);
      changed = true;
    }
  }
}

/// Stands for a trip count not known at compile time: large.
constexpr uint64_t kUnknown = uint64_t(1) << 32;

/// The iterations of the deepest nest of sequential loops in `block` (1
/// for none): the work each iteration of a loop around it does.
uint64_t innerIterations(Block *block) {
  uint64_t most = 1;
  for (Operation &op : *block)
    for (Region &region : op.getRegions())
      for (Block &inner : region) {
        uint64_t count = 1;
        if (auto loop = dyn_cast<scf::ForOp>(op)) {
          std::optional<llvm::APInt> trips = loop.getStaticTripCount();
          count =
              trips ? std::max<uint64_t>(1, trips->getZExtValue()) : kUnknown;
        }
        most = std::max(
            most, llvm::SaturatingMultiply(count, innerIterations(&inner)));
      }
  return most;
}

/// Marks `loop`, a dimension of an scf.parallel, as having independent
/// iterations: llvm.loop.parallel_accesses over a group of its own, which
/// --alex-parallel-accesses gives to the loads and stores inside. LLVM then
/// vectorizes it without proving its accesses apart, which it cannot do
/// where an index is clamped or divided (im2col, pooling gradients).
void markIndependent(scf::ForOp loop) {
  MLIRContext *context = loop.getContext();
  auto group = LLVM::AccessGroupAttr::get(context);
  loop->setAttr(kLoopAnnotation, LLVM::LoopAnnotationAttr::get(
                                     context, {}, {}, {}, {}, {}, {}, {}, {},
                                     {}, {}, {}, {}, {}, {}, {group}));
}

/// Rewrites `loop` as a parallel loop over its first `kept` dimensions
/// (none: no parallel loop at all) around sequential loops over the rest,
/// the innermost dimension innermost.
void keepLeadingDimensions(scf::ParallelOp loop, unsigned kept) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  auto lowers = loop.getLowerBound(), uppers = loop.getUpperBound(),
       steps = loop.getStep();
  Block *body = loop.getBody();
  // The body moves, without its scf.reduce, into the innermost loop.
  auto moveBody = [&](OpBuilder &inner, ValueRange ivs) {
    Block *target = inner.getInsertionBlock();
    for (auto [old, iv] : llvm::zip(body->getArguments(), ivs))
      old.replaceAllUsesWith(iv);
    body->getTerminator()->erase();
    target->getOperations().splice(inner.getInsertionPoint(),
                                   body->getOperations());
  };
  auto sequential = [&](OpBuilder &nested, Location at, ValueRange outerIvs) {
    scf::LoopNest nest =
        scf::buildLoopNest(nested, at, lowers.drop_front(kept),
                           uppers.drop_front(kept), steps.drop_front(kept),
                           [&](OpBuilder &inner, Location, ValueRange ivs) {
                             llvm::SmallVector<Value> all(outerIvs);
                             all.append(ivs.begin(), ivs.end());
                             moveBody(inner, all);
                           });
    if (!nest.loops.empty())
      markIndependent(nest.loops.back());
  };
  if (kept == 0) {
    sequential(b, loc, {});
  } else {
    auto threaded = scf::ParallelOp::create(b, loc, lowers.take_front(kept),
                                            uppers.take_front(kept),
                                            steps.take_front(kept), sequential);
    for (auto [iv, lower, upper] :
         llvm::zip(threaded.getInductionVars(), threaded.getLowerBound(),
                   threaded.getUpperBound())) {
      std::optional<int64_t> first = getConstantIntValue(lower),
                             end = getConstantIntValue(upper);
      if (first && *first >= 0 && end && *end > 0)
        boundInside(threaded, iv, *end);
    }
    sinkAddressing(threaded);
  }
  loop.erase();
}

struct ThreadLoops : public alex::impl::AlexThreadLoopsBase<ThreadLoops> {
  using AlexThreadLoopsBase::AlexThreadLoopsBase;

  void runOnOperation() override {
    // Innermost first: a nested loop becomes sequential before the loop
    // around it moves its body.
    llvm::SmallVector<scf::ParallelOp> loops;
    getOperation().walk([&](scf::ParallelOp loop) { loops.push_back(loop); });
    for (scf::ParallelOp loop : loops) {
      if (loop.getNumResults() != 0)
        continue; // Reductions stay whole: OpenMP has its own form for them.
      if (loop->getParentOfType<scf::ParallelOp>()) {
        keepLeadingDimensions(loop, 0);
        continue;
      }
      keepLeadingDimensions(loop, threadedDimensions(loop));
    }
  }

  /// How many leading dimensions of an outermost loop go to threads.
  unsigned threadedDimensions(scf::ParallelOp loop) {
    auto counts = tripCounts(loop);
    uint64_t total = innerIterations(loop.getBody());
    for (std::optional<int64_t> count : counts)
      total =
          llvm::SaturatingMultiply(total, count ? uint64_t(*count) : kUnknown);
    if (total < uint64_t(std::max<int64_t>(0, minIterations)))
      return 0;
    unsigned kept = 0;
    int64_t tasks = 1;
    // The innermost dimension stays a loop unless it is the only one.
    while (kept + 1 < counts.size() && tasks < minTasks && counts[kept]) {
      tasks *= *counts[kept];
      ++kept;
    }
    return std::max(kept, 1u);
  }
};

} // namespace
