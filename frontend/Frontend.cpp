//===- Frontend.cpp - .model source to alex IR in one call ----------------===//

#include "frontend/Frontend.h"

#include "frontend/MLIRGen.h"
#include "frontend/Parser.h"
#include "frontend/Sema.h"

#include "llvm/Support/SourceMgr.h"

mlir::OwningOpRef<mlir::ModuleOp>
alex::importModel(llvm::SourceMgr &sourceMgr, mlir::MLIRContext &context,
                  const RecipeOverrides &overrides) {
  Parser parser(sourceMgr, sourceMgr.getMainFileID());
  std::unique_ptr<ModelAST> ast = parser.parseModel();
  if (!ast)
    return nullptr;
  std::optional<Model> model = checkModel(*ast, sourceMgr);
  if (!model)
    return nullptr;
  if (overrides.batch)
    model->recipe.batch = *overrides.batch;
  if (overrides.replicas)
    model->recipe.replicas = *overrides.replicas;
  if (overrides.precision)
    model->recipe.precision = alexrt::precisionName(*overrides.precision);
  if (!checkBatchSplit(*model, sourceMgr))
    return nullptr;
  if (overrides.gpuTarget &&
      !checkPrecisionTarget(*model, sourceMgr, *overrides.gpuTarget))
    return nullptr;
  return buildModule(*model, context, sourceMgr);
}
