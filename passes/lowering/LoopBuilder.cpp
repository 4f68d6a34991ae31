//===- LoopBuilder.cpp - loop nests and BLAS calls over memrefs -----------===//

#include "passes/lowering/LoopBuilder.h"

#include "runtime/RuntimeCalls.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace alex;

Value LoopBuilder::index(int64_t value) {
  return arith::ConstantIndexOp::create(b, value);
}
Value LoopBuilder::f32(double value) {
  return arith::ConstantFloatOp::create(b, b.getF32Type(),
                                        llvm::APFloat(float(value)));
}
Value LoopBuilder::i32(int64_t value) {
  return arith::ConstantIntOp::create(b, b.getI32Type(), value);
}
Value LoopBuilder::i64(int64_t value) {
  return arith::ConstantIntOp::create(b, b.getI64Type(), value);
}

Value LoopBuilder::add(Value x, Value y) {
  return arith::AddIOp::create(b, x, y);
}
Value LoopBuilder::sub(Value x, Value y) {
  return arith::SubIOp::create(b, x, y);
}
Value LoopBuilder::mul(Value x, Value y) {
  return arith::MulIOp::create(b, x, y);
}
Value LoopBuilder::min(Value x, Value y) {
  return arith::MinSIOp::create(b, x, y);
}
Value LoopBuilder::max(Value x, Value y) {
  return arith::MaxSIOp::create(b, x, y);
}
Value LoopBuilder::fadd(Value x, Value y) {
  return arith::AddFOp::create(b, x, y);
}
Value LoopBuilder::fsub(Value x, Value y) {
  return arith::SubFOp::create(b, x, y);
}
Value LoopBuilder::fmul(Value x, Value y) {
  return arith::MulFOp::create(b, x, y);
}
Value LoopBuilder::fdiv(Value x, Value y) {
  return arith::DivFOp::create(b, x, y);
}
Value LoopBuilder::fmax(Value x, Value y) {
  return arith::MaximumFOp::create(b, x, y);
}

Value LoopBuilder::powf(Value base, double exponent) {
  // Quarter powers (LRN's beta is 0.75) as square roots, several times
  // cheaper than a pow call and within a few ulps.
  double magnitude = std::fabs(exponent);
  if (magnitude == 0.5 || magnitude == 0.75 || magnitude == 1.0) {
    Value root = math::SqrtOp::create(b, base);
    Value power = magnitude == 0.5 ? root
                  : magnitude == 0.75
                      ? fmul(root, math::SqrtOp::create(b, root))
                      : base;
    return exponent < 0 ? fdiv(f32(1), power) : power;
  }
  return math::PowFOp::create(b, base, f32(exponent));
}

Value LoopBuilder::cmpi(arith::CmpIPredicate predicate, Value x, Value y) {
  return arith::CmpIOp::create(b, predicate, x, y);
}
Value LoopBuilder::cmpf(arith::CmpFPredicate predicate, Value x, Value y) {
  return arith::CmpFOp::create(b, predicate, x, y);
}
Value LoopBuilder::both(Value x, Value y) {
  return arith::AndIOp::create(b, x, y);
}
Value LoopBuilder::select(Value condition, Value x, Value y) {
  return arith::SelectOp::create(b, condition, x, y);
}

Value LoopBuilder::load(Value memref, ValueRange indices) {
  return memref::LoadOp::create(b, memref, indices);
}
void LoopBuilder::store(Value value, Value memref, ValueRange indices) {
  memref::StoreOp::create(b, value, memref, indices);
}
Value LoopBuilder::alloc(MemRefType type) {
  return memref::AllocOp::create(b, type);
}

void LoopBuilder::parallel(llvm::ArrayRef<int64_t> upper,
                           llvm::function_ref<void(ValueRange)> body) {
  llvm::SmallVector<Value> lower, uppers, steps;
  for (int64_t bound : upper) {
    lower.push_back(index(0));
    uppers.push_back(index(bound));
    steps.push_back(index(1));
  }
  scf::ParallelOp::create(b, lower, uppers, steps,
                          [&](OpBuilder &nested, Location loc, ValueRange ivs) {
                            OpBuilder::InsertionGuard guard(b);
                            b.setInsertionPoint(nested.getInsertionBlock(),
                                                nested.getInsertionPoint());
                            body(ivs);
                          });
}

void LoopBuilder::loop(Value lower, Value upper,
                       llvm::function_ref<void(Value)> body, int64_t step) {
  scf::ForOp::create(
      b, lower, upper, index(step), ValueRange{},
      [&](OpBuilder &nested, Location loc, Value iv, ValueRange) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nested.getInsertionBlock(),
                            nested.getInsertionPoint());
        body(iv);
        scf::YieldOp::create(b);
      });
}

