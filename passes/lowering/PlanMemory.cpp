//===- PlanMemory.cpp - liveness-based packing of temporary buffers -------===//

#include "passes/Passes.h"

#include "mlir/IR/Builders.h"

namespace alex {
#define GEN_PASS_DEF_ALEXPLANMEMORY
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;
using namespace alex;

namespace {

constexpr int64_t kAlignment = 64;

struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes;
  unsigned first, last; // Live range in top-level op positions.
  int64_t offset = -1;
};

int64_t alignUp(int64_t value) {
  return (value + kAlignment - 1) / kAlignment * kAlignment;
}

/// The last top-level position that uses `value` or a view of it.
unsigned lastUse(Value value, Block &body,
                 const llvm::DenseMap<Operation *, unsigned> &position) {
  unsigned last = 0;
  llvm::SmallVector<Value> work{value};
  while (!work.empty()) {
    Value current = work.pop_back_val();
    for (Operation *user : current.getUsers()) {
      if (isa<memref::DeallocOp>(user))
        continue;
      if (isa<ViewLikeOpInterface>(user))
        work.append(user->result_begin(), user->result_end());
      Operation *top = body.findAncestorOpInBlock(*user);
      last = std::max(last, position.lookup(top));
    }
  }
  return last;
}

struct PlanMemory : public alex::impl::AlexPlanMemoryBase<PlanMemory> {
  void runOnOperation() override {
    getOperation().walk([](func::FuncOp function) {
      if (!function.isExternal())
        plan(function);
    });
  }

  static void plan(func::FuncOp function);
};

} // namespace

void PlanMemory::plan(func::FuncOp function) {
  Block &body = function.getBody().front();
  llvm::DenseMap<Operation *, unsigned> position;
  std::vector<Buffer> buffers;
  for (auto [index, op] : llvm::enumerate(body)) {
    position[&op] = unsigned(index);
    auto alloc = dyn_cast<memref::AllocOp>(op);
    if (!alloc || !alloc.getType().hasStaticShape() ||
        !alloc.getType().getLayout().isIdentity())
      continue;
    MemRefType type = alloc.getType();
    int64_t bytes = type.getNumElements() * type.getElementTypeBitWidth() / 8;
    buffers.push_back({alloc, bytes, unsigned(index), 0});
  }
  if (buffers.empty())
    return;
  for (Buffer &buffer : buffers)
    buffer.last = lastUse(buffer.alloc, body, position);

  // Largest first, each at the lowest offset free over its whole life.
  std::vector<Buffer *> order;
  for (Buffer &buffer : buffers)
    order.push_back(&buffer);
  std::stable_sort(order.begin(), order.end(),
                   [](Buffer *a, Buffer *b) { return a->bytes > b->bytes; });
  int64_t peak = 0, unplanned = 0;
  std::vector<Buffer *> placed;
  for (Buffer *buffer : order) {
    std::vector<std::pair<int64_t, int64_t>> taken;
    for (Buffer *other : placed)
      if (other->first <= buffer->last && buffer->first <= other->last)
        taken.push_back({other->offset, other->offset + other->bytes});
    std::sort(taken.begin(), taken.end());
    int64_t offset = 0;
    for (auto [begin, end] : taken) {
      if (offset + buffer->bytes <= begin)
        break;
      offset = std::max(offset, alignUp(end));
    }
    buffer->offset = offset;
    placed.push_back(buffer);
    peak = std::max(peak, offset + buffer->bytes);
    unplanned += alignUp(buffer->bytes);
  }

  // The workspace is a static buffer (one per function; a function is not
  // reentered): no allocation per step, and views into it.
  OpBuilder b(function.getContext());
  Location loc = function.getLoc();
  auto workspaceType = MemRefType::get({alignUp(peak)}, b.getI8Type());
  std::string name = (function.getName() + "_workspace").str();
  b.setInsertionPoint(function);
  memref::GlobalOp::create(b, loc, name, b.getStringAttr("private"),
                           workspaceType, b.getUnitAttr(),
                           /*constant=*/false, b.getI64IntegerAttr(kAlignment));
  b.setInsertionPointToStart(&body);
  Value workspace = memref::GetGlobalOp::create(b, loc, workspaceType, name);
  for (Buffer &buffer : buffers) {
    b.setInsertionPoint(buffer.alloc);
    Value offset = arith::ConstantIndexOp::create(b, loc, buffer.offset);
    Value view =
        memref::ViewOp::create(b, buffer.alloc.getLoc(), buffer.alloc.getType(),
                               workspace, offset, ValueRange{});
    for (Operation *user : llvm::make_early_inc_range(buffer.alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        user->erase();
    buffer.alloc.replaceAllUsesWith(view);
    buffer.alloc.erase();
  }
  function->setAttr(kWorkspaceBytesAttrName, b.getI64IntegerAttr(peak));
  function->setAttr(kUnplannedBytesAttrName, b.getI64IntegerAttr(unplanned));
}
