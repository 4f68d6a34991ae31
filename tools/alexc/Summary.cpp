//===- Summary.cpp - the per-layer table of `alexc summary` ---------------===//

#include "tools/alexc/Summary.h"

#include "dialect/AlexDialect.h"
#include "dialect/Shapes.h"
#include "passes/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace alex;

/// 60965224 -> "60,965,224".
static std::string withCommas(int64_t value) {
  std::string digits = std::to_string(value), result;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      result += ',';
    result += digits[i];
  }
  return result;
}

namespace {
struct Row {
  std::string name, op, shape;
  int64_t params = 0, multiplyAdds = 0;
};
} // namespace

/// The layer name a value came from: its NameLoc, else a placeholder.
static std::string nameOf(Location loc, llvm::StringRef fallback) {
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  return fallback.str();
}

/// Per-example shape: the batch dimension dropped.
static std::string exampleShape(Type type) {
  auto shaped = cast<ShapedType>(type);
  return formatShape(
      shaped.getShape().drop_front(std::min<size_t>(1, shaped.getRank())));
}

static std::string mebibytes(int64_t bytes) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.1f MiB", bytes / 1048576.0);
  return text;
}

/// Plans memory on a copy (the pipeline up to the loops stage) and prints
/// each function's temporaries with and without reuse.
static LogicalResult printMemoryPlan(ModuleOp module, llvm::raw_ostream &os) {
  if (!module->hasAttr(kTrainingAttrName))
    return success(); // Not a whole model: nothing to train.
  OwningOpRef<ModuleOp> copy = module.clone();
  PassManager pm(module.getContext());
  buildPipeline(pm, detectStage(*copy), Stage::Loops);
  if (failed(pm.run(*copy)))
    return failure();
  for (auto function : copy->getOps<func::FuncOp>()) {
    auto planned =
        function->getAttrOfType<IntegerAttr>(kWorkspaceBytesAttrName);
    auto unplanned =
        function->getAttrOfType<IntegerAttr>(kUnplannedBytesAttrName);
    if (planned && unplanned)
      os << "temporaries of @" << function.getName() << ": "
         << mebibytes(planned.getInt()) << " (" << mebibytes(unplanned.getInt())
         << " without reuse)\n";
  }
  return success();
}

LogicalResult alex::printSummary(ModuleOp module, llvm::raw_ostream &os) {
  // Layers are alex ops on tensors: IR past --emit=train-step has none.
  if (detectStage(module) > Stage::TrainStep)
    return module.emitError() << "alexc summary needs alex IR before "
                                 "lowering (--emit=mlir or train-step)";
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  if (!forward || forward.isExternal())
    return module.emitError() << "no @forward function to summarise";

  std::vector<Row> rows;
  for (auto [i, arg] : llvm::enumerate(forward.getArguments()))
    rows.push_back({nameOf(arg.getLoc(), "arg" + std::to_string(i)),
                    i == 0 ? "input" : "labels", exampleShape(arg.getType())});

  for (Operation &op : forward.getBody().front()) {
    if (isa<ReadParamOp, func::ReturnOp>(op) || op.getNumResults() != 1)
      continue;
    Row row;
    row.op = op.getName().stripDialect().str();
    row.name = nameOf(op.getLoc(), row.op + "#" + std::to_string(rows.size()));
    row.shape = exampleShape(op.getResult(0).getType());
    for (Value operand : op.getOperands())
      if (operand.getDefiningOp<ReadParamOp>())
        row.params += cast<ShapedType>(operand.getType()).getNumElements();
    if (auto costed = dyn_cast<MultiplyAddOpInterface>(op))
      row.multiplyAdds = costed.getMultiplyAddsPerExample();
    rows.push_back(std::move(row));
  }

  int64_t params = 0, multiplyAdds = 0;
  size_t nameWidth = 5, opWidth = 2, shapeWidth = 6;
  for (const Row &row : rows) {
    params += row.params;
    multiplyAdds += row.multiplyAdds;
    nameWidth = std::max(nameWidth, row.name.size());
    opWidth = std::max(opWidth, row.op.size());
    shapeWidth = std::max(shapeWidth, row.shape.size());
  }

  int64_t batch = 0, devices = 1;
  if (auto training = module->getAttrOfType<TrainingAttr>(kTrainingAttrName)) {
    batch = training.getBatch();
    devices = training.getDevices();
  }
  os << "model " << module.getName().value_or("<unnamed>") << ": "
     << rows.size() << " layers";
  if (batch)
    os << ", batch " << batch << ", " << devices
       << (devices == 1 ? " device" : " devices");
  os << "\n\n";

  auto line = [&](llvm::StringRef name, llvm::StringRef op,
                  llvm::StringRef shape, llvm::StringRef p, llvm::StringRef m) {
    os << llvm::left_justify(name, nameWidth) << "  "
       << llvm::left_justify(op, opWidth) << "  "
       << llvm::left_justify(shape, shapeWidth) << "  "
       << llvm::right_justify(p, 12) << "  " << llvm::right_justify(m, 15)
       << "\n";
  };
  line("layer", "op", "output", "params", "mult-adds");
  for (const Row &row : rows)
    line(row.name, row.op, row.shape, withCommas(row.params),
         withCommas(row.multiplyAdds));
  line("total", "", "", withCommas(params), withCommas(multiplyAdds));
  os << "\nparameters: " << withCommas(params) << " ("
     << llvm::format("%.1f", params * 4.0 / (1 << 20))
     << " MiB as f32)\nmultiply-adds per image: " << withCommas(multiplyAdds)
     << " (" << llvm::format("%.1f", multiplyAdds / 1e6) << "M)\n";
  return printMemoryPlan(module, os);
}
