//===- FuzzFrontend.cpp - random damage to .model files must be diagnosed -===//
//
// Mutates seed models many times (flipped, deleted, inserted and duplicated
// bytes, truncation, swapped tokens) and runs the whole frontend on each.
// Passes when every input either compiles to verified IR or is rejected
// with at least one error, and nothing crashes.
//
//===----------------------------------------------------------------------===//

#include "dialect/AlexDialect.h"
#include "frontend/Frontend.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <random>

namespace cl = llvm::cl;

static cl::list<std::string> seedFiles(cl::Positional, cl::OneOrMore,
                                       cl::desc("<seed .model files>"));
static cl::opt<unsigned> iterations("iterations", cl::init(2000),
                                    cl::desc("Mutants per seed file"));
static cl::opt<unsigned> randomSeed("seed", cl::init(1),
                                    cl::desc("Random seed"));

/// Pieces worth splicing in: tokens of the language and hostile bytes.
static const char *const kFragments[] = {"=",
                                         "(",
                                         ")",
                                         "{",
                                         "}",
                                         ",",
                                         ".",
                                         "*",
                                         "#",
                                         "\"",
                                         "\n",
                                         "x",
                                         "0",
                                         "-1",
                                         "1e999",
                                         "99999999999999999999",
                                         "3x0x7",
                                         "groups=0",
                                         "stride=0",
                                         "kernel=1000",
                                         "filters=-4",
                                         "size=4",
                                         "rate=1",
                                         "conv(",
                                         "dense(",
                                         "relu1",
                                         "conv1",
                                         "network",
                                         "init",
                                         "model",
                                         "labels()",
                                         "\xff\xfe",
                                         std::string(1, '\0').c_str()};

/// Returns a damaged copy of `text`.
static std::string mutate(const std::string &text, std::mt19937 &rng) {
  std::string out = text;
  int edits = 1 + rng() % 4;
  for (int e = 0; e < edits; ++e) {
    size_t size = out.size();
    size_t at = size ? rng() % size : 0;
    switch (rng() % 7) {
    case 0: // flip a byte
      if (size)
        out[at] = static_cast<char>(rng() % 256);
      break;
    case 1: // delete a span
      if (size)
        out.erase(at, 1 + rng() % 16);
      break;
    case 2: { // insert a fragment
      const char *fragment = kFragments[rng() % std::size(kFragments)];
      out.insert(at, fragment[0] ? fragment : std::string(1, '\0'));
      break;
    }
    case 3: // truncate
      out.resize(at);
      break;
    case 4: { // duplicate a line elsewhere
      size_t from = out.rfind('\n', at);
      size_t to = out.find('\n', at);
      if (from != std::string::npos && to != std::string::npos)
        out.insert(size ? rng() % size : 0, out.substr(from, to - from));
      break;
    }
    case 5: // replace a digit with a big or zero value
      if (size && std::isdigit(static_cast<unsigned char>(out[at])))
        out.replace(at, 1, rng() % 2 ? "0" : "4096");
      break;
    case 6: // deep nesting
      out.insert(at, std::string(1 + rng() % 64, '('));
      break;
    }
  }
  return out;
}

int main(int argc, char **argv) {
  cl::ParseCommandLineOptions(argc, argv, "alexc frontend fuzz test\n");
  mlir::MLIRContext context;
  context.loadDialect<alex::AlexDialect, mlir::func::FuncDialect>();
  unsigned irErrors = 0;
  mlir::ScopedDiagnosticHandler countIRErrors(
      &context, [&](mlir::Diagnostic &diag) {
        if (diag.getSeverity() == mlir::DiagnosticSeverity::Error)
          ++irErrors;
        return mlir::success();
      });

  std::mt19937 rng(randomSeed);
  unsigned accepted = 0, rejected = 0, silent = 0;
  for (const std::string &path : seedFiles) {
    auto file = llvm::MemoryBuffer::getFile(path);
    if (!file) {
      llvm::errs() << "cannot read " << path << "\n";
      return 1;
    }
    std::string seedText = (*file)->getBuffer().str();
    for (unsigned i = 0; i < iterations; ++i) {
      std::string text = mutate(seedText, rng);
      llvm::SourceMgr sourceMgr;
      unsigned sourceErrors = 0;
      sourceMgr.setDiagHandler(
          [](const llvm::SMDiagnostic &diag, void *count) {
            if (diag.getKind() == llvm::SourceMgr::DK_Error)
              ++*static_cast<unsigned *>(count);
          },
          &sourceErrors);
      sourceMgr.AddNewSourceBuffer(
          llvm::MemoryBuffer::getMemBufferCopy(text, path), llvm::SMLoc());
      irErrors = 0;
      mlir::OwningOpRef<mlir::ModuleOp> module =
          alex::importModel(sourceMgr, context);
      if (module) {
        ++accepted;
        if (failed(mlir::verify(*module))) {
          llvm::errs() << "accepted IR fails to verify; input:\n" << text;
          return 1;
        }
      } else if (sourceErrors + irErrors == 0) {
        ++silent;
        llvm::errs() << "rejected without an error; input:\n" << text << "\n";
      } else {
        ++rejected;
      }
    }
  }
  llvm::outs() << "mutants: " << accepted + rejected + silent
               << ", accepted: " << accepted
               << ", rejected with errors: " << rejected
               << ", rejected silently: " << silent << "\n";
  return silent ? 1 : 0;
}
