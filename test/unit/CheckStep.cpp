//===- CheckStep.cpp - a compiled training step against the reference -----===//
//
//   alex-check-step model.model [--batch N] [--tolerance T]
//
// Compiles the model's training step with alexc's pipeline twice, without
// and with fusion (--alex-fuse-conv-blocks), runs each once (JIT) from the
// same seeded weights, momenta, images and labels, runs the float64
// reference step (test/reference) on the same data, and compares each
// run's loss, logits, every parameter's gradient (exported from the step as
// extra results), and updated weights and momenta with the reference, then
// the fused gradients with the unfused ones. The error of a tensor is
// max|compiled - reference| / max|reference|; the check fails if any exceeds
// the tolerance. The reference follows the unfused run's ReLU and max-pool
// choices (see reference::StepState::decisions): float32 and float64 may
// disagree at a kink, and each is then right about its own forward pass.
// The fused forward pass does the same float32 arithmetic in the same
// order, so its choices are the same.
//
//===----------------------------------------------------------------------===//

#include "dialect/AlexDialect.h"
#include "frontend/Frontend.h"
#include "passes/OptionValues.h"
#include "passes/Pipeline.h"
#include "runtime/Random.h"
#include "runtime/alexrt.h"
#include "runtime/cpu/Blas.h"
#include "runtime/cpu/HeapBuffers.h"
#include "runtime/model/Params.h"
#include "test/reference/TrainStep.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

#include <cmath>
#include <cstdio>

namespace cl = llvm::cl;
using namespace mlir;

static cl::opt<std::string> modelFile(cl::Positional, cl::Required,
                                      cl::desc("<model>"));
static cl::opt<int64_t> batchSize("batch", cl::desc("Override the batch"),
                                  cl::init(0));
static cl::opt<double> tolerance("tolerance", cl::init(1e-4),
                                 cl::desc("Largest relative error allowed"));
static cl::opt<uint64_t> seed("seed", cl::init(1), cl::desc("Data seed"));
static cl::opt<int64_t>
    devices("devices", cl::init(1),
            cl::desc("Also run the step split across this many devices and "
                     "compare it with the one-device step"));
static cl::opt<alexrt::Precision>
    precision("precision", alex::precisionValues(),
              cl::init(alexrt::Precision::FP32),
              cl::desc("What the compiled steps' products compute in (the "
                       "reference is float64 whatever it is)"));
static cl::opt<bool> checkBounds(
    "check-bounds",
    cl::desc("Check every buffer access of the compiled steps at run time"));

namespace {
/// One parameter on both sides: f32 buffers for the compiled step, float64
/// tensors for the reference.
struct Param {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> value, momentum;
};

/// max|a - b| / max|b|.
double relativeError(const std::vector<double> &a,
                     const std::vector<double> &b) {
  double diff = 0, scale = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::fabs(a[i] - b[i]));
    scale = std::max(scale, std::fabs(b[i]));
  }
  return scale > 0 ? diff / scale : diff;
}

std::vector<double> widen(const std::vector<float> &v) {
  return std::vector<double>(v.begin(), v.end());
}

alexrt::InitRule initRule(Attribute init) {
  alexrt::InitRule rule;
  if (auto c = dyn_cast<alex::ConstantInitAttr>(init)) {
    rule.value = c.getValue().convertToDouble();
  } else if (auto g = dyn_cast<alex::GaussianInitAttr>(init)) {
    rule.kind = alexrt::InitRule::Kind::Gaussian;
    rule.std = g.getStd().convertToDouble();
    rule.mean = g.getMean().convertToDouble();
  } else if (auto x = dyn_cast<alex::XavierInitAttr>(init)) {
    rule.kind = alexrt::InitRule::Kind::Xavier;
    rule.gain = x.getGain().convertToDouble();
  }
  return rule;
}
} // namespace

/// Values of @train_step the check reads besides its results.
struct Exported {
  /// The output of every relu and the input of every max_pool, by layer:
  /// the values whose sign or order decides where gradients flow.
  std::vector<std::pair<std::string, RankedTensorType>> activations;
  /// The gradient each alex.sgd_update applies, by parameter.
  std::vector<std::pair<std::string, RankedTensorType>> gradients;
};

