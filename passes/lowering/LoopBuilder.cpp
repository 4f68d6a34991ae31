//===- LoopBuilder.cpp - loop nests and BLAS calls over memrefs -----------===//

#include "passes/lowering/LoopBuilder.h"

#include "runtime/RuntimeCalls.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

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

Value LoopBuilder::global(llvm::StringRef name, MemRefType type) {
  if (!module.lookupSymbol<memref::GlobalOp>(name)) {
    OpBuilder top(module.getBodyRegion());
    memref::GlobalOp::create(top, module.getLoc(), name,
                             top.getStringAttr("private"), type, Attribute(),
                             /*constant=*/false, top.getI64IntegerAttr(64));
  }
  return memref::GetGlobalOp::create(b, type, name);
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

llvm::SmallVector<Value>
LoopBuilder::gemmOperands(bool transposeA, bool transposeB, int64_t m,
                          int64_t n, int64_t k, double alpha, Matrix a,
                          Matrix bm, double beta, Matrix c) {
  using Gemm = alexrt::calls::GemmOperands;
  llvm::SmallVector<Value> args(Gemm::OperandCount);
  args[Gemm::TransposeA] = i32(transposeA);
  args[Gemm::TransposeB] = i32(transposeB);
  args[Gemm::M] = i64(m);
  args[Gemm::N] = i64(n);
  args[Gemm::K] = i64(k);
  args[Gemm::Alpha] = f32(alpha);
  args[Gemm::A] = pointer(a);
  args[Gemm::Lda] = i64(a.ld);
  args[Gemm::B] = pointer(bm);
  args[Gemm::Ldb] = i64(bm.ld);
  args[Gemm::Beta] = f32(beta);
  args[Gemm::C] = pointer(c);
  args[Gemm::Ldc] = i64(c.ld);
  return args;
}

Type LoopBuilder::operandType() {
  return alexrt::convertsOperands(products) ? Type(b.getBF16Type())
                                            : Type(b.getF32Type());
}

Value LoopBuilder::convertTo(Value value, Type type) {
  if (value.getType() == type)
    return value;
  return arith::TruncFOp::create(b, type, value);
}

void LoopBuilder::gemm(bool transposeA, bool transposeB, int64_t m, int64_t n,
                       int64_t k, double alpha, Matrix a, Matrix bm,
                       double beta, Matrix c) {
  if (!alexrt::convertsOperands(products)) {
    func::CallOp::create(
        b, declareSgemm(module),
        gemmOperands(transposeA, transposeB, m, n, k, alpha, a, bm, beta, c));
    return;
  }
  // bf16 is the one format the compiler converts to (Precision.h). Each
  // operand as stored: X of op(X), rows x cols.
  Matrix a16 = bf16Operand(transposeA ? k : m, transposeA ? m : k, a, 0);
  Matrix b16 = bf16Operand(transposeB ? n : k, transposeB ? k : n, bm, 1);
  call(alexrt::calls::GemmBf16::name,
       gemmOperands(transposeA, transposeB, m, n, k, alpha, a16, b16, beta, c));
}

LoopBuilder::KernelScope::KernelScope(LoopBuilder &lb,
                                      alexrt::Precision precision)
    : lb(lb), savedProducts(lb.products) {
  assert(!lb.inKernel && "kernels do not nest");
  lb.products = precision;
  lb.inKernel = true;
  lb.scratchBlock = lb.b.getInsertionBlock();
  auto point = lb.b.getInsertionPoint();
  lb.scratchAfter =
      point == lb.scratchBlock->begin() ? nullptr : &*std::prev(point);
}

LoopBuilder::KernelScope::~KernelScope() {
  for (auto &[type, slot, buffer] : lb.scratchBuffers)
    memref::DeallocOp::create(lb.b, buffer);
  lb.scratchBuffers.clear();
  lb.inKernel = false;
  lb.products = savedProducts;
}

void LoopBuilder::freeKeptOperands() {
  for (auto &[key, buffer] : keptOperands)
    memref::DeallocOp::create(b, buffer);
  keptOperands.clear();
  persistentCopies.clear();
  unchanged.clear();
  views.clear();
}

void LoopBuilder::atScratchPoint() {
  if (scratchAfter)
    b.setInsertionPointAfter(scratchAfter);
  else
    b.setInsertionPointToStart(scratchBlock);
}

Value LoopBuilder::scratch(MemRefType type, unsigned slot) {
  assert(inKernel && "GEMMs are built inside a KernelScope");
  for (auto &[kept, keptSlot, buffer] : scratchBuffers)
    if (kept == type && keptSlot == slot)
      return buffer;
  OpBuilder::InsertionGuard guard(b);
  atScratchPoint();
  Value buffer = alloc(type);
  scratchBuffers.emplace_back(type, slot, buffer);
  return buffer;
}

Value LoopBuilder::withLongRows(Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  assert(memref::isStaticShapeAndContiguousRowMajor(type) &&
         "only a packed buffer's dimensions collapse");
  // A few AVX-512 vectors' worth: 13 is one short vector, 169 many.
  constexpr int64_t kLongRow = 64;
  llvm::ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = type.getRank(), first = rank - 1;
  if (rank == 0)
    return buffer;
  int64_t row = shape[first];
  while (first > 1 && row < kLongRow)
    row *= shape[--first];
  if (first == rank - 1)
    return buffer;
  llvm::SmallVector<ReassociationIndices> dims;
  for (int64_t d = 0; d < first; ++d)
    dims.push_back({d});
  dims.emplace_back();
  for (int64_t d = first; d < rank; ++d)
    dims.back().push_back(d);
  return memref::CollapseShapeOp::create(b, buffer.getLoc(), buffer, dims);
}

Value LoopBuilder::convertedWhole(Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  if (!inKernel || !unchanged.contains(buffer) ||
      !type.getElementType().isF32() ||
      !memref::isStaticShapeAndContiguousRowMajor(type))
    return {};
  if (Value copy = persistentCopies.lookup(buffer))
    return copy;
  if (auto found = keptOperands.find(buffer); found != keptOperands.end())
    return found->second;
  // Before the kernel, at the function's top level: every later kernel of
  // the function may use it, none of its loops repeats it.
  OpBuilder::InsertionGuard guard(b);
  atScratchPoint();
  Value converted = alloc(MemRefType::get(type.getShape(), b.getBF16Type()));
  // Along rows long enough for a vector loop (a plane of 13 x 13, not its
  // rows of 13), the leading dimensions left for threads.
  Value from = withLongRows(buffer), to = withLongRows(converted);
  parallel(cast<MemRefType>(from.getType()).getShape(), [&](ValueRange ivs) {
    store(convertTo(load(from, ivs), b.getBF16Type()), to, ivs);
  });
  keptOperands[buffer] = converted;
  return converted;
}

LoopBuilder::Matrix LoopBuilder::bf16Operand(int64_t rows, int64_t cols,
                                             Matrix x, unsigned slot) {
  // A parameter, in the same layout: the matrix's offset and rows hold.
  if (Value converted = convertedWhole(x.buffer))
    x.buffer = converted;
  // Written in bf16 already (im2col's columns, a parameter's copy): the
  // GEMM reads it where it is, transposed or not.
  if (cast<MemRefType>(x.buffer.getType()).getElementType().isBF16())
    return x;
  // The elements X spans, as one flat view from its first.
  int64_t extent = (rows - 1) * x.ld + cols;
  Value viewOffset =
      memref::ExtractStridedMetadataOp::create(b, x.buffer).getOffset();
  auto flatType = MemRefType::get(
      {extent}, b.getF32Type(),
      StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic, {1}));
  Value flat = memref::ReinterpretCastOp::create(
      b, flatType, x.buffer, add(viewOffset, x.offset), ValueRange{},
      ValueRange{}, b.getDenseI64ArrayAttr({ShapedType::kDynamic}),
      b.getDenseI64ArrayAttr({extent}), b.getDenseI64ArrayAttr({1}));
  Value packed = scratch(MemRefType::get({rows, cols}, b.getBF16Type()), slot);
  // Rounded in its own layout, row by row: contiguous reads and writes.
  parallel({rows, cols}, [&](ValueRange ivs) {
    Value at = add(mul(ivs[0], index(x.ld)), ivs[1]);
    store(convertTo(load(flat, at), b.getBF16Type()), packed, ivs);
  });
  return {packed, index(0), cols};
}

