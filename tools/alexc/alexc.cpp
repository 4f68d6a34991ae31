//===- alexc.cpp - the alexc compiler driver ------------------------------===//
//
//   alexc compile model.model [-o out] [--emit=<stage>] [--batch=N]
//   alexc summary model.model
//
// --emit picks what compile writes: the AST, the IR after any stage, LLVM
// IR, an object file, or (the default) an executable linked with the
// runtime. -x mlir re-enters from IR.
//
//===----------------------------------------------------------------------===//

#include "dialect/AlexDialect.h"
#include "frontend/AST.h"
#include "frontend/Frontend.h"
#include "frontend/Parser.h"
#include "passes/OptionValues.h"
#include "passes/Pipeline.h"
#include "runtime/RuntimeCalls.h"
#include "tools/alexc/Codegen.h"
#include "tools/alexc/Summary.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include <unistd.h>

namespace cl = llvm::cl;
using namespace mlir;

static cl::OptionCategory alexcOptions("alexc options");

static cl::SubCommand
    compileCommand("compile", "Compile a model (--emit picks the stage)");
static cl::SubCommand summaryCommand(
    "summary", "Print each layer's output shape, parameters and multiply-adds");

static cl::opt<std::string> inputFilename(cl::Positional, cl::Required,
                                          cl::desc("<input .model or .mlir>"),
                                          cl::sub(compileCommand),
                                          cl::sub(summaryCommand),
                                          cl::cat(alexcOptions));

namespace {
enum class InputKind { Model, MLIR };
/// What `compile` writes: an IR stage, or one of the final artefacts.
enum class Emit {
  AST,
  MLIR,
  TrainStep,
  Partitioned,
  Fused,
  Loops,
  Kernels,
  LLVM,
  LLVMIR,
  Object,
  Executable
};

/// cl's parser of an enum option, with alexc's wording for a value that is
/// none of its names.
template <typename Enum> class NamedValueParser : public cl::parser<Enum> {
public:
  using cl::parser<Enum>::parser;

  bool parse(cl::Option &option, llvm::StringRef argName, llvm::StringRef arg,
             Enum &value) {
    std::string expected;
    for (unsigned i = 0, e = this->getNumOptions(); i != e; ++i) {
      llvm::StringRef name = this->getOption(i);
      if (name == arg) {
        value = this->Values[i].V.getValue();
        return false;
      }
      expected += (i == 0 ? "" : i + 1 == e ? " or " : ", ") + name.str();
    }
    llvm::WithColor::error(llvm::errs(), "alexc")
        << "unknown --" << option.ArgStr << " '" << arg << "': expected "
        << expected << "\n";
    return true;
  }
};
} // namespace
using alex::Stage;

static cl::opt<InputKind> inputKind(
    "x", cl::desc("Input language (default: from the file extension)"),
    cl::values(clEnumValN(InputKind::Model, "model", ".model source"),
               clEnumValN(InputKind::MLIR, "mlir", "alex dialect IR")),
    cl::sub(compileCommand), cl::sub(summaryCommand), cl::cat(alexcOptions));

static cl::opt<Emit>
    emit("emit", cl::desc("What to write (default: exe)"),
         cl::init(Emit::Executable),
         cl::values(clEnumValN(Emit::AST, "ast", "the parsed syntax tree"),
                    clEnumValN(Emit::MLIR, "mlir", "alex IR from the frontend"),
                    clEnumValN(Emit::TrainStep, "train-step",
                               "+ @train_step: gradients and SGD updates"),
                    clEnumValN(Emit::Partitioned, "partitioned",
                               "one function per device"),
                    clEnumValN(Emit::Fused, "fused",
                               "layers fused with their epilogues"),
                    clEnumValN(Emit::Loops, "loops",
                               "functions over buffers: loops and sgemm calls"),
                    clEnumValN(Emit::Kernels, "kernels",
                               "every buffer access in a kernel mapped to "
                               "GPU blocks and threads (cuda, cpu-twin)"),
                    clEnumValN(Emit::LLVM, "llvm", "the LLVM dialect"),
                    clEnumValN(Emit::LLVMIR, "llvm-ir", "LLVM IR, optimized"),
                    clEnumValN(Emit::Object, "obj", "an object file"),
                    clEnumValN(Emit::Executable, "exe",
                               "an executable with train, eval and bench")),
         cl::sub(compileCommand), cl::cat(alexcOptions));

