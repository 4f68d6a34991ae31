//===- Pipeline.cpp - the stages of alexc and the passes between ----------===//

#include "passes/Pipeline.h"

#include "passes/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/RuntimeOpVerification.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringSwitch.h"

using namespace alex;

std::optional<Stage> alex::parseStage(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Stage>>(name)
      .Case("ast", Stage::AST)
      .Case("mlir", Stage::MLIR)
      .Case("train-step", Stage::TrainStep)
      .Case("partitioned", Stage::Partitioned)
      .Case("fused", Stage::Fused)
      .Case("loops", Stage::Loops)
      .Case("llvm", Stage::LLVM)
      .Default(std::nullopt);
}

void alex::buildPipeline(mlir::OpPassManager &pm, Stage from, Stage to,
                         const PipelineOptions &options) {
  // Whether the passes that produce `stage` belong to this pipeline.
  auto runs = [&](Stage stage) { return from < stage && stage <= to; };
  if (runs(Stage::TrainStep))
    pm.addPass(createAlexBuildTrainStep());
  if (runs(Stage::Partitioned)) {
    AlexPartitionOptions partition;
    partition.numDevices = options.devices;
    pm.addPass(createAlexPartition(partition));
  }
  if (runs(Stage::Fused) && options.fuse)
    pm.addPass(createAlexFuseConvBlocks());
  if (runs(Stage::Loops)) {
    pm.addPass(createAlexExportModel());
    pm.addPass(createAlexLowerToLoops());
    pm.addPass(createAlexPlanMemory());
    pm.addPass(mlir::createCanonicalizerPass());
    pm.addPass(mlir::createCSEPass());
  }
  if (runs(Stage::LLVM)) {
    if (options.checkBounds)
      pm.addPass(mlir::createGenerateRuntimeVerificationPass());
    pm.addPass(mlir::createSCFToControlFlowPass());
    pm.addPass(mlir::memref::createExpandStridedMetadataPass());
    pm.addPass(mlir::createFinalizeMemRefToLLVMConversionPass());
    pm.addPass(mlir::createConvertMathToLLVMPass());
    pm.addPass(mlir::createArithToLLVMConversionPass());
    mlir::ConvertFuncToLLVMPassOptions funcOptions;
    // Each buffer crosses the ABI as one pointer (static shapes).
    funcOptions.useBarePtrCallConv = true;
    pm.addPass(mlir::createConvertFuncToLLVMPass(funcOptions));
    pm.addPass(mlir::createConvertControlFlowToLLVMPass());
    pm.addPass(mlir::createReconcileUnrealizedCastsPass());
    pm.addPass(createAlexEmitEntryPoints());
  }
}

Stage alex::detectStage(mlir::ModuleOp module) {
  for (llvm::StringRef name : {"forward", "forward_device0"})
    if (module.lookupSymbol<mlir::LLVM::LLVMFuncOp>(name))
      return Stage::LLVM;
  for (auto function : module.getOps<mlir::func::FuncOp>())
    if (!function.isExternal() &&
        llvm::any_of(function.getArgumentTypes(), [](mlir::Type t) {
          return mlir::isa<mlir::MemRefType>(t);
        }))
      return Stage::Loops;
  bool fused = false;
  module.walk([&](mlir::Operation *op) {
    if (mlir::isa<ConvBlockOp, DenseBlockOp>(op)) {
      fused = true;
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::advance();
  });
  if (fused)
    return Stage::Fused;
  for (auto function : module.getOps<mlir::func::FuncOp>())
    if (function->hasAttr(kDeviceAttrName))
      return Stage::Partitioned;
  if (module.lookupSymbol<mlir::func::FuncOp>("train_step"))
    return Stage::TrainStep;
  return Stage::MLIR;
}

void alex::registerStageDialects(mlir::DialectRegistry &registry) {
  registry
      .insert<AlexDialect, mlir::arith::ArithDialect, mlir::func::FuncDialect,
              mlir::LLVM::LLVMDialect, mlir::math::MathDialect,
              mlir::memref::MemRefDialect, mlir::scf::SCFDialect>();
  // What --check-bounds (PipelineOptions::checkBounds) verifies.
  mlir::memref::registerRuntimeVerifiableOpInterfaceExternalModels(registry);
}

void alex::registerAlexPipelines() {
  // The registry keeps the names and descriptions by reference: literals.
  struct Entry {
    const char *name, *description;
    Stage stage;
  };
  static const Entry entries[] = {
      {"alex-pipeline-train-step", "alexc's passes up to --emit=train-step",
       Stage::TrainStep},
      {"alex-pipeline-partitioned", "alexc's passes up to --emit=partitioned",
       Stage::Partitioned},
      {"alex-pipeline-fused", "alexc's passes up to --emit=fused",
       Stage::Fused},
      {"alex-pipeline-loops", "alexc's passes up to --emit=loops",
       Stage::Loops},
      {"alex-pipeline-llvm", "alexc's passes up to --emit=llvm", Stage::LLVM},
  };
  for (const Entry &entry : entries)
    mlir::PassPipelineRegistration<>(
        entry.name, entry.description,
        [stage = entry.stage](mlir::OpPassManager &pm) {
          buildPipeline(pm, stage);
        });
}
