//===- GlobalBuffers.h - the static buffers of a lowered step ---*- C++ -*-===//
//
// What --alex-device-globals (CUDA: device memory) and --alex-heap-globals
// (CPU: memory the runtime allocates) move out of the executable: the
// module globals that hold a step's buffers (workspaces, exchange
// buffers), as memref.global lowers them.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_PASSES_LOWERING_GLOBALBUFFERS_H
#define ALEX_PASSES_LOWERING_GLOBALBUFFERS_H

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#include <optional>

namespace alex {

/// Bytes of a global's value type (arrays of scalars, as memref.global
/// lowers), or nullopt for anything else.
inline std::optional<int64_t> bufferBytes(mlir::Type type) {
  if (auto array = mlir::dyn_cast<mlir::LLVM::LLVMArrayType>(type)) {
    std::optional<int64_t> element = bufferBytes(array.getElementType());
    if (!element)
      return std::nullopt;
    return *element * int64_t(array.getNumElements());
  }
  if (type.isIntOrFloat())
    return int64_t(type.getIntOrFloatBitWidth() + 7) / 8;
  return std::nullopt;
}

/// A static buffer whose address `address` takes (a global the step
/// writes, not a constant such as the model descriptor), with its bytes;
/// a null global if it takes another's, and failure after a diagnostic
/// (`where` the buffer was to go) if the buffer's size is not known.
struct StaticBuffer {
  mlir::LLVM::GlobalOp global;
  int64_t bytes = 0;
};
inline mlir::FailureOr<StaticBuffer>
staticBufferAt(mlir::ModuleOp module, mlir::LLVM::AddressOfOp address,
               llvm::StringRef where) {
  auto global = mlir::dyn_cast_or_null<mlir::LLVM::GlobalOp>(
      mlir::SymbolTable::lookupSymbolIn(module, address.getGlobalNameAttr()));
  if (!global || global.getConstant())
    return StaticBuffer();
  std::optional<int64_t> bytes = bufferBytes(global.getGlobalType());
  if (!bytes)
    return address.emitError("a buffer of unknown size cannot move to ")
           << where;
  // Its new memory starts zeroed: values it was given would be lost.
  bool undefined = false;
  if (mlir::Block *init = global.getInitializerBlock())
    undefined = llvm::isa_and_nonnull<mlir::LLVM::UndefOp, mlir::LLVM::ZeroOp>(
        init->getTerminator()->getOperand(0).getDefiningOp());
  if (global.getValueAttr() || (global.getInitializerBlock() && !undefined))
    return address.emitError("a buffer with initial values cannot move to ")
           << where;
  return StaticBuffer{global, *bytes};
}

} // namespace alex

#endif // ALEX_PASSES_LOWERING_GLOBALBUFFERS_H
