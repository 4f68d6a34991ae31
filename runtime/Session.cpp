//===- Session.cpp - a compiled model's memory and its entry points -------===//

#include "runtime/Session.h"

#include "runtime/alexrt.h"

using namespace alexrt;

Status Session::open() {
  Status status = parseModelInfo(alex_model_descriptor,
                                 size_t(alex_model_descriptor_size), info);
  if (!status.ok())
    return status;
  values.clear();
  momenta.clear();
  for (const ParamSpec &param : info.params) {
    values.emplace_back(size_t(param.numElements()));
    momenta.emplace_back(size_t(param.numElements()));
  }
  return Status::success();
}

void Session::initialize(uint64_t seed) {
  for (size_t i = 0; i < info.params.size(); ++i) {
    initParam(info.params[i], seed, i, values[i].data());
    std::fill(momenta[i].begin(), momenta[i].end(), 0.0f);
  }
  state = TrainingProgress();
  state.seed = seed;
  state.learningRate = info.lr;
}

std::vector<TensorBuffers> Session::buffers() const {
  std::vector<TensorBuffers> result;
  for (size_t i = 0; i < info.params.size(); ++i)
    result.push_back({info.params[i].name, info.params[i].shape,
                      const_cast<float *>(values[i].data()),
                      const_cast<float *>(momenta[i].data())});
  return result;
}

Status Session::load(const std::string &path) {
  return loadWeights(path, modelSignature(info.params), state, buffers());
}

Status Session::save(const std::string &path) const {
  return saveWeights(path, info.name, modelSignature(info.params), state,
                     buffers());
}

float Session::trainStep(float *images, int32_t *labels, float *logits) {
  int64_t step = state.step;
  float lr = float(state.learningRate), loss = 0;
  std::vector<void *> args;
  for (auto &value : values)
    args.push_back(value.data());
  for (auto &momentum : momenta)
    args.push_back(momentum.data());
  for (void *arg : {(void *)images, (void *)labels, (void *)&step, (void *)&lr,
                    (void *)&loss, (void *)logits})
    args.push_back(arg);
  alex_train_step(args.data());
  ++state.step;
  return loss;
}

float Session::forward(float *images, int32_t *labels, float *logits) {
  float loss = 0;
  std::vector<void *> args;
  for (auto &value : values)
    args.push_back(value.data());
  for (void *arg :
       {(void *)images, (void *)labels, (void *)&loss, (void *)logits})
    args.push_back(arg);
  alex_forward(args.data());
  return loss;
}
