//===- ExportModel.cpp - embed the model descriptor for the runtime -------===//

#include "passes/Passes.h"

#include "runtime/model_generated.h"

#include "mlir/IR/Builders.h"

namespace alex {
#define GEN_PASS_DEF_ALEXEXPORTMODEL
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;
using namespace alex;
namespace fb = alexrt::fb;

namespace {

flatbuffers::Offset<fb::Param> exportParam(flatbuffers::FlatBufferBuilder &b,
                                           ParamOp param) {
  auto type = cast<RankedTensorType>(param.getType());
  auto name = b.CreateString(param.getSymName().str());
  auto shape = b.CreateVector(std::vector<int64_t>(type.getShape()));
  flatbuffers::Offset<flatbuffers::String> pytorchName;
  if (std::optional<llvm::StringRef> other = param.getPytorchName())
    pytorchName = b.CreateString(other->str());
  fb::ParamBuilder out(b);
  out.add_name(name);
  out.add_shape(shape);
  if (!pytorchName.IsNull())
    out.add_pytorch_name(pytorchName);
  out.add_lr_mult(param.getLearningRateScale());
  Attribute init = param.getInit();
  if (auto c = dyn_cast<ConstantInitAttr>(init)) {
    out.add_init(fb::InitKind::Constant);
    out.add_value(c.getValue().convertToDouble());
  } else if (auto g = dyn_cast<GaussianInitAttr>(init)) {
    out.add_init(fb::InitKind::Gaussian);
    out.add_std(g.getStd().convertToDouble());
    out.add_mean(g.getMean().convertToDouble());
  } else if (auto x = dyn_cast<XavierInitAttr>(init)) {
    out.add_init(fb::InitKind::Xavier);
    out.add_gain(x.getGain().convertToDouble());
  }
  return out.Finish();
}

/// The regions --alex-profile-layers marked, if it ran.
std::vector<flatbuffers::Offset<fb::ProfileRegion>>
exportProfile(flatbuffers::FlatBufferBuilder &b, ModuleOp module) {
  std::vector<flatbuffers::Offset<fb::ProfileRegion>> regions;
  auto list = module->getAttrOfType<ArrayAttr>(kProfileRegionsAttrName);
  if (!list)
    return regions;
  for (auto region : list.getAsRange<DictionaryAttr>()) {
    auto layer = region.getAs<StringAttr>("layer");
    auto phase = region.getAs<StringAttr>("phase");
    auto flops = region.getAs<IntegerAttr>("flops");
    regions.push_back(fb::CreateProfileRegion(
        b, b.CreateString(layer ? layer.str() : "?"),
        b.CreateString(phase ? phase.str() : "?"), flops ? flops.getInt() : 0));
  }
  return regions;
}

struct ExportModel : public alex::impl::AlexExportModelBase<ExportModel> {
  using AlexExportModelBase::AlexExportModelBase;
  void runOnOperation() override;
};

} // namespace

void ExportModel::runOnOperation() {
  ModuleOp module = getOperation();
  auto training = module->getAttrOfType<TrainingAttr>(kTrainingAttrName);
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  if (!forward) // Partitioned: device 0's has the whole inputs and logits.
    forward = module.lookupSymbol<func::FuncOp>("forward_device0");
  auto images =
      forward ? dyn_cast<RankedTensorType>(forward.getArgumentTypes().front())
              : RankedTensorType();
  if (!training || !images || images.getRank() != 4 ||
      forward.getNumResults() != 2) {
    module.emitError() << "--alex-export-model needs the '" << kTrainingAttrName
                       << "' recipe and @forward(images, labels) -> (loss, "
                          "logits) on tensors";
    return signalPassFailure();
  }
  auto logits = cast<RankedTensorType>(forward.getResultTypes()[1]);
  int64_t classes = logits.getDimSize(1);
  if (forward.getResultAttr(1, kBlockDimAttrName)) // A device's block.
    classes *= training.getDevices();

  flatbuffers::FlatBufferBuilder b;
  std::vector<flatbuffers::Offset<fb::Param>> params;
  for (ParamOp param : module.getOps<ParamOp>())
    params.push_back(exportParam(b, param));
  auto paramVector = b.CreateVector(params);
  auto inputShape =
      b.CreateVector(std::vector<int64_t>(images.getShape().drop_front()));
  auto name = b.CreateString(module.getName().value_or("model").str());
  DataAttr data = training.getData();
  auto dataset = b.CreateString(data.getDataset().str());
  auto dataPath = b.CreateString(data.getPath().str());
  auto targetName = b.CreateString(target);
  auto profile = b.CreateVector(exportProfile(b, module));
  // Both or neither (the attribute's verifier).
  bool normalizes = bool(data.getNormalizeMean());
  auto normalizeMean =
      normalizes ? b.CreateVector(data.getNormalizeMean().asArrayRef().vec())
                 : flatbuffers::Offset<flatbuffers::Vector<double>>();
  auto normalizeStd =
      normalizes ? b.CreateVector(data.getNormalizeStd().asArrayRef().vec())
                 : flatbuffers::Offset<flatbuffers::Vector<double>>();

  fb::ModelBuilder model(b);
  model.add_name(name);
  model.add_params(paramVector);
  model.add_input_shape(inputShape);
  model.add_classes(classes);
  model.add_batch(training.getBatch());
  model.add_epochs(training.getEpochs());
  model.add_devices(training.getDevices());
  model.add_replicas(training.getReplicas());
  model.add_seed(uint64_t(training.getSeed()));
  SGDAttr sgd = training.getOptimizer();
  model.add_lr(sgd.getLr().convertToDouble());
  model.add_momentum(sgd.getMomentum().convertToDouble());
  model.add_weight_decay(sgd.getWeightDecay().convertToDouble());
  if (auto step = dyn_cast<StepScheduleAttr>(training.getSchedule())) {
    model.add_schedule(fb::ScheduleKind::Step);
    model.add_schedule_every(step.getEvery());
    model.add_schedule_factor(step.getFactor().convertToDouble());
  } else if (auto plateau =
                 dyn_cast<PlateauScheduleAttr>(training.getSchedule())) {
    model.add_schedule(fb::ScheduleKind::Plateau);
    model.add_schedule_factor(plateau.getFactor().convertToDouble());
    model.add_schedule_patience(plateau.getPatience());
    model.add_schedule_max_drops(plateau.getMaxDrops());
  }
  model.add_dataset(dataset);
  model.add_data_path(dataPath);
  model.add_resize(data.getResize());
  model.add_random_crop(data.getRandomCrop());
  model.add_flip(data.getFlip());
  model.add_lighting(data.getLighting().convertToDouble());
  model.add_mean_subtract(data.getMeanSubtract());
  model.add_test_crops(data.getTestCrops());
  if (normalizes) {
    model.add_normalize_mean(normalizeMean);
    model.add_normalize_std(normalizeStd);
  }
  // The runtime checks the CPU for what the products need: a module with
  // ops marked bf16 by hand is a bf16 binary whatever its recipe says.
  alexrt::Precision products = precision;
  module.walk([&](Operation *op) {
    if (alexrt::convertsOperands(productPrecision(op)))
      products = productPrecision(op);
  });
  model.add_precision(uint8_t(products));
  if (!target.empty())
    model.add_target(targetName);
  model.add_profile(profile);
  auto features = module.lookupSymbol<func::FuncOp>("features");
  if (!features)
    features = module.lookupSymbol<func::FuncOp>("features_device0");
  if (features && features.getNumResults() == 1)
    model.add_features(
        cast<ShapedType>(features.getResultTypes()[0]).getDimSize(1));
  b.Finish(model.Finish(), fb::ModelIdentifier());

  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  MLIRContext *context = module.getContext();
  llvm::StringRef bytes(reinterpret_cast<const char *>(b.GetBufferPointer()),
                        b.GetSize());
  auto byteArray =
      LLVM::LLVMArrayType::get(IntegerType::get(context, 8), bytes.size());
  LLVM::GlobalOp::create(builder, module.getLoc(), byteArray,
                         /*isConstant=*/true, LLVM::Linkage::External,
                         "alex_model_descriptor", builder.getStringAttr(bytes));
  LLVM::GlobalOp::create(builder, module.getLoc(), builder.getI64Type(),
                         /*isConstant=*/true, LLVM::Linkage::External,
                         "alex_model_descriptor_size",
                         builder.getI64IntegerAttr(int64_t(bytes.size())));
}