static cl::opt<int64_t>
    batchOverride("batch", cl::desc("Images per step (default: the model's)"),
                  cl::init(0), cl::sub(compileCommand), cl::sub(summaryCommand),
                  cl::cat(alexcOptions));

static cl::opt<std::string> outputFilename(
    "o",
    cl::desc("Output file (default: stdout for text, the model's "
             "file name for an executable)"),
    cl::value_desc("file"), cl::sub(compileCommand), cl::cat(alexcOptions));

static cl::opt<bool>
    printLocations("print-locations",
                   cl::desc("Print source locations in emitted IR"),
                   cl::sub(compileCommand), cl::cat(alexcOptions));

static cl::opt<bool>
    fuse("fuse",
         cl::desc("Fuse each layer with its epilogue (default: on; "
                  "--fuse=false keeps one kernel per op)"),
         cl::init(true), cl::sub(compileCommand), cl::sub(summaryCommand),
         cl::cat(alexcOptions));

static cl::opt<int64_t>
    devices("devices",
            cl::desc("Devices (towers) to split each step across (default: the "
                     "model's `devices`)"),
            cl::init(0), cl::sub(compileCommand), cl::sub(summaryCommand),
            cl::cat(alexcOptions));

static cl::opt<int64_t> replicas(
    "replicas",
    cl::desc("Data-parallel replicas, one process each under mpirun, each "
             "computing batch / replicas images a step (default: the "
             "model's `replicas`)"),
    cl::init(0), cl::sub(compileCommand), cl::sub(summaryCommand),
    cl::cat(alexcOptions));

static cl::opt<bool> checkBounds(
    "check-bounds",
    cl::desc("Check every buffer access of the compiled code at run time "
             "(slow; for debugging kernels)"),
    cl::sub(compileCommand), cl::cat(alexcOptions));

static cl::opt<alex::CodeTarget, false, NamedValueParser<alex::CodeTarget>>
    target(
        "target",
        cl::desc("What the code runs on: cpu, cuda (kernels on an NVIDIA GPU, "
                 "GEMMs in cuBLAS) or cpu-twin (the cuda target's kernels run "
                 "as CPU loops, for testing). Default: cuda when this alexc "
                 "has CUDA support and a CUDA device is present, else cpu"),
        alex::codeTargetValues(), cl::sub(compileCommand),
        cl::sub(summaryCommand), cl::cat(alexcOptions));

static cl::opt<std::string>
    gpuName("gpu",
            cl::desc("summary --target=cuda: estimate each training step's "
                     "time on this GPU, h100 (default) or h200 (see "
                     "docs/GpuModel.md)"),
            cl::init("h100"), cl::sub(summaryCommand), cl::cat(alexcOptions));

static cl::opt<alexrt::Precision, false, NamedValueParser<alexrt::Precision>>
    precision(
        "precision",
        cl::desc("GEMM and convolution precision (default: the model's "
                 "`precision`, else fp32): fp32 (strict), tf32 (cuda: cuBLAS "
                 "and cuDNN may use TF32 tensor cores) or bf16 (products of "
                 "bf16 operands, fp32 accumulation; CPUs with AVX512_BF16 or "
                 "AMX, and GPUs). LRN, loss, parameters and updates stay "
                 "fp32"),
        alex::precisionValues(), cl::init(alexrt::Precision::FP32),
        cl::sub(compileCommand), cl::sub(summaryCommand),
        cl::cat(alexcOptions));

static cl::opt<std::string> convolutions(
    "convolutions",
    cl::desc("GPU targets' convolutions: library (default: the runtime's, "
             "cuDNN on cuda, without im2col matrices) or im2col (im2col "
             "loops and one GEMM a group over the batch)"),
    cl::init("library"), cl::sub(compileCommand), cl::sub(summaryCommand),
    cl::cat(alexcOptions));

