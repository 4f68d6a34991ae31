//===- EmitEntryPoints.cpp - alex_forward / alex_train_step for the runtime
//===//

#include "passes/Passes.h"

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
static void emitEntryPoint(ModuleOp module, LLVM::LLVMFuncOp callee) {
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
}

void EmitEntryPoints::runOnOperation() {
  ModuleOp module = getOperation();
  for (llvm::StringRef name : {"forward", "train_step"}) {
    auto callee = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
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
}
