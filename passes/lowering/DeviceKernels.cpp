//===- DeviceKernels.cpp - exchanges between devices as loops -------------===//

#include "passes/lowering/DeviceKernels.h"

#include "passes/lowering/KernelParts.h"
#include "runtime/RuntimeCalls.h"

using namespace mlir;
using namespace alex;

/// Elements per (image, channel) of a rank >= 2 shape: its rows' inner size.
static int64_t innerSize(llvm::ArrayRef<int64_t> shape) {
  int64_t size = 1;
  for (int64_t dim : shape.drop_front(2))
    size *= dim;
  return size;
}

/// The buffer `device` sends through exchange `id`: a module global, so the
/// other devices' code can read it.
static Value sendBuffer(LoopBuilder &lb, int64_t id, int64_t device,
                        MemRefType type) {
  return lb.global(
      ("alex_exchange" + llvm::Twine(id) + "_device" + llvm::Twine(device))
          .str(),
      type);
}

/// Copies `count` chunks of `chunk` floats from a peer's memory, counted by
/// the runtime as exchanged bytes.
static void exchangeCopy(LoopBuilder &lb, Value dst, int64_t dstOffset,
                         int64_t dstStride, Value src, int64_t srcOffset,
                         int64_t srcStride, int64_t chunk, int64_t count) {
  using ExchangeCopy = alexrt::calls::ExchangeCopy;
  Value args[ExchangeCopy::OperandCount];
  args[ExchangeCopy::Destination] = lb.pointer(dst, lb.index(dstOffset));
  args[ExchangeCopy::DestinationStride] = lb.i64(dstStride);
  args[ExchangeCopy::Source] = lb.pointer(src, lb.index(srcOffset));
  args[ExchangeCopy::SourceStride] = lb.i64(srcStride);
  args[ExchangeCopy::Chunk] = lb.i64(chunk);
  args[ExchangeCopy::Count] = lb.i64(count);
  lb.call(ExchangeCopy::name, args);
}

void alex::copyColumns(LoopBuilder &lb, Value src, int64_t srcFirst, Value dst,
                       int64_t dstFirst, llvm::ArrayRef<int64_t> shape) {
  lb.parallel(shape, [&](ValueRange ivs) {
    llvm::SmallVector<Value> from(ivs), to(ivs);
    from[1] = lb.add(ivs[1], srcFirst);
    to[1] = lb.add(ivs[1], dstFirst);
    lb.store(lb.load(src, from), dst, to);
  });
}

void alex::takeBlock(LoopBuilder &lb, TakeBlockOp op, Value whole,
                     Value block) {
  llvm::ArrayRef<int64_t> shape = bufferShape(block);
  copyColumns(lb, whole, int64_t(op.getIndex()) * shape[1], block, 0, shape);
}

void alex::allGather(LoopBuilder &lb, AllGatherOp op, Value part, Value whole,
                     const KernelContext &context) {
  auto partType = cast<MemRefType>(part.getType());
  llvm::ArrayRef<int64_t> shape = partType.getShape();
  int64_t id = op.getExchange(), width = shape[1], inner = innerSize(shape);
  int64_t columns = width * context.devices;
  memref::CopyOp::create(lb.builder(), part,
                         sendBuffer(lb, id, context.device, partType));
  lb.call(alexrt::calls::kDeviceBarrier, {});
  for (int64_t e = 0; e < context.devices; ++e) {
    if (e == context.device)
      copyColumns(lb, part, 0, whole, e * width, shape);
    else
      exchangeCopy(lb, whole, e * width * inner, columns * inner,
                   sendBuffer(lb, id, e, partType), 0, width * inner,
                   width * inner, shape[0]);
  }
}

void alex::reduceScatter(LoopBuilder &lb, ReduceScatterOp op, Value partial,
                         Value block, const KernelContext &context) {
  auto partialType = cast<MemRefType>(partial.getType());
  auto blockType = cast<MemRefType>(block.getType());
  llvm::ArrayRef<int64_t> shape = blockType.getShape();
  int64_t id = op.getExchange(), width = shape[1], inner = innerSize(shape);
  int64_t columns = width * context.devices, first = context.device * width;
  memref::CopyOp::create(lb.builder(), partial,
                         sendBuffer(lb, id, context.device, partialType));
  lb.call(alexrt::calls::kDeviceBarrier, {});
  // Sum in device order, so every block adds its terms the same way.
  Value staging = lb.alloc(blockType);
  for (int64_t e = 0; e < context.devices; ++e) {
    Value target = e == 0 ? block : staging;
    if (e == context.device)
      copyColumns(lb, partial, first, target, 0, shape);
    else
      exchangeCopy(lb, target, 0, width * inner,
                   sendBuffer(lb, id, e, partialType), first * inner,
                   columns * inner, width * inner, shape[0]);
    if (e > 0)
      lb.parallel(shape, [&](ValueRange ivs) {
        lb.store(lb.fadd(lb.load(block, ivs), lb.load(staging, ivs)), block,
                 ivs);
      });
  }
  memref::DeallocOp::create(lb.builder(), staging);
}