/// Appends those values to @train_step's results (activations, if asked
/// for, then gradients).
static Exported exportValues(func::FuncOp step, bool activations) {
  Exported exported;
  llvm::SmallVector<Value> values;
  auto add = [&](Value value, std::string name, auto &list) {
    if (name.empty() || llvm::is_contained(values, value))
      return;
    list.push_back({name, cast<RankedTensorType>(value.getType())});
    values.push_back(value);
  };
  auto layer = [](Value value) -> std::string {
    auto named = dyn_cast<NameLoc>(value.getLoc());
    return named ? named.getName().str() : "";
  };
  step.walk([&](Operation *op) {
    if (!activations)
      return;
    if (auto relu = dyn_cast<alex::ReluOp>(op))
      add(relu.getOutput(), layer(relu.getOutput()), exported.activations);
    if (auto pool = dyn_cast<alex::MaxPoolOp>(op))
      add(pool.getInput(), layer(pool.getInput()), exported.activations);
  });
  for (auto update : step.getOps<alex::SGDUpdateOp>())
    add(update.getGrad(), update.getParam().str(), exported.gradients);
  auto returnOp = cast<func::ReturnOp>(step.getBody().front().getTerminator());
  returnOp->insertOperands(returnOp.getNumOperands(), values);
  step.setFunctionType(FunctionType::get(
      step.getContext(), step.getArgumentTypes(), returnOp.getOperandTypes()));
  return exported;
}

/// What every compiled run starts from.
struct Inputs {
  const std::vector<float> &images;
  const std::vector<int32_t> &labels;
  int64_t step;
  float lr;
};

/// A tensor the step exported, by name.
struct ExportedTensor {
  std::vector<int64_t> shape;
  std::vector<float> data;
};

/// One compiled step's results.
struct CompiledRun {
  float loss = 0;
  std::vector<float> logits;
  std::map<std::string, ExportedTensor> activations;
  std::map<std::string, std::vector<float>> gradients;
  /// The parameters after the update.
  std::vector<Param> params;
  /// Fused and exchange ops in the step, by name (alex.conv_block, ...),
  /// summed over its device functions.
  std::map<std::string, int> fusedOps;
};

