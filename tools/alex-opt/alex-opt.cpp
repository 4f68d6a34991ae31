//===- alex-opt.cpp - parse, verify, transform and print alex IR ----------===//

#include "dialect/AlexDialect.h"
#include "passes/Passes.h"
#include "passes/Pipeline.h"
#include "test/lib/TestDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  alex::registerAlexPasses();
  alex::registerAlexPipelines();

  mlir::DialectRegistry registry;
  alex::registerStageDialects(registry);
  // Ops that carry the alex traits and nothing else, for the trait tests.
  registry.insert<alex::test::AlexTestDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "alex optimizer driver\n", registry));
}