/// Reads --convolutions into `options`; false after printing why not.
static bool chooseConvolutions(alex::PipelineOptions &options) {
  if (convolutions != "library" && convolutions != "im2col") {
    llvm::WithColor::error(llvm::errs(), "alexc")
        << "unknown --convolutions '" << convolutions
        << "': expected library or im2col\n";
    return false;
  }
  if (convolutions.getNumOccurrences() &&
      options.target == alex::CodeTarget::CPU) {
    llvm::WithColor::error(llvm::errs(), "alexc")
        << "--convolutions applies to --target=cuda and cpu-twin (the cpu "
           "target convolves fp32 with im2col and GEMMs sized for its caches, "
           "bf16 with oneDNN's direct convolutions)\n";
    return false;
  }
  options.libraryConvolutions = convolutions == "library";
  if (alexrt::convertsOperands(options.precision) &&
      options.target != alex::CodeTarget::CPU) {
    // cuDNN's convolutions take fp32 operands as alexc calls them.
    if (convolutions.getNumOccurrences() && options.libraryConvolutions) {
      llvm::WithColor::error(llvm::errs(), "alexc")
          << "--convolutions=library computes in fp32 or tf32: precision "
          << alexrt::precisionName(options.precision)
          << " convolves with --convolutions=im2col (the default for it)\n";
      return false;
    }
    options.libraryConvolutions = false;
  }
  return true;
}

/// The precision the model computes in: --precision, written into the
/// module's recipe so every pass reads the one value, else the recipe's
/// (the .model's `precision`, fp32 by default).
static alexrt::Precision resolvePrecision(ModuleOp module) {
  auto training =
      module->getAttrOfType<alex::TrainingAttr>(alex::kTrainingAttrName);
  if (!precision.getNumOccurrences())
    return training ? training.getPrecision() : alexrt::Precision::FP32;
  if (training && training.getPrecision() != precision)
    module->setAttr(alex::kTrainingAttrName, training.withPrecision(precision));
  return precision;
}

static bool isMLIRInput() {
  if (inputKind.getNumOccurrences())
    return inputKind == InputKind::MLIR;
  return llvm::StringRef(inputFilename).ends_with(".mlir");
}

/// Reads the input into `sourceMgr`; false after printing why not.
static bool readInput(llvm::SourceMgr &sourceMgr) {
  std::string message;
  auto file = openInputFile(inputFilename, &message);
  if (!file) {
    llvm::WithColor::error(llvm::errs(), "alexc") << message << "\n";
    return false;
  }
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  return true;
}

/// --target, or without it the one this machine runs: cuda when this alexc
/// has CUDA support and a CUDA device is present, else cpu.
static alex::CodeTarget chosenTarget() {
  if (target.getNumOccurrences())
    return target;
  return alex::cudaAvailable() ? alex::CodeTarget::CUDA : alex::CodeTarget::CPU;
}

/// The module for the input, from .model source or IR; null after errors.
static OwningOpRef<ModuleOp> loadModule(llvm::SourceMgr &sourceMgr,
                                        MLIRContext &context) {
  if (isMLIRInput()) {
    if (replicas.getNumOccurrences()) {
      llvm::WithColor::error(llvm::errs(), "alexc")
          << "--replicas needs a .model input (IR has its batch per replica "
             "built in; run --alex-replicate on it instead)\n";
      return nullptr;
    }
    return parseSourceFile<ModuleOp>(sourceMgr, &context);
  }
  alex::RecipeOverrides overrides;
  if (batchOverride.getNumOccurrences())
    overrides.batch = batchOverride;
  if (replicas.getNumOccurrences())
    overrides.replicas = replicas;
  // A model's precision the target lacks is an error at its key (the
  // flag's is checked with the target).
  if (!precision.getNumOccurrences())
    overrides.gpuTarget = chosenTarget() == alex::CodeTarget::CUDA;
  return alex::importModel(sourceMgr, context, overrides);
}