/// Compiles `module` with alexc's pipeline (fused or not, on `devices`
/// devices) and runs its training step once (JIT) from `params` and
/// `inputs`.
static FailureOr<CompiledRun> runCompiled(OwningOpRef<ModuleOp> module,
                                          bool fuse, int64_t devices,
                                          std::vector<Param> params,
                                          const Inputs &inputs) {
  MLIRContext *context = module->getContext();
  alex::PipelineOptions options;
  options.fuse = fuse;
  options.checkBounds = checkBounds;
  options.devices = devices;
  PassManager toTrainStep(context), toFused(context), toLLVM(context);
  alex::buildPipeline(toTrainStep, alex::Stage::TrainStep, options);
  alex::buildPipeline(toFused, alex::Stage::TrainStep, alex::Stage::Fused,
                      options);
  alex::buildPipeline(toLLVM, alex::Stage::Fused, alex::Stage::LLVM, options);
  if (failed(toTrainStep.run(*module)))
    return failure();
  auto step = module->lookupSymbol<func::FuncOp>("train_step");
  auto logitsType = cast<RankedTensorType>(step.getResultTypes()[1]);
  // Activations would be extra users that stop fusion: unfused runs only.
  Exported exported = exportValues(step, /*activations=*/!fuse);
  if (failed(toFused.run(*module)))
    return failure();
  std::map<std::string, int> fusedOps;
  for (auto function : module->getOps<func::FuncOp>())
    if (function.getName().starts_with("train_step"))
      function.walk([&](Operation *op) {
        if (isa<alex::ConvBlockOp, alex::ConvBlockGradOp, alex::DenseBlockOp,
                alex::DenseBlockGradOp, alex::AllGatherOp,
                alex::ReduceScatterOp>(op))
          ++fusedOps[op->getName().getStringRef().str()];
      });
  if (failed(toLLVM.run(*module)))
    return failure();
  ExecutionEngineOptions engineOptions;
  auto optimize = makeOptimizingTransformer(2, 0, nullptr);
  engineOptions.transformer = optimize;
  auto engine = ExecutionEngine::create(*module, engineOptions);
  if (!engine) {
    llvm::errs() << "JIT: " << llvm::toString(engine.takeError()) << "\n";
    return failure();
  }
  (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    auto add = [&](const char *name, auto *function) {
      symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(function),
                                 llvm::JITSymbolFlags::Exported};
    };
    add("alexrt_sgemm", &alexrt_sgemm);
    add("alexrt_gemm_bf16", &alexrt_gemm_bf16);
    add("alexrt_conv2d_forward_bf16", &alexrt_conv2d_forward_bf16);
    add("alexrt_conv2d_backward_data_bf16", &alexrt_conv2d_backward_data_bf16);
    add("alexrt_conv2d_backward_filter_bf16",
        &alexrt_conv2d_backward_filter_bf16);
    add("alexrt_run_devices", &alexrt_run_devices);
    add("alexrt_device_barrier", &alexrt_device_barrier);
    add("alexrt_exchange_copy", &alexrt_exchange_copy);
    add("alexrt_profile_mark", &alexrt_profile_mark);
    add("alexrt_parameters_generation", &alexrt_parameters_generation);
    return symbols;
  });

  // The step's buffers, as the CPU runtime gives a compiled binary them.
  auto table = (*engine)->lookup("alex_heap_buffers");
  auto count = (*engine)->lookup("alex_heap_buffer_count");
  if (!table || !count) {
    llvm::errs() << "JIT: the step lists no buffers\n";
    llvm::consumeError(table.takeError());
    llvm::consumeError(count.takeError());
    return failure();
  }
  if (alexrt::Status allocated = alexrt::allocateHeapBuffers(
          static_cast<const alexrt_heap_buffer *>(*table),
          *static_cast<const int64_t *>(*count), 0);
      !allocated.ok()) {
    llvm::errs() << allocated.message() << "\n";
    return failure();
  }

  CompiledRun run;
  run.logits.resize(size_t(logitsType.getNumElements()));
  int64_t stepIndex = inputs.step;
  float lr = inputs.lr;
  std::vector<void *> pointers;
  for (Param &p : params)
    pointers.push_back(p.value.data());
  for (Param &p : params)
    pointers.push_back(p.momentum.data());
  // The step only reads the images and labels; its ABI takes void *.
  for (void *p :
       {const_cast<void *>(static_cast<const void *>(inputs.images.data())),
        const_cast<void *>(static_cast<const void *>(inputs.labels.data())),
        static_cast<void *>(&stepIndex), static_cast<void *>(&lr),
        static_cast<void *>(&run.loss), static_cast<void *>(run.logits.data())})
    pointers.push_back(p);
  std::vector<std::vector<float>> buffers;
  for (auto *list : {&exported.activations, &exported.gradients})
    for (auto &[name, type] : *list)
      buffers.emplace_back(size_t(type.getNumElements()));
  for (std::vector<float> &buffer : buffers)
    pointers.push_back(buffer.data());
  // The runtime's entry point, as a compiled binary calls it.
  auto entry = (*engine)->lookup("alex_train_step");
  if (!entry) {
    llvm::errs() << "JIT: " << llvm::toString(entry.takeError()) << "\n";
    return mlir::failure();
  }
  reinterpret_cast<void (*)(void **)> (*entry)(pointers.data());

  size_t next = 0;
  for (auto &[name, type] : exported.activations)
    run.activations[name] = {std::vector<int64_t>(type.getShape()),
                             std::move(buffers[next++])};
  for (auto &[name, type] : exported.gradients)
    run.gradients[name] = std::move(buffers[next++]);
  run.params = std::move(params);
  run.fusedOps = std::move(fusedOps);
  return run;
}

