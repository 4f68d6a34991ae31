//===- Pipeline.cpp - the stages of alexc and the passes between ----------===//

#include "passes/Pipeline.h"

#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringSwitch.h"

using namespace alex;

std::optional<Stage> alex::parseStage(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Stage>>(name)
      .Case("ast", Stage::AST)
      .Case("mlir", Stage::MLIR)
      .Case("train-step", Stage::TrainStep)
      .Default(std::nullopt);
}

void alex::buildPipeline(mlir::OpPassManager &pm, Stage stage) {
  if (stage >= Stage::TrainStep)
    pm.addPass(createAlexBuildTrainStep());
}

void alex::registerAlexPipelines() {
  mlir::PassPipelineRegistration<>(
      "alex-pipeline-train-step",
      "alexc's passes up to --emit=train-step",
      [](mlir::OpPassManager &pm) { buildPipeline(pm, Stage::TrainStep); });
}
