//===- Summary.cpp - the per-layer table of `alexc summary` ---------------===//

#include "tools/alexc/Summary.h"

#include "dialect/AlexDialect.h"
#include "dialect/Shapes.h"
#include "passes/Pipeline.h"
#include "tools/alexc/KernelResources.h"
#include "tools/alexc/StepCost.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
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

/// Compiles a copy up to the loops stage and prints, per function, the
/// kernels it runs, the bytes its ops move and its temporaries with and
/// without reuse.
static LogicalResult printCosts(ModuleOp module, llvm::raw_ostream &os,
                                const PipelineOptions &options,
                                const GpuModel *gpu) {
  if (!module->hasAttr(kTrainingAttrName))
    return success(); // Not a whole model: nothing to train.
  OwningOpRef<ModuleOp> copy = module.clone();
  PassManager toFused(module.getContext()), toLoops(module.getContext());
  buildPipeline(toFused, detectStage(*copy), Stage::Fused, options);
  // A GPU target's launches are those of its kernels stage.
  bool onGpu = options.target != CodeTarget::CPU;
  buildPipeline(toLoops, Stage::Fused, onGpu ? Stage::Kernels : Stage::Loops,
                options);
  if (failed(toFused.run(*copy)))
    return failure();
  llvm::StringMap<int64_t> traffic;
  llvm::StringMap<ExchangeCount> exchanges;
  for (auto function : copy->getOps<func::FuncOp>()) {
    traffic[function.getName()] = opTrafficBytes(function);
    exchanges[function.getName()] = countExchanges(function);
  }
  if (failed(toLoops.run(*copy)))
    return failure();
  // Each kernel's registers and spills, from ptxas, where the toolkit is.
  std::optional<KernelResourceMap> resources;
  std::string unmeasured;
  if (gpu) {
    llvm::Expected<KernelResourceMap> measured =
        measureKernelResources(*copy, options.cudaToolkit);
    if (measured)
      resources = std::move(*measured);
    else
      unmeasured = llvm::toString(measured.takeError());
  }
  if (gpu)
    os << "\nGPU model " << gpu->name << ": " << gpu->sources << "\n";
  if (gpu && !resources)
    os << "kernels' registers and spills: not measured (" << unmeasured
       << "); occupancy not modelled\n";
  os << "\nper call (" << (options.fuse ? "fused" : "not fused")
     << (onGpu ? ", GPU kernels" : "") << "):\n";
  // The training step's devices on one GPU (they share it) or each on its
  // own.
  int towers = 0;
  StepEstimate shared, own;
  for (auto function : copy->getOps<func::FuncOp>()) {
    auto planned =
        function->getAttrOfType<IntegerAttr>(kWorkspaceBytesAttrName);
    auto unplanned =
        function->getAttrOfType<IntegerAttr>(kUnplannedBytesAttrName);
    // @features (made on the way to loops) is @forward cut short: not a
    // step of its own.
    if (!planned || !unplanned || !traffic.count(function.getName()))
      continue;
    KernelCount kernels = countKernels(function);
    os << "  @" << function.getName() << ": " << withCommas(kernels.loopNests)
       << " loop nests, " << withCommas(kernels.gemmCalls) << " GEMM calls"
       << (kernels.convolutionCalls
               ? ", " + withCommas(kernels.convolutionCalls) +
                     " convolution calls"
               : std::string())
       << "; ops read and write "
       << mebibytes(traffic.lookup(function.getName())) << "; temporaries "
       << mebibytes(planned.getInt()) << " (" << mebibytes(unplanned.getInt())
       << " without reuse)\n";
    ExchangeCount received = exchanges.lookup(function.getName());
    if (received.allGathers || received.reduceScatters)
      os << "    receives " << withCommas(received.allGatherBytes)
         << " bytes by " << received.allGathers << " all-gathers, "
         << withCommas(received.reduceScatterBytes) << " bytes by "
         << received.reduceScatters << " reduce-scatters\n";
    if (received.allReduces) {
      // A ring all-reduce sends and receives 2 (R - 1) / R of the bytes.
      int64_t r = received.replicas;
      os << "    sums " << withCommas(received.allReduceBytes)
         << " bytes of gradients across " << r << " replicas in "
         << received.allReduces << " all-reduce"
         << (received.allReduces == 1 ? "" : "s") << " (each replica sends "
         << mebibytes(received.allReduceBytes * 2 * (r - 1) / r)
         << " and receives as much)\n";
    }
    if (gpu && function.getName().starts_with("train_step")) {
      const std::vector<KernelResources> *measured = nullptr;
      if (resources && resources->count(function.getName()))
        measured = &resources->find(function.getName())->second;
      StepEstimate step =
          printGpuEstimate(function, *gpu, options.precision, os, measured);
      ++towers;
      shared.busy += step.busy;
      shared.graph += step.graph;
      own.graph = std::max(own.graph, step.graph);
    }
  }
  // The CPU's bf16 weight copies, module globals outside every workspace.
  int64_t copies = 0, copyBytes = 0;
  for (auto global : copy->getOps<memref::GlobalOp>())
    if (global.getSymName().starts_with(kBf16CopyPrefix) &&
        global.getType().getElementType().isBF16()) {
      ++copies;
      copyBytes += global.getType().getNumElements() *
                   global.getType().getElementTypeBitWidth() / 8;
    }
  if (copies)
    os << "  bf16 copies of " << copies
       << " weight tensors, kept between steps: " << mebibytes(copyBytes)
       << "\n";
  if (gpu && towers > 1)
    os << "  the training step's " << towers << " devices: ~"
       << llvm::format("%.3f", shared.graph * 1e3)
       << " ms as graphs sharing one GPU (busy "
       << llvm::format("%.3f", shared.busy * 1e3) << " ms), ~"
       << llvm::format("%.3f", own.graph * 1e3)
       << " ms on a GPU each (the exchanges between GPUs counted as copies)\n";
  return success();
}

LogicalResult alex::printSummary(ModuleOp module, llvm::raw_ostream &os,
                                 const PipelineOptions &options,
                                 const GpuModel *gpu) {
  // Layers are alex ops on tensors: IR past --emit=fused has none.
  if (detectStage(module) > Stage::Fused)
    return module.emitError() << "alexc summary needs alex IR before "
                                 "lowering (--emit=mlir, train-step or fused)";
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  if (!forward || forward.isExternal())
    return module.emitError() << "no @forward function to summarise";

  std::vector<Row> rows;
  for (auto [i, arg] : llvm::enumerate(forward.getArguments()))
    rows.push_back({layerName(arg.getLoc(), "arg" + std::to_string(i)),
                    i == 0 ? "input" : "labels", exampleShape(arg.getType())});

  for (Operation &op : forward.getBody().front()) {
    if (isa<ReadParamOp, func::ReturnOp>(op) || op.getNumResults() != 1)
      continue;
    Row row;
    row.op = op.getName().stripDialect().str();
    row.name =
        layerName(op.getLoc(), row.op + "#" + std::to_string(rows.size()));
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

  int64_t batch = 0, devices = 1, replicas = 1;
  if (auto training = module->getAttrOfType<TrainingAttr>(kTrainingAttrName)) {
    batch = training.getBatch();
    devices = training.getDevices();
    replicas = training.getReplicas();
  }
  os << "model " << module.getName().value_or("<unnamed>") << ": "
     << rows.size() << " layers";
  if (batch)
    os << ", batch " << batch << ", " << devices
       << (devices == 1 ? " device" : " devices");
  if (replicas > 1)
    os << " x " << replicas << " replicas of " << batch / replicas << " images";
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
  return printCosts(module, os, options, gpu);
}