Value LoopBuilder::bf16Pointer(Value tensor, unsigned slot, Value firstRow,
                               int64_t rowCount) {
  auto type = cast<MemRefType>(tensor.getType());
  assert(memref::isStaticShapeAndContiguousRowMajor(type) &&
         "a runtime call's tensors are packed");
  // As a matrix of its first dimension's rows.
  int64_t rows = type.getShape().front(),
          cols = type.getNumElements() / std::max<int64_t>(rows, 1);
  if (!firstRow)
    return pointer(bf16Operand(rows, cols, {tensor, index(0), cols}, slot));
  assert(rowCount > 0 && "a call from a row reads some rows");
  return pointer(bf16Operand(rowCount, cols,
                             {tensor, mul(firstRow, index(cols)), cols}, slot));
}

void LoopBuilder::markViewOf(Value view, Value source) {
  if (view == source)
    return;
  views[source].push_back(view);
  if (unchanged.contains(source))
    unchanged.insert(view);
}

void LoopBuilder::markChanged(Value buffer) {
  for (Value view : views.lookup(buffer))
    markChanged(view);
  unchanged.erase(buffer);
  if (auto kept = keptOperands.find(buffer); kept != keptOperands.end()) {
    memref::DeallocOp::create(b, kept->second);
    keptOperands.erase(kept);
  }
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
