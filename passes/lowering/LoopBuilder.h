//===- LoopBuilder.h - loop nests and BLAS calls over memrefs ---*- C++ -*-===//
//
// The vocabulary the loop kernels are written in: parallel loop nests
// (scf.parallel, which the CPU runs as loops and the GPU path maps to
// threads), sequential reductions (scf.for with an accumulator), scalar
// arithmetic, and calls into the runtime's alexrt_sgemm.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_PASSES_LOWERING_LOOPBUILDER_H
#define ALEX_PASSES_LOWERING_LOOPBUILDER_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

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

  /// alexrt_sgemm on row-major views: each matrix is (buffer, element
  /// offset, leading dimension).
  struct Matrix {
    mlir::Value buffer;
    mlir::Value offset;
    int64_t ld;
  };
  void sgemm(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k,
             double alpha, Matrix a, Matrix bm, double beta, Matrix c);

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

  mlir::ImplicitLocOpBuilder &b;
  mlir::ModuleOp module;
};

/// The runtime's GEMM, declared in `module` if not yet.
mlir::func::FuncOp declareSgemm(mlir::ModuleOp module);

} // namespace alex

#endif // ALEX_PASSES_LOWERING_LOOPBUILDER_H