/// The output path: -o, else stdout for text, else `default`.
static std::string outputPath(llvm::StringRef fallback) {
  if (!outputFilename.empty())
    return outputFilename;
  return fallback.str();
}

static int writeOutput(llvm::function_ref<void(llvm::raw_ostream &)> print) {
  std::string message;
  auto output = openOutputFile(outputPath("-"), &message);
  if (!output) {
    llvm::WithColor::error(llvm::errs(), "alexc") << message << "\n";
    return 1;
  }
  print(output->os());
  output->keep();
  return 0;
}

static Stage stageOf(Emit what) {
  switch (what) {
  case Emit::AST:
    return Stage::AST;
  case Emit::MLIR:
    return Stage::MLIR;
  case Emit::TrainStep:
    return Stage::TrainStep;
  case Emit::Partitioned:
    return Stage::Partitioned;
  case Emit::Fused:
    return Stage::Fused;
  case Emit::Loops:
    return Stage::Loops;
  case Emit::Kernels:
    return Stage::Kernels;
  default:
    return Stage::LLVM;
  }
}

/// Refuses options that IR at stage `from` has decided already: they would
/// be ignored (its batch, its devices, the target its loops were made for,
/// its convolutions).
/// Whether --precision can still apply to IR at stage `from`: the fused
/// stage has its products marked (bf16), the loops stage its descriptor.
static LogicalResult checkPrecisionChoice(ModuleOp module, Stage from) {
  auto training =
      module->getAttrOfType<alex::TrainingAttr>(alex::kTrainingAttrName);
  if (!precision.getNumOccurrences() || !training ||
      training.getPrecision() == precision)
    return success();
  bool marks = alexrt::convertsOperands(precision) ||
               alexrt::convertsOperands(training.getPrecision());
  if (from >= Stage::Loops || (from >= Stage::Fused && marks)) {
    llvm::WithColor::error(llvm::errs(), "alexc")
        << "this IR was made for precision "
        << alexrt::precisionName(training.getPrecision())
        << (from >= Stage::Loops ? " (its descriptor is built)"
                                 : " (its products are marked)")
        << ": --precision=" << alexrt::precisionName(precision)
        << " applies to IR before the "
        << (from >= Stage::Loops ? "loops" : "fused") << " stage\n";
    return failure();
  }
  return success();
}

static LogicalResult checkChoicesMadeBy(ModuleOp module, Stage from) {
  auto refuse = [](const llvm::Twine &message) {
    llvm::WithColor::error(llvm::errs(), "alexc") << message << "\n";
    return failure();
  };
  if (batchOverride.getNumOccurrences())
    return refuse("--batch needs a .model input: IR has its batch built in "
                  "(compile the .model with --batch, then --emit the stage)");
  if (devices.getNumOccurrences() && from >= Stage::Partitioned)
    return refuse("this IR is split into devices already (the partitioned "
                  "stage or later): --devices applies to IR before it");
  if (failed(checkPrecisionChoice(module, from)))
    return failure();
  if (from < Stage::Loops)
    return success();
  if (convolutions.getNumOccurrences())
    return refuse("this IR is lowered to loops already: --convolutions "
                  "applies to IR before the loops stage");
  bool gpuShaped =
      from >= Stage::Kernels || module->hasAttr(alex::kGpuKernelsAttrName);
  if (target.getNumOccurrences() &&
      gpuShaped != (target != alex::CodeTarget::CPU))
    return refuse("this IR's loops were made for " +
                  llvm::Twine(gpuShaped ? "the GPU targets (cuda, cpu-twin)"
                                        : "the cpu target") +
                  ", not --target=" + alex::codeTargetName(target) +
                  ": compile IR from before the loops stage for it");
  return success();
}

/// The target the executable links the runtime of.
static alex::CodeTarget linkedTarget = alex::CodeTarget::CPU;

