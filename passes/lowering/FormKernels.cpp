//===- FormKernels.cpp - every buffer access inside a parallel loop -------===//
//
// On a GPU the buffers live in device memory: the host may compute
// addresses and launch work, never read or write an element. This pass
// moves each access outside an scf.parallel into one (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace alex {
#define GEN_PASS_DEF_ALEXFORMKERNELS
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;

namespace {

/// Whether `op` runs inside a kernel (some scf.parallel around it).
bool insideKernel(Operation *op) {
  return op->getParentOfType<scf::ParallelOp>() != nullptr;
}

/// Whether `op` reads or writes buffer contents.
bool accessesMemory(Operation *op) {
  return isa<memref::LoadOp, memref::StoreOp, memref::CopyOp>(op);
}

/// Whether the regions of `op` hold host work: kernels or runtime calls.
/// Such an op (a loop over images around GEMMs, say) stays on the host.
bool holdsHostWork(Operation *op) {
  bool found = false;
  op->walk([&](Operation *inner) {
    if (inner != op && isa<scf::ParallelOp, func::CallOp>(inner))
      found = true;
  });
  return found;
}

/// Whether `op` must become (part of) a kernel.
bool needsKernel(Operation *op) {
  if (isa<scf::ParallelOp>(op) || holdsHostWork(op))
    return false;
  bool touches = false;
  op->walk([&](Operation *inner) { touches |= accessesMemory(inner); });
  return touches;
}

/// `memref.copy %src, %dst` as a parallel loop of loads and stores.
void expandCopy(memref::CopyOp copy) {
  OpBuilder b(copy);
  Location loc = copy.getLoc();
  auto type = cast<MemRefType>(copy.getSource().getType());
  SmallVector<Value> lower, upper, steps;
  for (int64_t size : type.getShape()) {
    lower.push_back(arith::ConstantIndexOp::create(b, loc, 0));
    upper.push_back(arith::ConstantIndexOp::create(b, loc, size));
    steps.push_back(arith::ConstantIndexOp::create(b, loc, 1));
  }
  if (type.getRank() == 0) {
    lower.push_back(arith::ConstantIndexOp::create(b, loc, 0));
    upper.push_back(arith::ConstantIndexOp::create(b, loc, 1));
    steps.push_back(arith::ConstantIndexOp::create(b, loc, 1));
  }
  Value source = copy.getSource(), target = copy.getTarget();
  bool scalar = type.getRank() == 0;
  scf::ParallelOp::create(
      b, loc, lower, upper, steps,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange ivs) {
        ValueRange indices = scalar ? ValueRange() : ivs;
        Value value =
            memref::LoadOp::create(nested, nestedLoc, source, indices);
        memref::StoreOp::create(nested, nestedLoc, value, target, indices);
      });
  copy.erase();
}

/// Whether `value` is an argument of the function that nothing writes:
/// every use is a load.
bool isReadOnlyArgument(Value value) {
  if (!isa<BlockArgument>(value) ||
      !isa<func::FuncOp>(value.getParentBlock()->getParentOp()))
    return false;
  return llvm::all_of(value.getUsers(), [](Operation *user) {
    return isa<memref::LoadOp>(user);
  });
}

/// Reads `load` (of a read-only argument) again inside each kernel that
/// uses its value, with the pure host arithmetic between them. Fails,
/// changing nothing, if the value reaches anything but pure arithmetic and
/// kernels.
LogicalResult sinkIntoKernels(memref::LoadOp load) {
  if (!isReadOnlyArgument(load.getMemRef()))
    return failure();
  Block *block = load->getBlock();
  llvm::SetVector<Operation *> slice;
  llvm::SetVector<Operation *> kernels;
  SmallVector<Operation *> work{load};
  slice.insert(load);
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    for (Operation *user : op->getUsers()) {
      if (auto kernel = user->getParentOfType<scf::ParallelOp>()) {
        while (auto outer = kernel->getParentOfType<scf::ParallelOp>())
          kernel = outer;
        kernels.insert(kernel);
        continue;
      }
      if (user->getBlock() != block || user->getNumRegions() != 0 ||
          !isPure(user))
        return failure();
      if (slice.insert(user))
        work.push_back(user);
    }
  }
  // Clone in block order so operands come before their users.
  SmallVector<Operation *> ordered(slice.begin(), slice.end());
  llvm::sort(ordered,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  for (Operation *kernel : kernels) {
    OpBuilder b = OpBuilder::atBlockBegin(
        &cast<scf::ParallelOp>(kernel).getRegion().front());
    IRMapping mapping;
    for (Operation *op : ordered)
      b.clone(*op, mapping);
    for (Operation *op : ordered)
      for (auto [old, copy] :
           llvm::zip(op->getResults(), mapping.lookup(op)->getResults()))
        old.replaceUsesWithIf(copy, [&](OpOperand &use) {
          return kernel->isProperAncestor(use.getOwner());
        });
  }
  for (Operation *op : llvm::reverse(ordered))
    op->erase();
  return success();
}

