//===- alexc.cpp - the alexc compiler driver ------------------------------===//
//
//   alexc compile model.model [--emit=ast|mlir] [-o out] [-x model|mlir]
//   alexc summary model.model [-x model|mlir]
//
//===----------------------------------------------------------------------===//

#include "dialect/AlexDialect.h"
#include "frontend/AST.h"
#include "frontend/Frontend.h"
#include "frontend/Parser.h"
#include "passes/Pipeline.h"
#include "tools/alexc/Summary.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

namespace cl = llvm::cl;
using namespace mlir;

static cl::OptionCategory alexcOptions("alexc options");

static cl::SubCommand compileCommand("compile",
                                     "Compile a model (--emit picks the stage)");
static cl::SubCommand summaryCommand(
    "summary", "Print each layer's output shape, parameters and multiply-adds");

static cl::opt<std::string> inputFilename(cl::Positional, cl::Required,
                                          cl::desc("<input .model or .mlir>"),
                                          cl::sub(compileCommand),
                                          cl::sub(summaryCommand),
                                          cl::cat(alexcOptions));

namespace {
enum class InputKind { Model, MLIR };
} // namespace
using alex::Stage;

static cl::opt<InputKind> inputKind(
    "x", cl::desc("Input language (default: from the file extension)"),
    cl::values(clEnumValN(InputKind::Model, "model", ".model source"),
               clEnumValN(InputKind::MLIR, "mlir", "alex dialect IR")),
    cl::sub(compileCommand), cl::sub(summaryCommand), cl::cat(alexcOptions));

static cl::opt<Stage> emitStage(
    "emit", cl::desc("Stage to print"), cl::init(Stage::MLIR),
    cl::values(clEnumValN(Stage::AST, "ast", "the parsed syntax tree"),
               clEnumValN(Stage::MLIR, "mlir", "alex IR from the frontend"),
               clEnumValN(Stage::TrainStep, "train-step",
                          "+ @train_step: gradients and SGD updates"),
               clEnumValN(Stage::Loops, "loops",
                          "functions over buffers: loops and sgemm calls"),
               clEnumValN(Stage::LLVM, "llvm", "the LLVM dialect")),
    cl::sub(compileCommand), cl::cat(alexcOptions));

static cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                           cl::value_desc("file"),
                                           cl::init("-"),
                                           cl::sub(compileCommand),
                                           cl::cat(alexcOptions));

static cl::opt<bool> printLocations(
    "print-locations", cl::desc("Print source locations in emitted IR"),
    cl::sub(compileCommand), cl::cat(alexcOptions));

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

/// The module for the input, from .model source or IR; null after errors.
static OwningOpRef<ModuleOp> loadModule(llvm::SourceMgr &sourceMgr,
                                        MLIRContext &context) {
  if (isMLIRInput())
    return parseSourceFile<ModuleOp>(sourceMgr, &context);
  return alex::importModel(sourceMgr, context);
}

static int writeOutput(llvm::function_ref<void(llvm::raw_ostream &)> print) {
  std::string message;
  auto output = openOutputFile(outputFilename, &message);
  if (!output) {
    llvm::WithColor::error(llvm::errs(), "alexc") << message << "\n";
    return 1;
  }
  print(output->os());
  output->keep();
  return 0;
}

static int runCompile(llvm::SourceMgr &sourceMgr, MLIRContext &context) {
  if (emitStage == Stage::AST) {
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
  PassManager pm(&context);
  alex::buildPipeline(pm, emitStage);
  if (failed(pm.run(*module)))
    return 1;
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
  // libLLVM registers hundreds of codegen flags; --help shows only ours.
  for (cl::SubCommand *command :
       {&cl::SubCommand::getTopLevel(), &compileCommand, &summaryCommand})
    cl::HideUnrelatedOptions(alexcOptions, *command);
  cl::ParseCommandLineOptions(argc, argv,
                              "alexc: compile and train AlexNet-style models\n");
  if (!compileCommand && !summaryCommand) {
    llvm::WithColor::error(llvm::errs(), "alexc")
        << "expected a command: compile or summary (see alexc --help)\n";
    return 1;
  }

  MLIRContext context;
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
  if (!module || failed(alex::printSummary(*module, llvm::outs())))
    return 1;
  return 0;
}
