//===- ModelInfo.cpp - decoding the embedded model descriptor -------------===//

#include "runtime/model/ModelInfo.h"

#include "runtime/Target.h"

#include "runtime/model_generated.h"

using namespace alexrt;

Status alexrt::parseModelInfo(const uint8_t *data, size_t size,
                              ModelInfo &info) {
  flatbuffers::Verifier verifier(data, size);
  if (size < 8 || !fb::ModelBufferHasIdentifier(data) ||
      !fb::VerifyModelBuffer(verifier))
    return Status::error("the embedded model descriptor is corrupted");
  const fb::Model *model = fb::GetModel(data);
  if (model->input_shape()->size() != 3)
    return Status::error("the model descriptor's input is not CxHxW");

  info.name = model->name()->str();
  for (const fb::Param *param : *model->params()) {
    ParamSpec spec;
    spec.name = param->name()->str();
    if (param->pytorch_name())
      spec.pytorchName = param->pytorch_name()->str();
    spec.lrMult = param->lr_mult();
    spec.shape.assign(param->shape()->begin(), param->shape()->end());
    spec.init.kind = InitRule::Kind(int(param->init()));
    spec.init.value = param->value();
    spec.init.std = param->std();
    spec.init.mean = param->mean();
    spec.init.gain = param->gain();
    info.params.push_back(std::move(spec));
  }
  info.channels = model->input_shape()->Get(0);
  info.height = model->input_shape()->Get(1);
  info.width = model->input_shape()->Get(2);
  info.classes = model->classes();
  info.globalBatch = model->batch();
  info.replicas = model->replicas();
  if (info.replicas < 1 || info.globalBatch % info.replicas != 0)
    return Status::error("the model descriptor's batch " +
                         std::to_string(info.globalBatch) +
                         " does not split across " +
                         std::to_string(info.replicas) + " replicas");
  info.batch = info.globalBatch / info.replicas;
  info.epochs = model->epochs();
  info.devices = model->devices();
  info.seed = model->seed();
  info.lr = model->lr();
  info.momentum = model->momentum();
  info.weightDecay = model->weight_decay();
  info.schedule = ModelInfo::Schedule(int(model->schedule()));
  info.every = model->schedule_every();
  info.factor = model->schedule_factor();
  info.patience = model->schedule_patience();
  info.maxDrops = model->schedule_max_drops();
  info.dataset = model->dataset()->str();
  info.dataPath = model->data_path() ? model->data_path()->str() : "";
  info.resize = model->resize();
  info.randomCrop = model->random_crop();
  info.flip = model->flip();
  info.lighting = model->lighting();
  info.meanSubtract = model->mean_subtract();
  info.testCrops = model->test_crops();
  if (bool(model->normalize_mean()) != bool(model->normalize_std()))
    return Status::error("the model descriptor's normalize has a mean "
                         "without a std, or a std without a mean");
  if (model->normalize_mean()) {
    for (double mean : *model->normalize_mean())
      info.normalizeMean.push_back(float(mean));
    for (double std : *model->normalize_std())
      info.normalizeStd.push_back(float(std));
  }
  if (!info.normalizeMean.empty() &&
      (int64_t(info.normalizeMean.size()) != info.channels ||
       info.normalizeStd.size() != info.normalizeMean.size()))
    return Status::error(
        "the model descriptor's normalize has " +
        std::to_string(info.normalizeMean.size()) + " means and " +
        std::to_string(info.normalizeStd.size()) + " standard deviations for " +
        std::to_string(info.channels) + " channels");
  std::optional<Precision> precision = precisionFromByte(model->precision());
  if (!precision)
    return Status::error("the model descriptor's precision (" +
                         std::to_string(model->precision()) +
                         ") is not one this runtime knows");
  info.precision = *precision;
  info.target = model->target() ? model->target()->str() : "";
  info.features = model->features();
  if (model->profile())
    for (const fb::ProfileRegion *region : *model->profile())
      info.profile.push_back(
          {region->layer()->str(), region->phase()->str(), region->flops()});
  return Status::success();
}

int64_t ModelInfo::sessionBytes() const {
  int64_t parameters = 0;
  for (const ParamSpec &param : params)
    parameters += param.numElements();
  return 4 * (2 * parameters + batch * (imageSize() + classes + 1));
}

std::string alexrt::reportedTarget(const ModelInfo &model) {
  return model.target.empty() ? targetName() : model.target;
}
