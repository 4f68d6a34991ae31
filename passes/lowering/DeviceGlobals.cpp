//===- DeviceGlobals.cpp - static buffers in device memory ----------------===//
//
// The CUDA target's workspaces and exchange buffers are module globals on
// the host; kernels and cuBLAS need device memory. Each use of such a
// global's address asks the runtime for the device memory standing for it,
// and the host global shrinks to one byte: only its address is used (a
// step's workspace of a gigabyte or more would otherwise sit in the
// executable's .bss, past what 32-bit relative addressing reaches).
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "passes/lowering/GlobalBuffers.h"
#include "runtime/RuntimeCalls.h"

namespace alex {
#define GEN_PASS_DEF_ALEXDEVICEGLOBALS
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;

namespace {

struct DeviceGlobals : public alex::impl::AlexDeviceGlobalsBase<DeviceGlobals> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder top = OpBuilder::atBlockEnd(module.getBody());
    auto pointer = LLVM::LLVMPointerType::get(module.getContext());
    auto i64 = top.getI64Type();
    LLVM::LLVMFuncOp runtime;
    llvm::SetVector<LLVM::GlobalOp> moved;
    WalkResult result = module.walk([&](LLVM::AddressOfOp address) {
      if (address->getParentOfType<gpu::GPUModuleOp>())
        return WalkResult::advance();
      FailureOr<alex::StaticBuffer> buffer =
          alex::staticBufferAt(module, address, "device memory");
      if (failed(buffer))
        return WalkResult::interrupt();
      LLVM::GlobalOp global = buffer->global;
      if (!global)
        return WalkResult::advance();
      if (!runtime) {
        runtime =
            module.lookupSymbol<LLVM::LLVMFuncOp>(alexrt::calls::kGlobalMemory);
        if (!runtime)
          runtime = LLVM::LLVMFuncOp::create(
              top, module.getLoc(), alexrt::calls::kGlobalMemory,
              LLVM::LLVMFunctionType::get(pointer, {pointer, i64}));
      }
      OpBuilder b(address->getContext());
      b.setInsertionPointAfter(address);
      Location loc = address.getLoc();
      Value size = LLVM::ConstantOp::create(b, loc, i64, buffer->bytes);
      auto call = LLVM::CallOp::create(b, loc, runtime,
                                       ValueRange{address.getResult(), size});
      address.getResult().replaceAllUsesExcept(call.getResult(), call);
      moved.insert(global);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    for (LLVM::GlobalOp global : moved) {
      // Its zero initializer, if any, goes too: the device memory is the
      // runtime's (alexrt_global_memory zeroes it).
      global.getInitializerRegion().getBlocks().clear();
      global.removeValueAttr();
      global.setGlobalType(top.getI8Type());
    }
  }
};

} // namespace
