//===- KernelResources.cpp - each GPU kernel's registers and spills -------===//

#include "tools/alexc/KernelResources.h"

#include "passes/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace mlir;
using namespace alex;

namespace {

/// A temporary file, removed with this object.
struct TempFile {
  llvm::SmallString<128> path;
  explicit TempFile(llvm::StringRef suffix) {
    if (llvm::sys::fs::createTemporaryFile("alexc-kernels", suffix, path))
      path.clear();
  }
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};

llvm::Error problem(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Parses `ptxas -v`'s report into resources by kernel name.
std::map<std::string, KernelResources> parseReport(llvm::StringRef report) {
  llvm::Regex entry("Compiling entry function '([^']+)'"),
      frame("([0-9]+) bytes stack frame, ([0-9]+) bytes spill stores, "
            "([0-9]+) bytes spill loads"),
      used("Used ([0-9]+) registers");
  auto number = [](llvm::StringRef digits) {
    int64_t value = 0;
    digits.getAsInteger(10, value);
    return value;
  };
  std::map<std::string, KernelResources> kernels;
  KernelResources *current = nullptr;
  llvm::SmallVector<llvm::StringRef> lines, match;
  report.split(lines, '\n');
  for (llvm::StringRef line : lines) {
    if (entry.match(line, &match)) {
      current = &kernels[match[1].str()];
      current->name = match[1].str();
    } else if (current && frame.match(line, &match)) {
      current->stackBytes = number(match[1]);
      current->spillStores = number(match[2]);
      current->spillLoads = number(match[3]);
    } else if (current && used.match(line, &match)) {
      current->registers = number(match[1]);
    }
  }
  return kernels;
}

} // namespace

llvm::Expected<KernelResourceMap>
alex::measureKernelResources(ModuleOp kernelsStage, llvm::StringRef toolkit) {
  if (toolkit.empty())
    return problem("no CUDA toolkit: set CUDA_HOME");
  llvm::SmallString<128> ptxas(toolkit);
  llvm::sys::path::append(ptxas, "bin", "ptxas");
  if (!llvm::sys::fs::can_execute(ptxas))
    return problem("no ptxas in '" + toolkit + "'");

  OwningOpRef<ModuleOp> copy = kernelsStage.clone();
  PassManager toNVVM(kernelsStage.getContext()),
      toPtx(kernelsStage.getContext());
  buildKernelsToNVVM(toNVVM);
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa";   // PTX, for ptxas to compile here.
  binary.toolkitPath = toolkit.str(); // Its libdevice.
  toPtx.addPass(createGpuModuleToBinaryPass(binary));
  // A failure is reported once, in the summary's words, not per kernel.
  std::string firstError;
  ScopedDiagnosticHandler quiet(
      kernelsStage.getContext(), [&](Diagnostic &diagnostic) {
        if (firstError.empty() &&
            diagnostic.getSeverity() == DiagnosticSeverity::Error)
          firstError = diagnostic.str();
        return success();
      });
  if (failed(toNVVM.run(*copy)))
    return problem("lowering the kernels to NVVM failed: " + firstError);
  // Outlining names each kernel after its function, in a module of a
  // unique name: one ptxas run over every module's PTX needs unique
  // kernel names, so each takes its module's.
  copy->walk([&](gpu::LaunchFuncOp launch) {
    StringAttr module = launch.getKernelModuleName();
    if (launch.getKernelName() == module)
      return;
    auto kernels = copy->lookupSymbol<gpu::GPUModuleOp>(module);
    if (Operation *kernel = kernels.lookupSymbol(launch.getKernelName()))
      SymbolTable::setSymbolName(kernel, module);
    launch.setKernelAttr(
        SymbolRefAttr::get(module, {FlatSymbolRefAttr::get(module)}));
  });
  if (failed(toPtx.run(*copy)))
    return problem("compiling the kernels to PTX failed: " + firstError);

  // Every kernel module's PTX, one file each, compiled by one ptxas run.
  std::vector<std::unique_ptr<TempFile>> inputs;
  for (auto binaryOp : copy->getOps<gpu::BinaryOp>())
    for (Attribute object : binaryOp.getObjects()) {
      auto ptx = cast<gpu::ObjectAttr>(object).getObject().getValue();
      inputs.push_back(std::make_unique<TempFile>("ptx"));
      std::error_code ec;
      llvm::raw_fd_ostream out(inputs.back()->path, ec);
      if (ec)
        return problem("cannot write a temporary file: " + ec.message());
      // The PTX is NUL-terminated for the driver; ptxas wants text.
      out << ptx.rtrim('\0');
    }
  if (inputs.empty())
    return KernelResourceMap();
  TempFile report("txt"), cubin("cubin");
  llvm::SmallVector<std::string> argStrings = {
      ptxas.str().str(),     "-arch=sm_90", "-O3", "-v", "-o",
      cubin.path.str().str()};
  for (auto &input : inputs)
    argStrings.push_back(input->path.str().str());
  llvm::SmallVector<llvm::StringRef> args(argStrings.begin(), argStrings.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, report.path.str(),
                                                report.path.str()};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects,
                                         0, 0, &message);
  auto text = llvm::MemoryBuffer::getFile(report.path);
  std::string output = text ? (*text)->getBuffer().str() : "";
  if (status != 0)
    return problem("ptxas failed: " + (message.empty()
                                           ? llvm::StringRef(output).trim()
                                           : llvm::StringRef(message)));
  std::map<std::string, KernelResources> byName = parseReport(output);

  KernelResourceMap result;
  for (auto function : copy->getOps<func::FuncOp>()) {
    std::vector<KernelResources> &launched = result[function.getName()];
    function.walk([&](gpu::LaunchFuncOp launch) {
      KernelResources kernel;
      auto found = byName.find(launch.getKernelName().str());
      if (found != byName.end())
        kernel = found->second;
      kernel.name = launch.getKernelModuleName().str();
      kernel.blockThreads = 1;
      for (Value size : {launch.getBlockSizeX(), launch.getBlockSizeY(),
                         launch.getBlockSizeZ()})
        kernel.blockThreads *= getConstantIntValue(size).value_or(1);
      launched.push_back(kernel);
    });
  }
  return result;
}
