//===- AlexDialect.h - the alex dialect: ops and attributes -----*- C++ -*-===//

#ifndef ALEX_DIALECT_ALEXDIALECT_H
#define ALEX_DIALECT_ALEXDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "runtime/Precision.h"

#include "dialect/AlexDialect.h.inc"
#include "dialect/AlexTraits.h"

namespace alex {
/// Parameters and momentum buffers, as a side-effect resource.
struct ParamResource : public mlir::SideEffects::Resource::Base<ParamResource> {
  llvm::StringRef getName() final { return "alex.param"; }
};
} // namespace alex

#define GET_ATTRDEF_CLASSES
#include "dialect/AlexAttrs.h.inc"

#include "dialect/AlexOpInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialect/AlexOps.h.inc"

namespace alex {
/// The layer a value or op came from, in the model's words: its NameLoc
/// (for a fused op, its layers' names joined by '+'; through call sites,
/// the callee's), else `fallback`.
std::string layerName(mlir::Location loc, llvm::StringRef fallback);

/// Name of the module attribute that holds the `#alex.training` recipe.
constexpr llvm::StringLiteral kTrainingAttrName = "alex.training";
/// Function attributes of the memory plan (--alex-plan-memory): the bytes
/// the function's temporaries need, and what they would need without reuse.
constexpr llvm::StringLiteral kWorkspaceBytesAttrName = "alex.workspace_bytes";
constexpr llvm::StringLiteral kUnplannedBytesAttrName = "alex.unplanned_bytes";
/// Module attribute of --alex-lower-to-loops with gpu-kernels: the loops
/// are the GPU targets' (cuda and its CPU twin), not the CPU target's.
constexpr llvm::StringLiteral kGpuKernelsAttrName = "alex.gpu_kernels";
/// Module attribute of --alex-heap-globals: the bytes of the buffers it
/// moved to the heap (what the runtime allocates before the first step).
constexpr llvm::StringLiteral kHeapBytesAttrName = "alex.heap_bytes";
/// Prefix of the module globals (--alex-lower-to-loops, CPU) holding a
/// weight's bf16 copy kept between steps: `alex_bf16_<param>`.
constexpr llvm::StringLiteral kBf16CopyPrefix = "alex_bf16_";
/// The device a device function of --alex-partition runs on.
constexpr llvm::StringLiteral kDeviceAttrName = "alex.device";
/// On a device function's result: the dimension (0 or 1) of which the
/// function returns its device's block; without it, the whole value.
constexpr llvm::StringLiteral kBlockDimAttrName = "alex.block_dim";
/// Module attribute of --alex-profile-layers: the profiled regions
/// ({layer, phase, flops} dictionaries), indexed by alex.profile_mark.
constexpr llvm::StringLiteral kProfileRegionsAttrName = "alex.profile_regions";
/// An op's `#alex.precision`: its products' operand format
/// (--alex-mixed-precision).
constexpr llvm::StringLiteral kPrecisionAttrName = "alex.precision";
/// The precision of `op`'s products: its `alex.precision`, else fp32.
alexrt::Precision productPrecision(mlir::Operation *op);

} // namespace alex

#endif // ALEX_DIALECT_ALEXDIALECT_H
