//===- Codegen.cpp - object files and executables from LLVM-dialect IR ----===//

#include "tools/alexc/Codegen.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;

static llvm::raw_ostream &error() {
  return llvm::WithColor::error(llvm::errs(), "alexc");
}

/// A target machine for this CPU (the binary runs where it is built).
static std::unique_ptr<llvm::TargetMachine> hostMachine() {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getProcessTriple());
  std::string message;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, message);
  if (!target) {
    error() << "no code generator for " << triple.str() << ": " << message
            << "\n";
    return nullptr;
  }
  std::string features;
  for (auto &feature : llvm::sys::getHostCPUFeatures())
    features += (feature.second ? "+" : "-") + feature.first().str() + ",";
  // x86-64's medium code model: globals over 64 KiB (a step's static
  // workspace: over 2 GiB for the paper net's CPU-twin step at batch 128)
  // go to .lbss and are addressed with 64 bits; the rest stays near.
  std::optional<llvm::CodeModel::Model> model;
  if (triple.getArch() == llvm::Triple::x86_64)
    model = llvm::CodeModel::Medium;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, llvm::sys::getHostCPUName(), features, llvm::TargetOptions(),
      llvm::Reloc::PIC_, model, llvm::CodeGenOptLevel::Aggressive));
}

bool alex::hostConvertsBf16() {
  // What X86's instruction selection needs for every width of fptrunc to
  // bfloat without a libcall.
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  return (features.lookup("avx512bf16") && features.lookup("avx512vl")) ||
         features.lookup("avxneconvert");
}

std::unique_ptr<llvm::Module>
alex::translateForHost(ModuleOp module, llvm::LLVMContext &context) {
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  // gpu.binary and gpu.launch_func (CUDA target): the embedded kernels and
  // the mgpu* calls that load and launch them.
  registerGPUDialectTranslation(registry);
  gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
  registerNVVMDialectTranslation(registry);
  // The CPU target's threaded loops: calls into libomp.
  registerOpenMPDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);

  std::unique_ptr<llvm::TargetMachine> machine = hostMachine();
  if (!machine)
    return nullptr;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context);
  if (!llvmModule) {
    error() << "translation to LLVM IR failed\n";
    return nullptr;
  }
  llvmModule->setTargetTriple(machine->getTargetTriple());
  llvmModule->setDataLayout(machine->createDataLayout());
  auto optimize = makeOptimizingTransformer(3, 0, machine.get());
  if (llvm::Error failure = optimize(llvmModule.get())) {
    error() << "optimizing: " << llvm::toString(std::move(failure)) << "\n";
    return nullptr;
  }
  return llvmModule;
}

LogicalResult alex::writeObject(llvm::Module &module, llvm::StringRef path) {
  std::unique_ptr<llvm::TargetMachine> machine = hostMachine();
  if (!machine)
    return failure();
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error() << "cannot write '" << path << "': " << ec.message() << "\n";
    return failure();
  }
  llvm::legacy::PassManager pm;
  if (machine->addPassesToEmitFile(pm, out.os(), nullptr,
                                   llvm::CodeGenFileType::ObjectFile)) {
    error() << "this target cannot emit object files\n";
    return failure();
  }
  pm.run(module);
  out.keep();
  return success();
}