int main(int argc, char **argv) {
  cl::ParseCommandLineOptions(argc, argv, "compiled step vs reference\n");
  // --check-bounds failures puts() their message, then abort.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  // A GEMM's rounding can depend on its thread count; the device threads
  // share the cores, so each device's GEMMs run on fewer threads. One
  // thread everywhere makes the one- and N-device forward passes the same
  // bits (else a near-tie in a max-pool window can route a gradient to
  // another element, a right answer for a different forward pass).
  if (devices > 1)
    alexrt::setCpuThreads(1);
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  DialectRegistry registry;
  alex::registerStageDialects(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  MLIRContext context(registry);
  context.loadDialect<alex::AlexDialect, func::FuncDialect>();
  llvm::SourceMgr sourceMgr;
  std::string error;
  auto file = openInputFile(modelFile, &error);
  if (!file) {
    llvm::errs() << error << "\n";
    return 1;
  }
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  alex::RecipeOverrides overrides;
  if (batchSize)
    overrides.batch = batchSize;
  overrides.precision = precision;
  OwningOpRef<ModuleOp> module =
      alex::importModel(sourceMgr, context, overrides);
  if (!module)
    return 1;
  auto training =
      (*module)->getAttrOfType<alex::TrainingAttr>(alex::kTrainingAttrName);
  auto forward = module->lookupSymbol<func::FuncOp>("forward");

  // Seeded weights by the model's rules, small random momenta (so the
  // momentum term is exercised), uniform images, random labels.
  std::vector<Param> params;
  reference::StepState state;
  state.seed = uint64_t(training.getSeed());
  state.step = 3;
  state.lr = training.getOptimizer().getLr().convertToDouble();
  state.momentum = training.getOptimizer().getMomentum().convertToDouble();
  state.weightDecay =
      training.getOptimizer().getWeightDecay().convertToDouble();
  uint64_t index = 0;
  for (auto op : module->getOps<alex::ParamOp>()) {
    auto type = cast<RankedTensorType>(op.getType());
    alexrt::ParamSpec spec{op.getSymName().str(),
                           std::vector<int64_t>(type.getShape()),
                           initRule(op.getInit())};
    Param param{spec.name, spec.shape, {}, {}};
    if (op.getLearningRateScale() != 1)
      state.lrMult[spec.name] = op.getLearningRateScale();
    param.value.resize(size_t(spec.numElements()));
    alexrt::initParam(spec, seed, index, param.value.data());
    alexrt::RandomStream random(
        seed, alexrt::streamId(alexrt::Purpose::Synthetic, 100 + index));
    for (size_t i = 0; i < param.value.size(); ++i)
      param.momentum.push_back(1e-3f * random.normal(i));
    state.params[spec.name] = reference::Tensor(spec.shape);
    state.params[spec.name].data = widen(param.value);
    state.momenta[spec.name] = reference::Tensor(spec.shape);
    state.momenta[spec.name].data = widen(param.momentum);
    params.push_back(std::move(param));
    ++index;
  }
  auto imageType = cast<RankedTensorType>(forward.getArgumentTypes()[0]);
  auto logitsType = cast<RankedTensorType>(forward.getResultTypes()[1]);
  int64_t batch = imageType.getDimSize(0), classes = logitsType.getDimSize(1);
  std::vector<float> images(size_t(imageType.getNumElements()));
  alexrt::RandomStream data(seed,
                            alexrt::streamId(alexrt::Purpose::Synthetic, 1));
  for (size_t i = 0; i < images.size(); ++i)
    images[i] = data.uniform(i);
  std::vector<int32_t> labels;
  for (int64_t i = 0; i < batch; ++i)
    labels.push_back(int32_t(data.bits(uint64_t(1 << 30) + i)[0] % classes));
  state.images = reference::Tensor(std::vector<int64_t>(imageType.getShape()));
  state.images.data = widen(images);
  state.labels = labels;

  // The reference reads the graph from its own copy of the IR.
  OwningOpRef<ModuleOp> referenceModule = module->clone();

  // The unfused step exports the activations the backward pass makes
  // discrete choices on; the fused step computes the same forward bits.
  Inputs inputs{images, labels, state.step, float(state.lr)};
  FailureOr<CompiledRun> unfused =
      runCompiled(module->clone(), /*fuse=*/false, 1, params, inputs);
  FailureOr<CompiledRun> fused =
      runCompiled(module->clone(), /*fuse=*/true, 1, params, inputs);
  if (failed(unfused) || failed(fused))
    return 1;
  llvm::outs() << "fused step:";
  for (auto &[name, count] : fused->fusedOps)
    llvm::outs() << " " << count << " " << name;
  llvm::outs() << "\n";
  std::optional<CompiledRun> partitioned;
  if (devices > 1) {
    FailureOr<CompiledRun> run =
        runCompiled(module->clone(), /*fuse=*/true, devices, params, inputs);
    if (failed(run))
      return 1;
    partitioned = std::move(*run);
    llvm::outs() << devices << "-device step:";
    for (auto &[name, count] : partitioned->fusedOps)
      llvm::outs() << " " << count << " " << name;
    llvm::outs() << "\n";
  }

  for (auto &[name, activation] : unfused->activations) {
    reference::Tensor tensor(activation.shape);
    tensor.data = widen(activation.data);
    state.decisions[name] = std::move(tensor);
  }
  FailureOr<reference::StepResult> expected = reference::trainStep(
      referenceModule->lookupSymbol<func::FuncOp>("forward"), state);
  if (failed(expected))
    return 1;

  auto frozen = [&](const std::string &name) {
    auto scale = state.lrMult.find(name);
    return scale != state.lrMult.end() && scale->second == 0;
  };
  double worst = 0;
  std::string worstName;
  auto report = [&](const std::string &name, double err) {
    llvm::outs() << llvm::format("%-36s %.3e %s\n", name.c_str(), err,
                                 err <= tolerance ? "ok" : "FAIL");
    if (!(err <= worst)) {
      worst = err;
      worstName = name;
    }
  };
  // Each run against the reference, then fused against unfused.
  for (auto [label, run] :
       {std::pair<std::string, CompiledRun *>{"", &*unfused},
        {"fused ", &*fused}}) {
    report(label + "loss", relativeError({run->loss}, {expected->loss}));
    report(label + "logits",
           relativeError(widen(run->logits), expected->logits.data));
    for (const Param &p : run->params) {
      // A frozen parameter (lr_mult 0) has no gradient in the step; its
      // weights and momenta must stay as they were.
      if (!frozen(p.name))
        report(label + p.name + " gradient",
               relativeError(widen(run->gradients[p.name]),
                             expected->grads[p.name].data));
      report(label + p.name + " weight",
             relativeError(widen(p.value), state.params[p.name].data));
      report(label + p.name + " momentum",
             relativeError(widen(p.momentum), state.momenta[p.name].data));
    }
  }
  report("fused vs unfused loss",
         relativeError({fused->loss}, {unfused->loss}));
  for (const Param &p : fused->params)
    if (!frozen(p.name))
      report("fused vs unfused " + p.name + " gradient",
             relativeError(widen(fused->gradients[p.name]),
                           widen(unfused->gradients[p.name])));
  if (partitioned) {
    // The same step on `devices` devices against one device.
    std::string label = std::to_string(devices) + " devices vs 1 ";
    for (const Param &p : partitioned->params)
      if (!frozen(p.name))
        report(std::to_string(devices) + " devices " + p.name + " gradient",
               relativeError(widen(partitioned->gradients[p.name]),
                             expected->grads[p.name].data));
    report(label + "loss", relativeError({partitioned->loss}, {fused->loss}));
    report(label + "logits",
           relativeError(widen(partitioned->logits), widen(fused->logits)));
    for (auto [p, one] : llvm::zip(partitioned->params, fused->params)) {
      if (!frozen(p.name))
        report(label + p.name + " gradient",
               relativeError(widen(partitioned->gradients[p.name]),
                             widen(fused->gradients[p.name])));
      report(label + p.name + " weight",
             relativeError(widen(p.value), widen(one.value)));
      report(label + p.name + " momentum",
             relativeError(widen(p.momentum), widen(one.momentum)));
    }
  }
  llvm::outs() << llvm::format("worst relative error %.3e (%s), tolerance "
                               "%.1e: %s\n",
                               worst, worstName.c_str(), double(tolerance),
                               worst <= tolerance ? "PASS" : "FAIL");
  return worst <= tolerance ? 0 : 1;
}
