//===- Session.cpp - a compiled model's memory and its entry points -------===//

#include "runtime/model/Session.h"

#include "runtime/Target.h"
#include "runtime/alexrt.h"
#include "runtime/model/ParamWrites.h"
#include "runtime/support/Fatal.h"

using namespace alexrt;

Session::~Session() {
  for (DeviceTensor &tensor : deviceValues)
    release(tensor);
  for (DeviceTensor &tensor : deviceMomenta)
    release(tensor);
  for (DeviceTensor *tensor :
       {&deviceImages, &deviceLabels, &deviceStep, &deviceLr, &deviceLoss,
        &deviceLogits, &deviceFeatures})
    release(*tensor);
}

Session::DeviceTensor Session::deviceBuffer(size_t bytes) {
  if (deviceIsHost() || !onDevice)
    return {};
  return {allocateDevice(bytes), bytes};
}

void Session::release(DeviceTensor &tensor) {
  if (tensor.memory)
    freeDevice(tensor.memory);
  tensor = {};
}

Status Session::readModel() {
  Status status = parseModelInfo(alex_model_descriptor,
                                 size_t(alex_model_descriptor_size), info);
  modelRead = status.ok();
  return status;
}

Status Session::open(bool device) {
  if (!modelRead)
    if (Status read = readModel(); !read.ok())
      return read;
  onDevice = device;
  if (device)
    if (Status status = openTarget(info); !status.ok())
      return status;
  values.clear();
  momenta.clear();
  for (const ParamSpec &param : info.params) {
    size_t count = size_t(param.numElements());
    values.emplace_back(count);
    momenta.emplace_back(count);
    deviceValues.push_back(deviceBuffer(count * sizeof(float)));
    deviceMomenta.push_back(deviceBuffer(count * sizeof(float)));
  }
  size_t batch = size_t(info.batch);
  deviceImages = deviceBuffer(batch * size_t(info.imageSize()) * sizeof(float));
  deviceLabels = deviceBuffer(batch * sizeof(int32_t));
  deviceStep = deviceBuffer(sizeof(int64_t));
  deviceLr = deviceBuffer(sizeof(float));
  deviceLoss = deviceBuffer(sizeof(float));
  deviceLogits = deviceBuffer(batch * size_t(info.classes) * sizeof(float));
  return Status::success();
}

void Session::upload() {
  parametersWritten();
  if (deviceIsHost() || !onDevice)
    return;
  for (size_t i = 0; i < values.size(); ++i) {
    copyToDevice(deviceValues[i].memory, values[i].data(),
                 deviceValues[i].bytes);
    copyToDevice(deviceMomenta[i].memory, momenta[i].data(),
                 deviceMomenta[i].bytes);
  }
}

void Session::download() {
  if (deviceIsHost() || !onDevice)
    return;
  for (size_t i = 0; i < values.size(); ++i) {
    copyToHost(values[i].data(), deviceValues[i].memory, deviceValues[i].bytes);
    copyToHost(momenta[i].data(), deviceMomenta[i].memory,
               deviceMomenta[i].bytes);
  }
}

void Session::initialize(uint64_t seed) {
  for (size_t i = 0; i < info.params.size(); ++i) {
    initParam(info.params[i], seed, i, values[i].data());
    std::fill(momenta[i].begin(), momenta[i].end(), 0.0f);
  }
  state = TrainingProgress();
  facts = DataFacts();
  state.seed = seed;
  state.learningRate = info.lr;
  upload();
}

std::vector<TensorBuffers> Session::buffers() const {
  std::vector<TensorBuffers> result;
  for (size_t i = 0; i < info.params.size(); ++i)
    result.push_back({info.params[i].name, info.params[i].shape,
                      const_cast<float *>(values[i].data()),
                      const_cast<float *>(momenta[i].data()),
                      info.params[i].pytorchName});
  return result;
}

std::vector<TensorBuffers> Session::hostTensors() {
  // On the CPU the caller gets the step's own memory and may write it
  // before (or without) committing: the steps' weight copies are stale.
  parametersWritten();
  download();
  return buffers();
}

