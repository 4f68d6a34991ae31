//===- ProfileLayers.cpp - mark each layer's forward/backward/update work -===//

#include "passes/Passes.h"

#include "mlir/IR/Builders.h"

#include <map>

namespace alex {
#define GEN_PASS_DEF_ALEXPROFILELAYERS
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;
using namespace alex;

namespace {

/// The .model layer an op comes from: its location's name (the first named
/// location of a fused block).
std::string layerOf(Location loc) {
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location part : fused.getLocations()) {
      std::string name = layerOf(part);
      if (!name.empty())
        return name;
    }
  return "";
}

/// Regions in the order they are first met.
struct RegionTable {
  struct Region {
    std::string layer, phase;
    int64_t flops = 0;
  };
  std::vector<Region> regions;
  std::map<std::pair<std::string, std::string>, int32_t> ids;

  int32_t idOf(const std::string &layer, const std::string &phase) {
    auto [it, added] = ids.try_emplace({layer, phase}, int32_t(regions.size()));
    if (added)
      regions.push_back({layer, phase, 0});
    return it->second;
  }
};

/// The function whose FLOPs the profile reports: the training step
/// (device 0's when partitioned).
bool isProfiledStep(func::FuncOp function) {
  return function.getName() == "train_step" ||
         function.getName() == "train_step_device0";
}

/// The layers a fused block absorbed (its ReLU, LRN, pooling, dropout),
/// mapped to the block's own layer: their gradients are the block's
/// backward work. A block's location lists its layer first.
std::map<std::string, std::string> blockHeads(ModuleOp module) {
  std::map<std::string, std::string> heads;
  module.walk([&](Operation *op) {
    auto fused = dyn_cast<FusedLoc>(op->getLoc());
    if (!fused || !isa<ConvBlockOp, DenseBlockOp>(op))
      return;
    std::string head = layerOf(op->getLoc());
    for (Location part : fused.getLocations())
      heads.try_emplace(layerOf(part), head);
  });
  return heads;
}

struct ProfileLayers : public alex::impl::AlexProfileLayersBase<ProfileLayers> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::map<std::string, std::string> heads = blockHeads(module);
    RegionTable table;
    for (auto function : module.getOps<func::FuncOp>()) {
      if (function.isExternal() ||
          !llvm::any_of(function.getArgumentTypes(),
                        [](Type t) { return isa<RankedTensorType>(t); }))
        continue;
      Block &body = function.getBody().front();
      bool hasLoss = !function.getOps<SoftmaxCrossEntropyOp>().empty();
      bool afterLoss = false;
      int32_t current = -1;
      OpBuilder builder(&getContext());
      for (Operation &op : body.without_terminator()) {
        if (op.hasTrait<NoKernel>())
          continue;
        const char *phase = isa<SGDUpdateOp>(op)   ? "update"
                            : hasLoss && afterLoss ? "backward"
                                                   : "forward";
        afterLoss |= isa<SoftmaxCrossEntropyOp>(op);
        std::string layer = layerOf(op.getLoc());
        if (auto head = heads.find(layer); head != heads.end())
          layer = head->second;
        int32_t id = table.idOf(layer.empty() ? "(other)" : layer, phase);
        if (id != current) {
          builder.setInsertionPoint(&op);
          ProfileMarkOp::create(builder, op.getLoc(), id);
          current = id;
        }
        auto costed = dyn_cast<MultiplyAddOpInterface>(op);
        if (costed && isProfiledStep(function)) {
          int64_t batch =
              cast<ShapedType>(op.getOperand(0).getType()).getDimSize(0);
          table.regions[size_t(id)].flops +=
              2 * batch * costed.getMultiplyAddsPerExample();
        }
      }
      builder.setInsertionPoint(body.getTerminator());
      ProfileMarkOp::create(builder, function.getLoc(), -1);
    }

    Builder b(&getContext());
    llvm::SmallVector<Attribute> regions;
    for (const RegionTable::Region &region : table.regions)
      regions.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("layer", b.getStringAttr(region.layer)),
           b.getNamedAttr("phase", b.getStringAttr(region.phase)),
           b.getNamedAttr("flops", b.getI64IntegerAttr(region.flops))}));
    module->setAttr(kProfileRegionsAttrName, b.getArrayAttr(regions));
  }
};

} // namespace
