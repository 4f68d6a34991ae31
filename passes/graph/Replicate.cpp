//===- Replicate.cpp - gradients summed across data-parallel replicas -----===//
//
// See --alex-replicate in Passes.td. Buckets follow the order in which the
// backward pass completes gradients, so a bucket's sum overlaps with the
// backward of the layers before it, as in PyTorch's DistributedDataParallel
// and Horovod's tensor fusion.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/IR/Builders.h"

namespace alex {
#define GEN_PASS_DEF_ALEXREPLICATE
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;
using namespace alex;

namespace {

int64_t bytesOf(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  return type.getNumElements() *
         int64_t(type.getElementType().getIntOrFloatBitWidth() / 8);
}

/// Groups the gradients `function`'s updates read into buckets and sums
/// each across replicas right after its last gradient is computed.
LogicalResult replicateUpdates(func::FuncOp function, int64_t replicas,
                               int64_t bucketBytes) {
  llvm::SmallVector<SGDUpdateOp> updates(function.getOps<SGDUpdateOp>());
  // Each gradient once, in the order its op computes it.
  llvm::SetVector<Value> grads;
  for (SGDUpdateOp update : updates) {
    Value grad = update.getGrad();
    Operation *producer = grad.getDefiningOp();
    if (!producer || producer->getBlock() != &function.getBody().front())
      return update.emitOpError()
             << "reads a gradient --alex-replicate cannot place a sum after";
    grads.insert(grad);
  }
  llvm::SmallVector<Value> ordered(grads.begin(), grads.end());
  llvm::stable_sort(ordered, [](Value a, Value b) {
    Operation *x = a.getDefiningOp(), *y = b.getDefiningOp();
    if (x == y)
      return cast<OpResult>(a).getResultNumber() <
             cast<OpResult>(b).getResultNumber();
    return x->isBeforeInBlock(y);
  });

  llvm::SmallVector<llvm::SmallVector<Value>> buckets;
  int64_t filled = 0;
  for (Value grad : ordered) {
    if (buckets.empty() || filled >= bucketBytes) {
      buckets.emplace_back();
      filled = 0;
    }
    buckets.back().push_back(grad);
    filled += bytesOf(grad);
  }

  OpBuilder builder(function.getContext());
  llvm::DenseMap<Value, Value> sums;
  for (auto [index, bucket] : llvm::enumerate(buckets)) {
    // The bucket's last gradient is the last one the step computes.
    Operation *last = bucket.back().getDefiningOp();
    builder.setInsertionPointAfter(last);
    auto sum =
        AllReduceOp::create(builder, last->getLoc(), bucket,
                            builder.getI64IntegerAttr(int64_t(index)),
                            builder.getI64IntegerAttr(replicas),
                            builder.getF64FloatAttr(1.0 / double(replicas)));
    for (auto [grad, result] : llvm::zip(bucket, sum.getResults()))
      sums[grad] = result;
  }
  for (SGDUpdateOp update : updates)
    update.getGradMutable().assign(sums.lookup(update.getGrad()));
  return success();
}

struct Replicate : public alex::impl::AlexReplicateBase<Replicate> {
  using AlexReplicateBase::AlexReplicateBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto training = module->getAttrOfType<TrainingAttr>(kTrainingAttrName);
    int64_t count = replicas != 0 ? int64_t(replicas)
                                  : (training ? training.getReplicas() : 1);
    if (count < 1) {
      module.emitError() << "--alex-replicate needs 1 or more replicas, got "
                         << count;
      return signalPassFailure();
    }
    if (bucketBytes < 1) {
      module.emitError() << "--alex-replicate needs bucket-bytes >= 1, got "
                         << int64_t(bucketBytes);
      return signalPassFailure();
    }
    if (count == 1)
      return;
    if (!training) {
      module.emitError() << "--alex-replicate needs the module's "
                            "alex.training (its global batch)";
      return signalPassFailure();
    }
    int64_t batch = training.getBatch();
    if (batch % count != 0) {
      module.emitError() << "batch " << batch
                         << " does not split evenly across " << count
                         << " replicas";
      return signalPassFailure();
    }
    for (auto function : module.getOps<func::FuncOp>()) {
      if (function.isExternal() || function.getNumArguments() == 0)
        continue;
      auto images = dyn_cast<RankedTensorType>(function.getArgumentTypes()[0]);
      if (images && images.getRank() > 0 &&
          images.getDimSize(0) != batch / count) {
        function.emitError()
            << "computes " << images.getDimSize(0)
            << " images a step, but each of " << count << " replicas of batch "
            << batch << " computes " << batch / count
            << ": build the module with replicas = " << count;
        return signalPassFailure();
      }
    }
    if (training.getReplicas() != count)
      module->setAttr(kTrainingAttrName, training.withReplicas(count));
    for (auto function : module.getOps<func::FuncOp>())
      if (!function.getOps<SGDUpdateOp>().empty() &&
          failed(replicateUpdates(function, count, bucketBytes)))
        return signalPassFailure();
  }
};

} // namespace
