//===- EmitEntryPoints.cpp - the entry points the runtime calls -----------===//

#include "passes/Passes.h"
#include "runtime/RuntimeCalls.h"

#include "mlir/IR/Builders.h"

namespace alex {
#define GEN_PASS_DEF_ALEXEMITENTRYPOINTS
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;
using namespace alex;

namespace {
struct EmitEntryPoints
    : public alex::impl::AlexEmitEntryPointsBase<EmitEntryPoints> {
  void runOnOperation() override;
};
} // namespace

/// void alex_<name>(void **buffers) { name(buffers[0], ..., buffers[n-1]); }
static LLVM::LLVMFuncOp emitEntryPoint(ModuleOp module,
                                       LLVM::LLVMFuncOp callee) {
  MLIRContext *context = module.getContext();
  auto ptr = LLVM::LLVMPointerType::get(context);
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  Location loc = callee.getLoc();
  auto type =
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context), {ptr});
  auto entry = LLVM::LLVMFuncOp::create(
      b, loc, ("alex_" + callee.getName()).str(), type);
  Block *body = entry.addEntryBlock(b);
  b.setInsertionPointToStart(body);
  llvm::SmallVector<Value> args;
  for (unsigned i = 0; i < callee.getNumArguments(); ++i) {
    Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, body->getArgument(0),
                                     llvm::ArrayRef<LLVM::GEPArg>{int32_t(i)});
    args.push_back(LLVM::LoadOp::create(b, loc, ptr, slot));
  }
  LLVM::CallOp::create(b, loc, callee, args);
  LLVM::ReturnOp::create(b, loc, ValueRange{});
  return entry;
}

/// void alex_<name>(void **buffers) { alexrt_run_devices(n, entries,
/// buffers); }: the device functions' entry points run concurrently, one
/// per device.
static void emitDevicesEntryPoint(ModuleOp module, llvm::StringRef name,
                                  llvm::ArrayRef<LLVM::LLVMFuncOp> entries) {
  MLIRContext *context = module.getContext();
  auto ptr = LLVM::LLVMPointerType::get(context);
  auto i32 = IntegerType::get(context, 32);
  auto voidType = LLVM::LLVMVoidType::get(context);
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  Location loc = LLVM::LLVMFuncOp(entries.front()).getLoc();
  auto run = module.lookupSymbol<LLVM::LLVMFuncOp>(alexrt::calls::kRunDevices);
  if (!run)
    run = LLVM::LLVMFuncOp::create(
        b, loc, alexrt::calls::kRunDevices,
        LLVM::LLVMFunctionType::get(voidType, {i32, ptr, ptr}));
  auto entry =
      LLVM::LLVMFuncOp::create(b, loc, ("alex_" + name).str(),
                               LLVM::LLVMFunctionType::get(voidType, {ptr}));
  Block *body = entry.addEntryBlock(b);
  b.setInsertionPointToStart(body);
  int32_t count = int32_t(entries.size());
  Value one = LLVM::ConstantOp::create(b, loc, b.getI64Type(), 1);
  auto table = LLVM::AllocaOp::create(
      b, loc, ptr, LLVM::LLVMArrayType::get(ptr, count), one);
  for (auto [d, device] : llvm::enumerate(entries)) {
    LLVM::LLVMFuncOp target = device;
    Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, table,
                                     llvm::ArrayRef<LLVM::GEPArg>{int32_t(d)});
    Value address = LLVM::AddressOfOp::create(b, loc, target);
    LLVM::StoreOp::create(b, loc, address, slot);
  }
  Value devices = LLVM::ConstantOp::create(b, loc, i32, count);
  LLVM::CallOp::create(b, loc, run,
                       ValueRange{devices, table, body->getArgument(0)});
  LLVM::ReturnOp::create(b, loc, ValueRange{});
}

void EmitEntryPoints::runOnOperation() {
  ModuleOp module = getOperation();
  for (llvm::StringRef name : {"forward", "train_step", "features"}) {
    auto callee = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
    // Partitioned: one function per device, run concurrently.
    llvm::SmallVector<LLVM::LLVMFuncOp> devices;
    while (auto device = module.lookupSymbol<LLVM::LLVMFuncOp>(
               (name + "_device" + llvm::Twine(devices.size())).str()))
      devices.push_back(device);
    if (!callee && !devices.empty()) {
      llvm::SmallVector<LLVM::LLVMFuncOp> entries;
      for (LLVM::LLVMFuncOp device : devices)
        entries.push_back(emitEntryPoint(module, device));
      emitDevicesEntryPoint(module, name, entries);
      continue;
    }
    if (!callee && name == "features")
      continue; // optional (--alex-build-features)
    if (!callee) {
      module.emitError() << "--alex-emit-entry-points needs llvm.func @" << name
                         << " (run it after lowering to LLVM)";
      return signalPassFailure();
    }
    emitEntryPoint(module, callee);
  }
  for (auto param : llvm::make_early_inc_range(module.getOps<ParamOp>()))
    param.erase();
  module->removeAttr(kTrainingAttrName);
  module->removeAttr(kProfileRegionsAttrName);
}