Value LoopBuilder::reduce(Value lower, Value upper, Value init,
                          llvm::function_ref<Value(Value, Value)> body) {
  auto loop = scf::ForOp::create(
      b, lower, upper, index(1), ValueRange{init},
      [&](OpBuilder &nested, Location loc, Value iv, ValueRange acc) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nested.getInsertionBlock(),
                            nested.getInsertionPoint());
        scf::YieldOp::create(b, body(iv, acc.front()));
      });
  return loop.getResult(0);
}

void LoopBuilder::when(Value condition, llvm::function_ref<void()> body) {
  scf::IfOp::create(b, condition, [&](OpBuilder &nested, Location loc) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
    body();
    scf::YieldOp::create(b);
  });
}

Value LoopBuilder::pointer(Matrix matrix) {
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, matrix.buffer);
  auto elementBytes =
      cast<MemRefType>(matrix.buffer.getType()).getElementTypeBitWidth() / 8;
  // A view's own offset (a block of a parameter's rows) comes first.
  Value viewOffset =
      memref::ExtractStridedMetadataOp::create(b, matrix.buffer).getOffset();
  Value address =
      add(base, mul(add(viewOffset, matrix.offset), index(elementBytes)));
  Value asInt = arith::IndexCastOp::create(b, b.getI64Type(), address);
  return LLVM::IntToPtrOp::create(b, LLVM::LLVMPointerType::get(b.getContext()),
                                  asInt);
}

void LoopBuilder::sgemm(bool transposeA, bool transposeB, int64_t m, int64_t n,
                        int64_t k, double alpha, Matrix a, Matrix bm,
                        double beta, Matrix c) {
  using Sgemm = alexrt::calls::Sgemm;
  Value args[Sgemm::OperandCount];
  args[Sgemm::TransposeA] = i32(transposeA);
  args[Sgemm::TransposeB] = i32(transposeB);
  args[Sgemm::M] = i64(m);
  args[Sgemm::N] = i64(n);
  args[Sgemm::K] = i64(k);
  args[Sgemm::Alpha] = f32(alpha);
  args[Sgemm::A] = pointer(a);
  args[Sgemm::Lda] = i64(a.ld);
  args[Sgemm::B] = pointer(bm);
  args[Sgemm::Ldb] = i64(bm.ld);
  args[Sgemm::Beta] = f32(beta);
  args[Sgemm::C] = pointer(c);
  args[Sgemm::Ldc] = i64(c.ld);
  func::CallOp::create(b, declareSgemm(module), args);
}

/// The runtime function `name`, declared in `module` on first use.
static func::FuncOp runtimeFunction(ModuleOp module, llvm::StringRef name,
                                    TypeRange args, TypeRange results) {
  auto callee = module.lookupSymbol<func::FuncOp>(name);
  if (!callee) {
    OpBuilder top(module.getBodyRegion());
    callee = func::FuncOp::create(top, module.getLoc(), name,
                                  top.getFunctionType(args, results));
    callee.setPrivate();
  }
  return callee;
}

void LoopBuilder::call(llvm::StringRef name, ValueRange args) {
  func::CallOp::create(b, runtimeFunction(module, name, args.getTypes(), {}),
                       args);
}

Value LoopBuilder::call(llvm::StringRef name, ValueRange args, Type result) {
  return func::CallOp::create(
             b, runtimeFunction(module, name, args.getTypes(), result), args)
      .getResult(0);
}

func::FuncOp alex::declareSgemm(ModuleOp module) {
  using Sgemm = alexrt::calls::Sgemm;
  if (auto existing = module.lookupSymbol<func::FuncOp>(Sgemm::name))
    return existing;
  OpBuilder b(module.getBodyRegion());
  // Sizes and strides are int64_t: the rest set apart.
  llvm::SmallVector<Type, Sgemm::OperandCount> operands(Sgemm::OperandCount,
                                                        b.getI64Type());
  operands[Sgemm::TransposeA] = operands[Sgemm::TransposeB] = b.getI32Type();
  operands[Sgemm::Alpha] = operands[Sgemm::Beta] = b.getF32Type();
  operands[Sgemm::A] = operands[Sgemm::B] = operands[Sgemm::C] =
      LLVM::LLVMPointerType::get(b.getContext());
  auto callee = func::FuncOp::create(b, module.getLoc(), Sgemm::name,
                                     b.getFunctionType(operands, {}));
  callee.setPrivate();
  return callee;
}
