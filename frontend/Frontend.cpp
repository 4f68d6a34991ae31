//===- Frontend.cpp - .model source to alex IR in one call ----------------===//

#include "frontend/Frontend.h"

#include "frontend/MLIRGen.h"
#include "frontend/Parser.h"
#include "frontend/Sema.h"

#include "llvm/Support/SourceMgr.h"

mlir::OwningOpRef<mlir::ModuleOp>
alex::importModel(llvm::SourceMgr &sourceMgr, mlir::MLIRContext &context,
                  std::optional<int64_t> batch) {
  Parser parser(sourceMgr, sourceMgr.getMainFileID());
  std::unique_ptr<ModelAST> ast = parser.parseModel();
  if (!ast)
    return nullptr;
  std::optional<Model> model = checkModel(*ast, sourceMgr);
  if (!model)
    return nullptr;
  if (batch)
    model->recipe.batch = *batch;
  return buildModule(*model, context, sourceMgr);
}