LogicalResult alex::linkExecutable(llvm::StringRef object,
                                   llvm::StringRef output, bool cuda,
                                   bool replicated) {
  // The C++ compiler and link flags the project was built with drive the
  // link; the runtime libraries sit in the build's lib/ (or
  // $ALEXRT_LIBRARY_DIR).
  std::string driver = ALEXC_LINK_DRIVER;
  std::string libraries = ALEXRT_LIBRARY_DIR;
  if (const char *dir = std::getenv("ALEXRT_LIBRARY_DIR"))
    libraries = dir;
  std::string libraryFlag = "-L" + libraries;
  std::string openmp = ALEXRT_OPENMP_LIBRARY;
  std::string openmpPath =
      "-Wl,-rpath," + llvm::sys::path::parent_path(openmp).str();
  llvm::SmallVector<llvm::StringRef> args = {driver, "-o", output, object,
                                             libraryFlag};
  // The communicators whole: the runtime reaches them through weak
  // references, which would not pull them out of an archive.
  llvm::SmallVector<llvm::StringRef> mpiLibraries, ncclLibraries;
  if (replicated) {
    args.push_back("-Wl,--whole-archive");
    if (cuda)
      args.push_back("-lalexrt_nccl");
    args.append({"-lalexrt_mpi", "-Wl,--no-whole-archive"});
    llvm::StringRef(ALEXRT_MPI_LIBRARIES).split(mpiLibraries, '|', -1, false);
    if (cuda)
      llvm::StringRef(ALEXRT_NCCL_LIBRARIES)
          .split(ncclLibraries, '|', -1, false);
  }
  // The runtime's archives refer to each other both ways (libalexrt's
  // Session calls the target's runEntryPoint): one group, so GNU ld, which
  // reads each archive once in order, resolves them as lld does.
  args.append({"-Wl,--start-group", "-lalexrt_main",
               cuda ? "-lalexrt_cuda" : "-lalexrt_cpu", "-lalexrt",
               "-Wl,--end-group"});
  if (cuda) {
    llvm::SmallVector<llvm::StringRef> cudaLibraries;
    llvm::StringRef(ALEXRT_CUDA_LIBRARIES).split(cudaLibraries, '|', -1, false);
    args.append(cudaLibraries.begin(), cudaLibraries.end());
    args.append({"-ldl", "-lrt"});
  } else {
    // libomp ahead of oneDNN (whose GOMP_* calls it then serves), found
    // where it was at build time.
    args.append({openmp, openmpPath, "-ldnnl"});
  }
  args.append(ncclLibraries.begin(), ncclLibraries.end());
  args.append(mpiLibraries.begin(), mpiLibraries.end());
  llvm::SmallVector<llvm::StringRef> imageLibraries;
  llvm::StringRef(ALEXRT_IMAGE_LIBRARIES).split(imageLibraries, '|', -1, false);
  args.append(imageLibraries.begin(), imageLibraries.end());
  args.append({"-lz", "-lpthread", "-lm"});
  // The build's link flags (sanitizers) and linker, which ALEXC_LINKER
  // replaces (bfd where lld is missing; empty: the compiler's default);
  // ALEXC_LDFLAGS adds the user's own last.
  std::string linker = ALEXC_LINKER, flags = ALEXC_LINK_FLAGS;
  if (const char *chosen = std::getenv("ALEXC_LINKER"))
    linker = chosen;
  if (!linker.empty())
    flags += " -fuse-ld=" + linker;
  if (const char *extra = std::getenv("ALEXC_LDFLAGS"))
    flags += std::string(" ") + extra;
  llvm::SmallVector<llvm::StringRef> flagList;
  llvm::StringRef(flags).split(flagList, ' ', -1, false);
  args.append(flagList.begin(), flagList.end());
  std::string message;
  int status =
      llvm::sys::ExecuteAndWait(driver, args, std::nullopt, {}, 0, 0, &message);
  if (status != 0) {
    error() << "linking '" << output << "' failed"
            << (message.empty() ? "" : ": " + message) << "\n";
    return failure();
  }
  return success();
}

std::optional<std::string> alex::cudaToolkit() {
  std::string path = ALEXC_CUDA_TOOLKIT;
  if (const char *home = std::getenv("CUDA_HOME"))
    path = home;
  llvm::SmallString<128> ptxas(path);
  llvm::sys::path::append(ptxas, "bin", "ptxas");
  if (path.empty() || !llvm::sys::fs::can_execute(ptxas))
    return std::nullopt;
  return path;
}

bool alex::cudaAvailable() {
  if (llvm::StringRef(ALEXRT_CUDA_LIBRARIES).empty() || !cudaToolkit())
    return false;
  // The driver API, looked up at run time: alexc itself links no CUDA.
  std::string message;
  auto driver =
      llvm::sys::DynamicLibrary::getPermanentLibrary("libcuda.so.1", &message);
  if (!driver.isValid())
    return false;
  using Init = int (*)(unsigned);
  using Count = int (*)(int *);
  auto init = reinterpret_cast<Init>(driver.getAddressOfSymbol("cuInit"));
  auto count =
      reinterpret_cast<Count>(driver.getAddressOfSymbol("cuDeviceGetCount"));
  int devices = 0;
  return init && count && init(0) == 0 && count(&devices) == 0 && devices > 0;
}
