//===- LoopBuilder.h - loop nests and BLAS calls over memrefs ---*- C++ -*-===//
//
// The vocabulary the loop kernels are written in: parallel loop nests
// (scf.parallel, which the CPU runs as loops and the GPU path maps to
// threads), sequential reductions (scf.for with an accumulator), scalar
// arithmetic, and calls into the runtime's GEMMs (alexrt_sgemm, or with
// bf16 products the conversions and alexrt_gemm_bf16).
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_PASSES_LOWERING_LOOPBUILDER_H
#define ALEX_PASSES_LOWERING_LOOPBUILDER_H

#include "runtime/Precision.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <tuple>

namespace alex {

/// Builds loops and arithmetic at one location.
class LoopBuilder {
public:
  /// `module` receives the runtime declarations calls need.
  LoopBuilder(mlir::ImplicitLocOpBuilder &b, mlir::ModuleOp module)
      : b(b), module(module) {}

  mlir::ImplicitLocOpBuilder &builder() { return b; }

  // Constants.
  mlir::Value index(int64_t value);
  mlir::Value f32(double value);
  mlir::Value i32(int64_t value);
  mlir::Value i64(int64_t value);

  // Index arithmetic.
  mlir::Value add(mlir::Value a, mlir::Value b);
  mlir::Value sub(mlir::Value a, mlir::Value b);
  mlir::Value mul(mlir::Value a, mlir::Value b);
  mlir::Value mul(mlir::Value a, int64_t b) { return mul(a, index(b)); }
  mlir::Value add(mlir::Value a, int64_t b) { return add(a, index(b)); }
  mlir::Value min(mlir::Value a, mlir::Value b);
  mlir::Value max(mlir::Value a, mlir::Value b);

  // Float arithmetic.
  mlir::Value fadd(mlir::Value a, mlir::Value b);
  mlir::Value fsub(mlir::Value a, mlir::Value b);
  mlir::Value fmul(mlir::Value a, mlir::Value b);
  mlir::Value fdiv(mlir::Value a, mlir::Value b);
  mlir::Value fmax(mlir::Value a, mlir::Value b);
  /// base^exponent.
  mlir::Value powf(mlir::Value base, double exponent);

  // Comparisons and choices.
  mlir::Value cmpi(mlir::arith::CmpIPredicate predicate, mlir::Value a,
                   mlir::Value b);
  mlir::Value cmpf(mlir::arith::CmpFPredicate predicate, mlir::Value a,
                   mlir::Value b);
  /// Logical and of two i1 values.
  mlir::Value both(mlir::Value a, mlir::Value b);
  mlir::Value select(mlir::Value condition, mlir::Value a, mlir::Value b);

  mlir::Value load(mlir::Value memref, mlir::ValueRange indices);
  void store(mlir::Value value, mlir::Value memref, mlir::ValueRange indices);
  /// A fresh buffer of `type`.
  mlir::Value alloc(mlir::MemRefType type);
  /// The module's static buffer `name` of `type` (declared on first use,
  /// 64-byte aligned; the runtime zeroes it before the first call, see
  /// --alex-heap-globals and alexrt_global_memory): memory that outlives a
  /// call of the function, or that other devices' functions reach.
  mlir::Value global(llvm::StringRef name, mlir::MemRefType type);

  /// for all i in [0, upper): body(i), in any order or at once.
  void parallel(llvm::ArrayRef<int64_t> upper,
                llvm::function_ref<void(mlir::ValueRange)> body);
  /// Sequential for i in [lower, upper) by `step`: body(i).
  void loop(mlir::Value lower, mlir::Value upper,
            llvm::function_ref<void(mlir::Value)> body, int64_t step = 1);
  /// Sequential fold: acc = body(i, acc) for i in [lower, upper).
  mlir::Value
  reduce(mlir::Value lower, mlir::Value upper, mlir::Value init,
         llvm::function_ref<mlir::Value(mlir::Value, mlir::Value)> body);
  mlir::Value
  reduce(int64_t upper, mlir::Value init,
         llvm::function_ref<mlir::Value(mlir::Value, mlir::Value)> body) {
    return reduce(index(0), index(upper), init, body);
  }
  /// if (condition) body().
  void when(mlir::Value condition, llvm::function_ref<void()> body);

  /// A row-major matrix view for a GEMM: (buffer, element offset, leading
  /// dimension).
  struct Matrix {
    mlir::Value buffer;
    mlir::Value offset;
    int64_t ld;
  };
  /// C = alpha op(A) op(B) + beta C in the precision of products set by
  /// ProductsIn: alexrt_sgemm for fp32; for bf16, alexrt_gemm_bf16 (fp32
  /// C) on A and B as stored, after loops rounding those that are f32.
  void gemm(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k,
            double alpha, Matrix a, Matrix bm, double beta, Matrix c);

  /// Packed `buffer` with its trailing dimensions collapsed into one until
  /// that one holds 64 elements or only the first dimension is left: a
  /// loop along it is one long vector loop, the leading dimensions are the
  /// threads' (16 x 256 x 13 x 13 becomes 16 x 256 x 169, a filter's
  /// 192 x 256 x 3 x 3 is 192 x 2304). `buffer` itself if nothing
  /// collapses.
  mlir::Value withLongRows(mlir::Value buffer);