/// Fills the target options from --target and --precision; false after
/// printing why they do not fit together.
static LogicalResult chooseTarget(alex::PipelineOptions &options) {
  auto fail = [](const llvm::Twine &message) {
    llvm::WithColor::error(llvm::errs(), "alexc") << message << "\n";
    return failure();
  };
  options.target = chosenTarget();
  // The kernels stage is the GPU targets' (the same for cuda and its CPU
  // twin, which needs no toolkit).
  if (!target.getNumOccurrences() && emit == Emit::Kernels &&
      options.target == alex::CodeTarget::CPU)
    options.target = alex::CodeTarget::CPUTwin;
  if (alexrt::needsGpu(options.precision) &&
      options.target != alex::CodeTarget::CUDA)
    return fail(llvm::Twine(precision.getNumOccurrences()
                                ? "--precision="
                                : "the model's precision ") +
                alexrt::precisionName(options.precision) + " " +
                alexrt::kNeedsGpuReason);
  if (options.target == alex::CodeTarget::CUDA) {
    if (checkBounds)
      return fail("--check-bounds works on the cpu and cpu-twin targets");
    std::optional<std::string> toolkit = alex::cudaToolkit();
    if (!toolkit)
      return fail("--target=cuda needs the CUDA toolkit (ptxas, fatbinary): "
                  "set CUDA_HOME, or use --target=cpu");
    options.cudaToolkit = *toolkit;
  }
  if (emit == Emit::Kernels && options.target == alex::CodeTarget::CPU)
    return fail("--emit=kernels shows the cuda target's kernels: add "
                "--target=cuda or --target=cpu-twin");
  return success();
}

/// Whether `module` (at the LLVM stage) sums across replicas: built for
/// more than one (--alex-replicate).
static bool replicated(ModuleOp module) {
  return module.lookupSymbol(alexrt::calls::kReplicaSumStart) != nullptr;
}

/// Fails, saying so, unless `path` (an output) can be written: not a
/// folder, writable if it exists (a device such as /dev/null included),
/// else in a folder that exists and may be written.
static LogicalResult checkOutput(llvm::StringRef path) {
  auto refuse = [&](const llvm::Twine &why) {
    llvm::WithColor::error(llvm::errs(), "alexc")
        << "cannot write '" << path << "': " << why << "\n";
    return failure();
  };
  if (path.empty() || path == "-")
    return success();
  if (llvm::sys::fs::is_directory(path))
    return refuse("it is a folder");
  if (llvm::sys::fs::exists(path))
    return llvm::sys::fs::access(path, llvm::sys::fs::AccessMode::Write)
               ? refuse("permission denied")
               : success();
  llvm::SmallString<128> folder(llvm::sys::path::parent_path(path));
  if (folder.empty())
    folder = ".";
  if (!llvm::sys::fs::is_directory(folder))
    return refuse("no folder '" + folder + "' to write in");
  if (llvm::sys::fs::access(folder, llvm::sys::fs::AccessMode::Write))
    return refuse("folder '" + folder + "' is not writable");
  return success();
}

