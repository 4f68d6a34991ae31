//===- HeapGlobals.cpp - the CPU target's static buffers on the heap ------===//
//
// See --alex-heap-globals in Passes.td. A step's workspace is a module
// global: in the executable's .bss it is mapped when the process starts, so
// a binary whose buffers do not fit in memory cannot even start to say so.
// Here each such global becomes a pointer the runtime sets, once, before
// any step, from a table of (pointer, bytes) the object exports: the
// runtime checks the total against the machine's memory first.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "passes/lowering/GlobalBuffers.h"

namespace alex {
#define GEN_PASS_DEF_ALEXHEAPGLOBALS
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;

namespace {

struct HeapGlobals : public alex::impl::AlexHeapGlobalsBase<HeapGlobals> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = module.getContext();
    auto pointer = LLVM::LLVMPointerType::get(context);
    OpBuilder top = OpBuilder::atBlockEnd(module.getBody());
    auto i64 = top.getI64Type();
    // The buffers, in the order they are first used, with their pointers.
    llvm::MapVector<LLVM::GlobalOp, LLVM::GlobalOp> pointers;
    llvm::SmallVector<int64_t> sizes;
    WalkResult result = module.walk([&](LLVM::AddressOfOp address) {
      FailureOr<alex::StaticBuffer> buffer =
          alex::staticBufferAt(module, address, "the heap");
      if (failed(buffer))
        return WalkResult::interrupt();
      LLVM::GlobalOp global = buffer->global;
      if (!global)
        return WalkResult::advance();
      LLVM::GlobalOp &held = pointers[global];
      if (!held) {
        OpBuilder b(global);
        held = LLVM::GlobalOp::create(
            b, global.getLoc(), pointer, /*isConstant=*/false,
            LLVM::Linkage::Private, (global.getSymName() + "_pointer").str(),
            Attribute());
        Block *init = b.createBlock(&held.getInitializerRegion());
        b.setInsertionPointToStart(init);
        LLVM::ReturnOp::create(
            b, global.getLoc(),
            LLVM::ZeroOp::create(b, global.getLoc(), pointer).getResult());
        sizes.push_back(buffer->bytes);
      }
      OpBuilder b(address);
      Location loc = address.getLoc();
      Value where = LLVM::AddressOfOp::create(b, loc, held);
      Value loaded = LLVM::LoadOp::create(b, loc, pointer, where);
      address.getResult().replaceAllUsesWith(loaded);
      address.erase();
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();

    // alex_heap_buffers: {pointer's address, bytes} a buffer (alexrt.h),
    // and alex_heap_buffer_count.
    Location loc = module.getLoc();
    auto entry = LLVM::LLVMStructType::getLiteral(context, {pointer, i64});
    auto table = LLVM::LLVMArrayType::get(entry, pointers.size());
    auto tableGlobal = LLVM::GlobalOp::create(
        top, loc, table, /*isConstant=*/true, LLVM::Linkage::External,
        "alex_heap_buffers", Attribute());
    OpBuilder b(context);
    b.setInsertionPointToStart(
        b.createBlock(&tableGlobal.getInitializerRegion()));
    Value array = LLVM::UndefOp::create(b, loc, table);
    int64_t total = 0;
    for (auto [index, held] : llvm::enumerate(pointers)) {
      Value fields = LLVM::UndefOp::create(b, loc, entry);
      fields = LLVM::InsertValueOp::create(
          b, loc, fields, LLVM::AddressOfOp::create(b, loc, held.second),
          llvm::ArrayRef<int64_t>{0});
      fields = LLVM::InsertValueOp::create(
          b, loc, fields, LLVM::ConstantOp::create(b, loc, i64, sizes[index]),
          llvm::ArrayRef<int64_t>{1});
      array = LLVM::InsertValueOp::create(
          b, loc, array, fields, llvm::ArrayRef<int64_t>{int64_t(index)});
      total += sizes[index];
    }
    LLVM::ReturnOp::create(b, loc, array);
    LLVM::GlobalOp::create(top, loc, i64, /*isConstant=*/true,
                           LLVM::Linkage::External, "alex_heap_buffer_count",
                           top.getI64IntegerAttr(int64_t(pointers.size())));
    for (auto &[global, held] : pointers)
      global.erase();
    module->setAttr(alex::kHeapBytesAttrName, top.getI64IntegerAttr(total));
  }
};

} // namespace
