//===- KernelResources.h - GPU kernels' registers and spills ----*- C++ -*-===//
//
// `alexc summary --target=cuda` asks ptxas what each generated kernel
// needs: registers a thread (which bound how many threads an SM keeps in
// flight, the estimate's occupancy) and bytes spilled to local memory. No
// GPU is needed: the kernels are compiled for sm_90 as for the binary.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_TOOLS_ALEXC_KERNELRESOURCES_H
#define ALEX_TOOLS_ALEXC_KERNELRESOURCES_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace alex {

/// What ptxas reports of one kernel, and how it is launched.
struct KernelResources {
  std::string name;
  int64_t registers = 0; ///< A thread's.
  int64_t spillStores = 0, spillLoads = 0, stackBytes = 0;
  int64_t blockThreads = 0;
};

/// Per host function, its kernels in launch order.
using KernelResourceMap = llvm::StringMap<std::vector<KernelResources>>;

/// Compiles a copy of `kernelsStage` (IR at alexc's kernels stage) to PTX
/// with MLIR's NVVM target and has `toolkit`'s ptxas report each kernel's
/// resources for sm_90. Fails with ptxas's words if it fails.
llvm::Expected<KernelResourceMap>
measureKernelResources(mlir::ModuleOp kernelsStage, llvm::StringRef toolkit);

} // namespace alex

#endif // ALEX_TOOLS_ALEXC_KERNELRESOURCES_H