  /// What the open kernel's products compute in (its alex.precision).
  alexrt::Precision currentProducts() const { return products; }
  /// A pointer to packed `tensor` in bf16, for a runtime call taking bf16
  /// operands: `tensor` itself if it is bf16, its kept copy if it is
  /// unchanged (see markUnchanged), else a copy rounded into operand
  /// `slot`'s scratch. With `firstRow`, to that row of `tensor` (its
  /// first dimension's), of which a call reads `rowCount`.
  mlir::Value bf16Pointer(mlir::Value tensor, unsigned slot,
                          mlir::Value firstRow = {}, int64_t rowCount = 0);

  /// The element type GEMM operands are in for the current products: bf16
  /// where they are converted, else f32. Kernels that write a GEMM operand
  /// of their own (im2col's columns) write it in this type.
  mlir::Type operandType();
  /// `value` (f32) as a `type` element: rounded to nearest even if narrower.
  mlir::Value convertTo(mlir::Value value, mlir::Type type);

  /// Declares that `buffer` (a parameter or rows of one, a kernel's result,
  /// a function input) keeps its values until markChanged: a GEMM operand
  /// read from it is converted to bf16 once, whole, before the first
  /// kernel that reads it, and every later kernel reuses that copy (the
  /// filters across a convolution's chunks; a layer's weights, input and
  /// output gradient in its forward and backward passes).
  void markUnchanged(mlir::Value buffer) { unchanged.insert(buffer); }
  /// `view` (a reshaped view of `source`) keeps its values while `source`
  /// does: unchanged now if `source` is, changed with it.
  void markViewOf(mlir::Value view, mlir::Value source);
  /// `copy` (bf16, `buffer`'s layout) holds `buffer`'s values rounded, and
  /// outlives the function (a weight's copy kept between steps): while
  /// `buffer` is unchanged, its GEMM and convolution operands read `copy`.
  void useKeptCopy(mlir::Value buffer, mlir::Value copy) {
    persistentCopies[buffer] = copy;
  }
  /// `buffer` is about to change (its SGD update): its copy is freed.
  void markChanged(mlir::Value buffer);
  /// Frees the copies still kept (at the function's end).
  void freeKeptOperands();

  /// One op's kernel, built while it lives: its products' precision (the
  /// op's alex.precision), and their scratch buffers (packed bf16
  /// operands), allocated before the kernel, where the memory plan sees
  /// them, reused by each GEMM or runtime call of the same operand shape
  /// and freed after the kernel.
  class KernelScope {
  public:
    KernelScope(LoopBuilder &lb, alexrt::Precision precision);
    ~KernelScope();

  private:
    LoopBuilder &lb;
    alexrt::Precision savedProducts;
  };

  /// A raw pointer to element `offset` of `buffer` (after any offset of the
  /// view itself), for runtime calls.
  mlir::Value pointer(mlir::Value buffer, mlir::Value offset) {
    return pointer(Matrix{buffer, offset, 0});
  }
  /// Calls the runtime function `name` (declared in the module on first
  /// use, returning nothing) with `args`.
  void call(llvm::StringRef name, mlir::ValueRange args);
  /// Calls the runtime function `name`, which returns one `result`.
  mlir::Value call(llvm::StringRef name, mlir::ValueRange args,
                   mlir::Type result);

private:
  mlir::Value pointer(Matrix matrix);
  /// The operands of alexrt_sgemm and alexrt_gemm_bf16 (RuntimeCalls.h).
  llvm::SmallVector<mlir::Value> gemmOperands(bool transposeA, bool transposeB,
                                              int64_t m, int64_t n, int64_t k,
                                              double alpha, Matrix a, Matrix bm,
                                              double beta, Matrix c);
  /// The bf16 copy of a buffer marked unchanged (made on first use), if it
  /// is one.
  mlir::Value convertedWhole(mlir::Value buffer);
  /// X (rows x cols, as stored) in bf16: `x` itself (or a parameter's
  /// copy) if it is bf16 already, else rounded into a packed scratch
  /// buffer of operand `slot`.
  Matrix bf16Operand(int64_t rows, int64_t cols, Matrix x, unsigned slot);

  /// A scratch buffer of `type` for operand `slot` (0: A, 1: B) of the
  /// open KernelScope's GEMMs.
  mlir::Value scratch(mlir::MemRefType type, unsigned slot);
  /// Moves the builder to where the open KernelScope allocates: the
  /// function's top level, just before the kernel.
  void atScratchPoint();

  mlir::ImplicitLocOpBuilder &b;
  mlir::ModuleOp module;
  alexrt::Precision products = alexrt::Precision::FP32;
  /// The open KernelScope's: where its scratch buffers are allocated (after
  /// `scratchAfter`, or at the block's start if null) and which there are.
  bool inKernel = false;
  mlir::Block *scratchBlock = nullptr;
  mlir::Operation *scratchAfter = nullptr;
  llvm::SmallVector<std::tuple<mlir::Type, unsigned, mlir::Value>>
      scratchBuffers;
  /// Buffers marked unchanged, and the bf16 copies made of them.
  llvm::SmallPtrSet<mlir::Value, 16> unchanged;
  /// The views of each buffer (markViewOf).
  llvm::DenseMap<mlir::Value, llvm::SmallVector<mlir::Value, 1>> views;
  llvm::DenseMap<mlir::Value, mlir::Value> keptOperands;
  /// Copies made outside this builder (useKeptCopy), never freed by it.
  llvm::DenseMap<mlir::Value, mlir::Value> persistentCopies;
};

/// The runtime's GEMM, declared in `module` if not yet.
mlir::func::FuncOp declareSgemm(mlir::ModuleOp module);

} // namespace alex

#endif // ALEX_PASSES_LOWERING_LOOPBUILDER_H