/// Warns when training takes more memory than this machine has: the
/// step's buffers (`heapBytes`) and the parameters and momenta.
static void warnPastMemory(int64_t heapBytes, int64_t parameterBytes) {
  int64_t total = heapBytes + parameterBytes;
  int64_t machine =
      int64_t(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
  if (machine <= 0 || total <= machine)
    return;
  llvm::WithColor::warning(llvm::errs(), "alexc")
      << "training takes " << llvm::format("%.1f", total / 1e9)
      << " GB of memory (the step's buffers "
      << llvm::format("%.1f", heapBytes / 1e9)
      << " GB), more than this machine's "
      << llvm::format("%.1f", machine / 1e9)
      << " GB: the executable will refuse to train here (a smaller --batch "
         "fits)\n";
}

/// Object file and executable: translate, optimize, emit, link.
static int writeBinary(ModuleOp module) {
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      alex::translateForHost(module, llvmContext);
  if (!llvmModule)
    return 1;
  if (emit == Emit::LLVMIR)
    return writeOutput(
        [&](llvm::raw_ostream &os) { llvmModule->print(os, nullptr); });

  llvm::StringRef stem = llvm::sys::path::stem(inputFilename);
  if (emit == Emit::Object)
    return failed(
        alex::writeObject(*llvmModule, outputPath((stem + ".o").str())));

  llvm::SmallString<128> object;
  if (llvm::sys::fs::createTemporaryFile("alexc", "o", object)) {
    llvm::WithColor::error(llvm::errs(), "alexc")
        << "cannot create a temporary object file\n";
    return 1;
  }
  llvm::FileRemover removeObject(object);
  if (failed(alex::writeObject(*llvmModule, object)) ||
      failed(alex::linkExecutable(object, outputPath(stem),
                                  linkedTarget == alex::CodeTarget::CUDA,
                                  replicated(module))))
    return 1;
  return 0;
}

static int runCompile(llvm::SourceMgr &sourceMgr, MLIRContext &context) {
  if (emit == Emit::AST) {
    if (isMLIRInput()) {
      llvm::WithColor::error(llvm::errs(), "alexc")
          << "--emit=ast needs a .model input\n";
      return 1;
    }
    alex::Parser parser(sourceMgr, sourceMgr.getMainFileID());
    std::unique_ptr<alex::ModelAST> ast = parser.parseModel();
    if (!ast)
      return 1;
    return writeOutput(
        [&](llvm::raw_ostream &os) { alex::dumpAST(*ast, sourceMgr, os); });
  }

  OwningOpRef<ModuleOp> module = loadModule(sourceMgr, context);
  if (!module)
    return 1;
  // IR re-enters at the stage it is at (-x mlir).
  Stage from = alex::detectStage(*module), to = stageOf(emit);
  if (from > to) {
    llvm::WithColor::error(llvm::errs(), "alexc")
        << "the input is already past the stage --emit asks for\n";
    return 1;
  }
  if (isMLIRInput() && failed(checkChoicesMadeBy(*module, from)))
    return 1;
  // Where the output goes, before the work (not a linker's error after it).
  llvm::StringRef stem = llvm::sys::path::stem(inputFilename);
  std::string output = emit == Emit::Executable ? outputPath(stem)
                       : emit == Emit::Object ? outputPath((stem + ".o").str())
                                              : outputFilename.getValue();
  if (failed(checkOutput(output)))
    return 1;
  // Parameters and momenta, host floats, for the memory check below.
  int64_t parameterBytes = 0;
  for (auto param : module->getOps<alex::ParamOp>())
    parameterBytes +=
        8 * cast<RankedTensorType>(param.getType()).getNumElements();
  PassManager pm(&context);
  alex::PipelineOptions options;
  options.fuse = fuse;
  options.checkBounds = checkBounds;
  options.devices = devices;
  options.precision = resolvePrecision(*module);
  options.hostConvertsBf16 = alex::hostConvertsBf16();
  if (failed(chooseTarget(options)) || !chooseConvolutions(options))
    return 1;
  // IR lowered to loops goes on for the target its loops were made for:
  // the GPU's (CUDA where there is one, else its CPU twin) or the CPU's,
  // which has no kernels stage.
  if (from >= Stage::Loops && !target.getNumOccurrences()) {
    bool gpuShaped =
        from >= Stage::Kernels || (*module)->hasAttr(alex::kGpuKernelsAttrName);
    if (!gpuShaped && emit == Emit::Kernels) {
      llvm::WithColor::error(llvm::errs(), "alexc")
          << "this IR's loops were made for the cpu target, which has no "
             "kernels stage: --emit=kernels needs IR from before the loops "
             "stage\n";
      return 1;
    }
    options.target = !gpuShaped              ? alex::CodeTarget::CPU
                     : alex::cudaAvailable() ? alex::CodeTarget::CUDA
                                             : alex::CodeTarget::CPUTwin;
  }
  alex::buildPipeline(pm, from, to, options);
  if (failed(pm.run(*module)))
    return 1;
  linkedTarget = options.target;
  if (auto heap =
          (*module)->getAttrOfType<IntegerAttr>(alex::kHeapBytesAttrName))
    warnPastMemory(heap.getInt(), parameterBytes);
  if (emit == Emit::LLVMIR || emit == Emit::Object || emit == Emit::Executable)
    return writeBinary(*module);
  OpPrintingFlags flags;
  if (printLocations)
    flags.enableDebugInfo();
  return writeOutput([&](llvm::raw_ostream &os) {
    module->print(os, flags);
    os << "\n";
  });
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // alexc's version, and the LLVM and MLIR it is built on.
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "alexc " << ALEXC_VERSION << " (LLVM and MLIR " << LLVM_VERSION_STRING
       << ")\n";
  });
  // libLLVM registers hundreds of codegen flags; --help shows only ours.
  for (cl::SubCommand *command :
       {&cl::SubCommand::getTopLevel(), &compileCommand, &summaryCommand})
    cl::HideUnrelatedOptions(alexcOptions, *command);
  cl::ParseCommandLineOptions(
      argc, argv, "alexc: compile and train AlexNet-style models\n");
  if (!compileCommand && !summaryCommand) {
    llvm::WithColor::error(llvm::errs(), "alexc")
        << "expected a command: compile or summary (see alexc --help)\n";
    return 1;
  }
  if (batchOverride.getNumOccurrences() &&
      (batchOverride < 1 || batchOverride > (int64_t(1) << 31) - 1)) {
    llvm::WithColor::error(llvm::errs(), "alexc")
        << "--batch must be a positive number of images, got " << batchOverride
        << "\n";
    return 1;
  }
  if (replicas.getNumOccurrences() && (replicas < 1 || replicas > 65536)) {
    llvm::WithColor::error(llvm::errs(), "alexc")
        << "--replicas must be 1 to 65536 processes, got " << replicas << "\n";
    return 1;
  }

  DialectRegistry registry;
  alex::registerStageDialects(registry);
  MLIRContext context(registry);
  context.loadDialect<alex::AlexDialect, func::FuncDialect>();
  // The source line and caret say where; the generic op dump adds noise.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  if (!readInput(sourceMgr))
    return 1;
  // Errors from the IR (parser, verifier, MLIRGen) print like the
  // frontend's: file:line:col, the source line and a caret.
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  if (compileCommand)
    return runCompile(sourceMgr, context);

  OwningOpRef<ModuleOp> module = loadModule(sourceMgr, context);
  alex::PipelineOptions options;
  options.fuse = fuse;
  options.devices = devices;
  // The kernels stage is the same for cuda and cpu-twin: no toolkit needed.
  // Without --target, the one compile would pick.
  std::optional<alex::GpuModel> gpu = alex::gpuModel(gpuName);
  if (!gpu) {
    llvm::WithColor::error(llvm::errs(), "alexc")
        << "unknown --gpu '" << gpuName << "': expected h100 or h200\n";
    return 1;
  }
  options.target = chosenTarget();
  if (module && isMLIRInput() &&
      failed(checkPrecisionChoice(*module, alex::detectStage(*module))))
    return 1;
  options.precision = module ? resolvePrecision(*module) : precision;
  // Options of the GPU estimate without it would be ignored.
  if (options.target != alex::CodeTarget::CUDA &&
      (gpuName.getNumOccurrences() || alexrt::needsGpu(options.precision))) {
    llvm::WithColor::error(llvm::errs(), "alexc")
        << (alexrt::needsGpu(options.precision)
                ? "precision " +
                      std::string(alexrt::precisionName(options.precision))
                : std::string("--gpu"))
        << " applies to the GPU estimate: add --target=cuda\n";
    return 1;
  }
  // The toolkit whose ptxas reports each kernel's registers, if there is
  // one (empty: the summary says they were not measured).
  options.cudaToolkit = alex::cudaToolkit().value_or("");
  if (!chooseConvolutions(options))
    return 1;
  bool estimate = options.target == alex::CodeTarget::CUDA;
  if (!module || failed(alex::printSummary(*module, llvm::outs(), options,
                                           estimate ? &*gpu : nullptr)))
    return 1;
  return 0;
}
