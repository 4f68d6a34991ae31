//===- StepCost.cpp - kernels and memory traffic of a step ----------------===//

#include "tools/alexc/StepCost.h"

#include "dialect/AlexDialect.h"
#include "runtime/RuntimeCalls.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace alex;

static void countIn(Region &region, int64_t times, KernelCount &count) {
  for (Operation &op : region.getOps()) {
    if (isa<scf::ParallelOp>(op)) {
      count.loopNests += times;
      continue;
    }
    if (auto call = dyn_cast<func::CallOp>(op)) {
      if (alexrt::calls::Sgemm::is(call.getCallee()) ||
          alexrt::calls::GemmBf16::is(call.getCallee()))
        count.gemmCalls += times;
      else if (alexrt::calls::Conv2D::direction(call.getCallee()))
        count.convolutionCalls += times;
      continue;
    }
    int64_t repeats = 1;
    if (auto loop = dyn_cast<scf::ForOp>(op))
      if (std::optional<llvm::APInt> trips = loop.getStaticTripCount())
        repeats = trips->getSExtValue();
    for (Region &nested : op.getRegions())
      countIn(nested, times * repeats, count);
  }
}

KernelCount alex::countKernels(func::FuncOp function) {
  KernelCount count;
  countIn(function.getBody(), 1, count);
  return count;
}

static int64_t bytesOf(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return 0;
  return shaped.getNumElements() * shaped.getElementTypeBitWidth() / 8;
}

ExchangeCount alex::countExchanges(func::FuncOp function) {
  ExchangeCount count;
  function.walk([&](Operation *op) {
    if (auto gather = dyn_cast<AllGatherOp>(op)) {
      ++count.allGathers;
      count.allGatherBytes += (int64_t(gather.getDevices()) - 1) *
                              bytesOf(gather.getPart().getType());
    } else if (auto scatter = dyn_cast<ReduceScatterOp>(op)) {
      ++count.reduceScatters;
      count.reduceScatterBytes += (int64_t(scatter.getDevices()) - 1) *
                                  bytesOf(scatter.getBlock().getType());
    } else if (auto sum = dyn_cast<AllReduceOp>(op)) {
      ++count.allReduces;
      count.replicas = int64_t(sum.getReplicas());
      for (Value grad : sum.getGrads())
        count.allReduceBytes += bytesOf(grad.getType());
    }
  });
  return count;
}

int64_t alex::opTrafficBytes(func::FuncOp function) {
  int64_t bytes = 0;
  for (Operation &op : function.getBody().getOps()) {
    if (op.hasTrait<NoKernel>() || isa<func::ReturnOp>(op))
      continue;
    if (auto update = dyn_cast<SGDUpdateOp>(op)) {
      bytes += 5 * bytesOf(update.getGrad().getType());
      continue;
    }
    for (Type type : op.getOperandTypes())
      bytes += bytesOf(type);
    for (Type type : op.getResultTypes())
      bytes += bytesOf(type);
  }
  return bytes;
}
