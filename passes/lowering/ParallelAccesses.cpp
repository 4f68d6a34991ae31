//===- ParallelAccesses.cpp - parallel loops' accesses for LLVM -----------===//
//
// scf-to-cf copies an scf.for's `llvm.loop_annotation` onto the branch back
// to the loop's header as a discardable attribute, which the translation to
// LLVM IR does not read, and memref-to-llvm gives loads and stores no access
// groups. This pass completes the annotation that --alex-thread-loops puts
// on loops with independent iterations.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "llvm/ADT/SetVector.h"

namespace alex {
#define GEN_PASS_DEF_ALEXPARALLELACCESSES
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;

namespace {

/// The blocks of the natural loop with this header and back edge from
/// `latch`: those that reach the latch without passing the header.
llvm::SetVector<Block *> loopBlocks(Block *header, Block *latch) {
  llvm::SetVector<Block *> blocks;
  blocks.insert(header);
  llvm::SmallVector<Block *> work{latch};
  while (!work.empty()) {
    Block *block = work.pop_back_val();
    if (blocks.insert(block))
      work.append(block->pred_begin(), block->pred_end());
  }
  return blocks;
}

struct ParallelAccesses
    : public alex::impl::AlexParallelAccessesBase<ParallelAccesses> {
  void runOnOperation() override {
    getOperation().walk([](LLVM::BrOp branch) {
      auto annotation = dyn_cast_or_null<LLVM::LoopAnnotationAttr>(
          branch->getDiscardableAttr("llvm.loop_annotation"));
      if (!annotation)
        return;
      branch->removeDiscardableAttr("llvm.loop_annotation");
      branch.setLoopAnnotationAttr(annotation);
      llvm::ArrayRef<LLVM::AccessGroupAttr> groups =
          annotation.getParallelAccesses();
      if (groups.empty())
        return;
      for (Block *block : loopBlocks(branch.getDest(), branch->getBlock()))
        block->walk([&](LLVM::AccessGroupOpInterface access) {
          llvm::SmallVector<Attribute> all;
          if (ArrayAttr existing = access.getAccessGroupsOrNull())
            all.append(existing.begin(), existing.end());
          all.append(groups.begin(), groups.end());
          access.setAccessGroups(ArrayAttr::get(branch.getContext(), all));
        });
    });
  }
};

} // namespace