Status Session::load(const std::string &path) {
  Status status =
      loadWeights(path, modelSignature(info.params), state, facts, buffers());
  if (status.ok())
    upload();
  return status;
}

Status Session::save(const std::string &path) {
  download();
  return saveWeights(path, info.name, modelSignature(info.params), state, facts,
                     buffers());
}

float Session::run(void (*entry)(void **), bool training, const float *images,
                   const int32_t *labels, float *logits) {
  if (!deviceIsHost() && !onDevice)
    fatal("internal error: a step of a session opened without its device");
  int64_t step = state.step;
  float lr = float(state.learningRate), loss = 0;
  size_t batch = size_t(info.batch);
  size_t imageBytes = batch * size_t(info.imageSize()) * sizeof(float);
  size_t logitBytes = batch * size_t(info.classes) * sizeof(float);
  bool host = deviceIsHost();
  // On the CPU the entry points read and write the caller's memory.
  auto place = [&](DeviceTensor &device, const void *data, size_t bytes) {
    if (host)
      return const_cast<void *>(data);
    copyToDevice(device.memory, data, bytes);
    return device.memory;
  };
  std::vector<void *> args;
  for (size_t i = 0; i < values.size(); ++i)
    args.push_back(host ? values[i].data() : deviceValues[i].memory);
  if (training)
    for (size_t i = 0; i < momenta.size(); ++i)
      args.push_back(host ? momenta[i].data() : deviceMomenta[i].memory);
  args.push_back(place(deviceImages, images, imageBytes));
  args.push_back(place(deviceLabels, labels, batch * sizeof(int32_t)));
  if (training) {
    args.push_back(place(deviceStep, &step, sizeof(step)));
    args.push_back(place(deviceLr, &lr, sizeof(lr)));
  }
  args.push_back(host ? (void *)&loss : deviceLoss.memory);
  args.push_back(host ? (void *)logits : deviceLogits.memory);
  runEntryPoint(entry, args);
  if (!host) {
    copyToHost(&loss, deviceLoss.memory, sizeof(loss));
    copyToHost(logits, deviceLogits.memory, logitBytes);
  }
  return loss;
}

float Session::trainStep(const float *images, const int32_t *labels,
                         float *logits) {
  float loss = run(alex_train_step, /*training=*/true, images, labels, logits);
  ++state.step;
  return loss;
}

bool Session::features(const float *images, float *out) {
  if (!alex_features || info.features <= 0)
    return false;
  size_t batch = size_t(info.batch);
  size_t imageBytes = batch * size_t(info.imageSize()) * sizeof(float);
  size_t featureBytes = batch * size_t(info.features) * sizeof(float);
  std::vector<int32_t> labels(batch, 0); // read by nothing that is kept
  bool host = deviceIsHost();
  std::vector<void *> args;
  for (size_t i = 0; i < values.size(); ++i)
    args.push_back(host ? values[i].data() : deviceValues[i].memory);
  if (host) {
    args.push_back(const_cast<float *>(images));
    args.push_back(labels.data());
    args.push_back(out);
    alex_features(args.data());
    return true;
  }
  if (!deviceFeatures.memory)
    deviceFeatures = deviceBuffer(featureBytes);
  copyToDevice(deviceImages.memory, images, imageBytes);
  copyToDevice(deviceLabels.memory, labels.data(), batch * sizeof(int32_t));
  args.push_back(deviceImages.memory);
  args.push_back(deviceLabels.memory);
  args.push_back(deviceFeatures.memory);
  // A plain call, not runEntryPoint's CUDA graph: a graph saves a step's
  // launch overhead (~140 launches a device), which adds up over the
  // thousands of steps of training; features and neighbours make one pass
  // over a split with a forward half as long.
  alex_features(args.data());
  copyToHost(out, deviceFeatures.memory, featureBytes);
  return true;
}

float Session::forward(const float *images, const int32_t *labels,
                       float *logits) {
  return run(alex_forward, /*training=*/false, images, labels, logits);
}
