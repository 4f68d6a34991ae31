//===- MapKernels.cpp - kernels' iterations onto GPU blocks and threads ---===//

#include "passes/Passes.h"

#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace alex {
#define GEN_PASS_DEF_ALEXMAPKERNELS
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;

namespace {

/// Moves the body of `loop` (without its terminator) to `b`'s insertion
/// point, its induction variables replaced by `ivs`, and erases the loop.
void inlineBody(scf::ParallelOp loop, ValueRange ivs, OpBuilder &b) {
  Block *body = loop.getBody();
  body->getTerminator()->erase();
  for (auto [arg, iv] : llvm::zip(body->getArguments(), ivs))
    arg.replaceAllUsesWith(iv);
  Operation *anchor = &*b.getInsertionPoint();
  for (Operation &op : llvm::make_early_inc_range(*body))
    op.moveBefore(anchor);
  loop.erase();
}

/// A parallel loop nested in a kernel as sequential loops in its thread.
void serialize(scf::ParallelOp loop) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  SmallVector<Value> ivs;
  for (auto [lower, upper, step] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    auto forOp = scf::ForOp::create(b, loc, lower, upper, step);
    ivs.push_back(forOp.getInductionVar());
    b.setInsertionPoint(forOp.getBody()->getTerminator());
  }
  inlineBody(loop, ivs, b);
}

/// The mapping of one dimension onto `processor`.
gpu::ParallelLoopDimMappingAttr mapTo(MLIRContext *context,
                                      gpu::Processor processor) {
  AffineMap identity = AffineMap::getMultiDimIdentityMap(1, context);
  return gpu::ParallelLoopDimMappingAttr::get(context, processor, identity,
                                              identity);
}

struct MapKernels : public alex::impl::AlexMapKernelsBase<MapKernels> {
  using AlexMapKernelsBase::AlexMapKernelsBase;

  void runOnOperation() override {
    SmallVector<scf::ParallelOp> kernels;
    getOperation().walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>() &&
          !loop->hasAttr(gpu::getMappingAttrName()))
        kernels.push_back(loop);
    });
    for (scf::ParallelOp kernel : kernels)
      if (failed(map(kernel)))
        return signalPassFailure();
  }

  LogicalResult map(scf::ParallelOp kernel);
};

} // namespace

LogicalResult MapKernels::map(scf::ParallelOp kernel) {
  if (kernel.getNumResults() != 0)
    return kernel.emitError("a kernel cannot reduce into results");
  SmallVector<scf::ParallelOp> nested;
  kernel.getBody()->walk([&](scf::ParallelOp loop) { nested.push_back(loop); });
  for (scf::ParallelOp loop : llvm::reverse(nested))
    serialize(loop);

  // Trip counts, and each dimension's stride in the linear index.
  SmallVector<int64_t> lower, trips, steps;
  for (auto [lb, ub, step] : llvm::zip(
           kernel.getLowerBound(), kernel.getUpperBound(), kernel.getStep())) {
    std::optional<int64_t> l = getConstantIntValue(lb),
                           u = getConstantIntValue(ub),
                           s = getConstantIntValue(step);
    if (!l || !u || !s || *s <= 0)
      return kernel.emitError("a kernel needs constant bounds and steps");
    lower.push_back(*l);
    steps.push_back(*s);
    trips.push_back(std::max<int64_t>(0, (*u - *l + *s - 1) / *s));
  }
  int64_t total = 1;
  for (int64_t trip : trips)
    total *= trip;
  if (total == 0) {
    kernel.erase();
    return success();
  }
  int64_t threads = std::min<int64_t>(blockSize, total);
  int64_t blocks = (total + threads - 1) / threads;

  OpBuilder b(kernel);
  Location loc = kernel.getLoc();
  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(b, loc, value);
  };
  Value zero = index(0), one = index(1);
  auto mapped = scf::ParallelOp::create(
      b, loc, ValueRange{zero, zero}, ValueRange{index(blocks), index(threads)},
      ValueRange{one, one});
  MLIRContext *context = b.getContext();
  if (failed(gpu::setMappingAttr(mapped,
                                 {mapTo(context, gpu::Processor::BlockX),
                                  mapTo(context, gpu::Processor::ThreadX)})))
    return failure();

  b.setInsertionPoint(mapped.getBody()->getTerminator());
  Value linear = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, mapped.getInductionVars()[0],
                            index(threads)),
      mapped.getInductionVars()[1]);
  if (total % threads != 0) {
    Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                          linear, index(total));
    auto guard = scf::IfOp::create(b, loc, inRange, /*withElseRegion=*/false);
    b.setInsertionPoint(guard.thenBlock()->getTerminator());
  }
  // Row-major: the last dimension is the fastest.
  SmallVector<Value> ivs(trips.size());
  int64_t stride = 1;
  for (int64_t d = int64_t(trips.size()) - 1; d >= 0; --d) {
    Value position = linear;
    if (stride != 1)
      position = arith::DivUIOp::create(b, loc, position, index(stride));
    if (d > 0)
      position = arith::RemUIOp::create(b, loc, position, index(trips[d]));
    if (steps[d] != 1)
      position = arith::MulIOp::create(b, loc, position, index(steps[d]));
    if (lower[d] != 0)
      position = arith::AddIOp::create(b, loc, position, index(lower[d]));
    ivs[d] = position;
    stride *= trips[d];
  }
  inlineBody(kernel, ivs, b);
  return success();
}