/// Wraps `first` and every host op that uses its results (transitively)
/// into a one-iteration scf.parallel where the last of them stood.
LogicalResult wrapInKernel(Operation *first) {
  Block *block = first->getBlock();
  llvm::SetVector<Operation *> group;
  group.insert(first);
  for (size_t i = 0; i < group.size(); ++i)
    for (Operation *user : group[i]->getUsers()) {
      Operation *top = block->findAncestorOpInBlock(*user);
      if (!top)
        return first->emitError("a value this buffer access computes is "
                                "used outside its function body");
      if (isa<scf::ParallelOp, func::CallOp>(top) || holdsHostWork(top))
        return first->emitError("a value read from a buffer is used by "
                                "host code (")
               << top->getName() << "): it cannot run on the host";
      group.insert(top);
    }
  SmallVector<Operation *> ordered(group.begin(), group.end());
  llvm::sort(ordered,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  // Moving the group down to its last op must not reorder it with other
  // memory work.
  Operation *last = ordered.back();
  for (Operation *op = first; op != last; op = op->getNextNode())
    if (!group.contains(op) && !(isPure(op) && op->getNumRegions() == 0))
      return first->emitError("this buffer access cannot be moved into a "
                              "kernel past ")
             << op->getName();
  OpBuilder b(last->getContext());
  b.setInsertionPointAfter(last);
  Location loc = first->getLoc();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto kernel = scf::ParallelOp::create(b, loc, ValueRange{zero},
                                        ValueRange{one}, ValueRange{one});
  Operation *terminator = kernel.getBody()->getTerminator();
  for (Operation *op : ordered)
    op->moveBefore(terminator);
  return success();
}

/// Forms kernels in one host block and the host blocks nested in it.
LogicalResult formKernels(Block &block) {
  for (auto copy : llvm::make_early_inc_range(block.getOps<memref::CopyOp>()))
    expandCopy(copy);
  for (Operation &op : block)
    if (!isa<scf::ParallelOp>(op) && holdsHostWork(&op))
      for (Region &region : op.getRegions())
        for (Block &nested : region)
          if (failed(formKernels(nested)))
            return failure();
  for (auto load : llvm::make_early_inc_range(block.getOps<memref::LoadOp>()))
    (void)sinkIntoKernels(load);
  // Wrapping moves later ops too: collect first, then skip the moved.
  SmallVector<Operation *> candidates;
  for (Operation &op : block)
    if (needsKernel(&op))
      candidates.push_back(&op);
  for (Operation *op : candidates)
    if (op->getBlock() == &block && failed(wrapInKernel(op)))
      return failure();
  return success();
}

struct FormKernels : public alex::impl::AlexFormKernelsBase<FormKernels> {
  void runOnOperation() override {
    for (auto function : getOperation().getOps<func::FuncOp>()) {
      if (function.isExternal())
        continue;
      if (failed(formKernels(function.getBody().front())))
        return signalPassFailure();
      WalkResult result = function.walk([](Operation *op) {
        if (accessesMemory(op) && !insideKernel(op)) {
          op->emitError("buffer access outside a kernel");
          return WalkResult::interrupt();
        }
        return WalkResult::advance();
      });
      if (result.wasInterrupted())
        return signalPassFailure();
    }
  }
};

} // namespace
