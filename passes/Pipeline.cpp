//===- Pipeline.cpp - the stages of alexc and the passes between ----------===//

#include "passes/Pipeline.h"

#include "passes/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMInterface.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToGPU/SCFToGPUPass.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/RuntimeOpVerification.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
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
      .Case("kernels", Stage::Kernels)
      .Case("llvm", Stage::LLVM)
      .Default(std::nullopt);
}

llvm::StringRef alex::codeTargetName(CodeTarget target) {
  switch (target) {
  case CodeTarget::CPU:
    return "cpu";
  case CodeTarget::CUDA:
    return "cuda";
  case CodeTarget::CPUTwin:
    return "cpu-twin";
  }
  return "";
}

/// Host code, its loops already control flow, to the LLVM dialect (memrefs
/// as bare pointers at function boundaries).
static void lowerHostToLLVM(mlir::OpPassManager &pm) {
  pm.addPass(mlir::memref::createExpandStridedMetadataPass());
  pm.addPass(mlir::createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(mlir::createConvertMathToLLVMPass());
  pm.addPass(mlir::createArithToLLVMConversionPass());
  mlir::ConvertFuncToLLVMPassOptions funcOptions;
  // Each buffer crosses the ABI as one pointer (static shapes).
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(mlir::createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(mlir::createConvertControlFlowToLLVMPass());
}

void alex::buildKernelsToNVVM(mlir::OpPassManager &pm) {
  pm.addPass(mlir::createConvertParallelLoopToGpuPass());
  pm.addPass(mlir::createLowerAffinePass()); // The launches' index maps.
  pm.addPass(mlir::createGpuKernelOutliningPass());
  mlir::GpuNVVMAttachTargetOptions target;
  target.chip = "sm_90";
  target.features = "+ptx80";
  target.optLevel = 3;
  pm.addPass(mlir::createGpuNVVMAttachTarget(target));
  // Kernels and host alike: convert-gpu-to-nvvm takes no scf.
  pm.addPass(mlir::createSCFToControlFlowPass());
  mlir::OpPassManager &kernels = pm.nest<mlir::gpu::GPUModuleOp>();
  kernels.addPass(mlir::createConvertGpuOpsToNVVMOps());
  kernels.addPass(mlir::createCanonicalizerPass());
  kernels.addPass(mlir::createCSEPass());
  kernels.addPass(mlir::createReconcileUnrealizedCastsPass());
}

/// Kernels (gpu.launch bodies) outlined and lowered to NVVM; the host
/// launches them through the mgpu* functions of the runtime.
static void lowerToCUDA(mlir::OpPassManager &pm,
                        const PipelineOptions &options) {
  buildKernelsToNVVM(pm);
  lowerHostToLLVM(pm);
  pm.addPass(mlir::createGpuToLLVMConversionPass());
  pm.addPass(mlir::createReconcileUnrealizedCastsPass());
  pm.addPass(createAlexEmitEntryPoints());
  pm.addPass(createAlexDeviceGlobals());
  mlir::GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "fatbin"; // sm_90 cubin and its PTX.
  binary.toolkitPath = options.cudaToolkit;
  pm.addPass(mlir::createGpuModuleToBinaryPass(binary));
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
  if (runs(Stage::Fused)) {
    if (options.fuse)
      pm.addPass(createAlexFuseConvBlocks());
    // The sums across replicas read the gradients the fused ops compute.
    pm.addPass(createAlexReplicate());
    // On the final ops, so the fused stage shows which compute in bf16.
    pm.addPass(createAlexMixedPrecision());
  }
  if (runs(Stage::Loops)) {
    pm.addPass(createAlexBuildFeatures());
    // CPU steps time their layers for `bench --profile` (a clock read per
    // region); GPU work is asynchronous to the host, so not there.
    if (options.target == CodeTarget::CPU)
      pm.addPass(createAlexProfileLayers());
    AlexExportModelOptions exportOptions;
    exportOptions.precision = options.precision;
    exportOptions.target = codeTargetName(options.target).str();
    pm.addPass(createAlexExportModel(exportOptions));
    AlexLowerToLoopsOptions loops;
    loops.gpuKernels = options.target != CodeTarget::CPU;
    loops.libraryConvolutions = loops.gpuKernels && options.libraryConvolutions;
    pm.addPass(createAlexLowerToLoops(loops));
    pm.addPass(createAlexPlanMemory());
    pm.addPass(mlir::createCanonicalizerPass());
    pm.addPass(mlir::createCSEPass());
  }
  if (runs(Stage::Kernels) && options.target != CodeTarget::CPU) {
    // No canonicalization from here: it folds one-iteration parallel loops
    // and unit dimensions, the kernels and block shapes formed here.
    pm.addPass(createAlexFormKernels());
    pm.addPass(mlir::createCSEPass());
    pm.addPass(createAlexMapKernels());
  }
  if (!runs(Stage::LLVM))
    return;
  if (options.target == CodeTarget::CUDA)
    return lowerToCUDA(pm, options);
  if (options.checkBounds)
    pm.addPass(mlir::createGenerateRuntimeVerificationPass());
  // The CPU target's large loops on OpenMP threads (libomp, which also
  // serves oneDNN's GOMP calls: one pool for loops and GEMMs). The CPU twin
  // keeps the GPU's loop structure and runs it on one thread.
  bool threaded = options.target == CodeTarget::CPU;
  if (threaded) {
    pm.addPass(createAlexThreadLoops());
    pm.addPass(mlir::createConvertSCFToOpenMPPass());
    // Inlines the memref.alloca_scope that wraps each loop body (it holds
    // no allocas here), which scf-to-cf could not lower through. No
    // folding: it would hoist the constants alex-thread-loops sank.
    mlir::GreedyRewriteConfig noFolding;
    noFolding.enableFolding(false).enableConstantCSE(false);
    pm.addPass(mlir::createCanonicalizerPass(noFolding));
  }
  if (!options.hostConvertsBf16)
    pm.addPass(createAlexExpandBf16());
  pm.addPass(mlir::createSCFToControlFlowPass());
  lowerHostToLLVM(pm);
  if (threaded) {
    pm.addPass(mlir::createConvertOpenMPToLLVMPass());
    pm.addPass(createAlexParallelAccesses());
  }
  pm.addPass(mlir::createReconcileUnrealizedCastsPass());
  pm.addPass(createAlexEmitEntryPoints());
  pm.addPass(createAlexHeapGlobals());
}

Stage alex::detectStage(mlir::ModuleOp module) {
  for (llvm::StringRef name : {"forward", "forward_device0"})
    if (module.lookupSymbol<mlir::LLVM::LLVMFuncOp>(name))
      return Stage::LLVM;
  bool mapped = false;
  module.walk([&](mlir::scf::ParallelOp loop) {
    mapped |= loop->hasAttr(mlir::gpu::getMappingAttrName());
  });
  if (mapped)
    return Stage::Kernels;
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
  registry.insert<AlexDialect, mlir::arith::ArithDialect,
                  mlir::func::FuncDialect, mlir::gpu::GPUDialect,
                  mlir::LLVM::LLVMDialect, mlir::math::MathDialect,
                  mlir::memref::MemRefDialect, mlir::NVVM::NVVMDialect,
                  mlir::omp::OpenMPDialect, mlir::scf::SCFDialect>();
  // What the CUDA lowering needs: the host's conversions to LLVM (for
  // gpu-to-llvm) and the NVVM target that serializes kernels.
  mlir::arith::registerConvertArithToLLVMInterface(registry);
  mlir::cf::registerConvertControlFlowToLLVMInterface(registry);
  mlir::registerConvertFuncToLLVMInterface(registry);
  mlir::registerConvertMathToLLVMInterface(registry);
  mlir::registerConvertMemRefToLLVMInterface(registry);
  mlir::NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerGPUDialectTranslation(registry);
  mlir::gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::registerNVVMDialectTranslation(registry);
  mlir::registerOpenMPDialectTranslation(registry);
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
      {"alex-pipeline-kernels",
       "alexc's passes up to --emit=kernels (CUDA target)", Stage::Kernels},
      {"alex-pipeline-llvm", "alexc's passes up to --emit=llvm", Stage::LLVM},
  };
  for (const Entry &entry : entries)
    mlir::PassPipelineRegistration<>(
        entry.name, entry.description,
        [stage = entry.stage](mlir::OpPassManager &pm) {
          // The kernels stage exists on the way to the GPU only.
          PipelineOptions options;
          if (stage == Stage::Kernels)
            options.target = CodeTarget::CUDA;
          buildPipeline(pm, stage, options);
        });
}
