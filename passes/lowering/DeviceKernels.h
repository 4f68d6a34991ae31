//===- DeviceKernels.h - exchanges between devices as loops -----*- C++ -*-===//

#ifndef ALEX_PASSES_LOWERING_DEVICEKERNELS_H
#define ALEX_PASSES_LOWERING_DEVICEKERNELS_H

#include "dialect/AlexDialect.h"
#include "passes/lowering/LoopKernels.h"

namespace alex {

// The exchange ops of a device function (see AlexDeviceOps.td). Parts go
// through one module global per exchange and device (written by their
// device, read by the others after alexrt_device_barrier); copies between
// devices are alexrt_exchange_copy calls, which the runtime counts.
void takeBlock(LoopBuilder &lb, TakeBlockOp op, mlir::Value whole,
               mlir::Value block);
void allGather(LoopBuilder &lb, AllGatherOp op, mlir::Value part,
               mlir::Value whole, const KernelContext &context);
void reduceScatter(LoopBuilder &lb, ReduceScatterOp op, mlir::Value partial,
                   mlir::Value block, const KernelContext &context);

/// dst[n, dstFirst + c, ...] = src[n, srcFirst + c, ...] for the channels c
/// of `shape` (the block copied), as a loop nest (any layouts).
void copyColumns(LoopBuilder &lb, mlir::Value src, int64_t srcFirst,
                 mlir::Value dst, int64_t dstFirst,
                 llvm::ArrayRef<int64_t> shape);

} // namespace alex

#endif // ALEX_PASSES_LOWERING_DEVICEKERNELS_H
