//===- Params.cpp - parameter initialisation and model signatures ---------===//

#include "runtime/model/Params.h"

#include "runtime/Random.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

using namespace alexrt;

std::string alexrt::shapeText(const std::vector<int64_t> &shape) {
  std::string text;
  for (int64_t dim : shape)
    text += (text.empty() ? "" : "x") + std::to_string(dim);
  return text.empty() ? "()" : text;
}

int64_t alexrt::elementCount(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

void alexrt::xavierFans(const std::vector<int64_t> &shape, int64_t &fanIn,
                        int64_t &fanOut) {
  if (shape.size() < 2) {
    fanIn = fanOut = shape.empty() ? 1 : shape[0];
    return;
  }
  int64_t receptive = 1;
  for (size_t i = 2; i < shape.size(); ++i)
    receptive *= shape[i];
  fanIn = shape[1] * receptive;
  fanOut = shape[0] * receptive;
}

/// out[i] = value(i) for i in [0, count), on every core for large tensors.
/// Each element depends on its index alone: the same bits for any count.
template <typename ValueAt>
static void fillInParallel(float *out, int64_t count, const ValueAt &value) {
  auto fill = [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      out[i] = value(i);
  };
  int64_t threads =
      count < (int64_t(1) << 20)
          ? 1
          : std::max<int64_t>(1, std::thread::hardware_concurrency());
  int64_t chunk = (count + threads - 1) / threads;
  std::vector<std::thread> workers;
  for (int64_t t = 1; t < threads; ++t)
    workers.emplace_back(fill, std::min(count, t * chunk),
                         std::min(count, (t + 1) * chunk));
  fill(0, std::min(count, chunk));
  for (std::thread &worker : workers)
    worker.join();
}

void alexrt::initParam(const ParamSpec &param, uint64_t seed,
                       uint64_t paramIndex, float *out) {
  int64_t count = param.numElements();
  RandomStream random(seed, streamId(Purpose::Init, paramIndex));
  const InitRule &rule = param.init;
  switch (rule.kind) {
  case InitRule::Kind::Constant:
    std::fill(out, out + count, float(rule.value));
    return;
  case InitRule::Kind::Gaussian:
    fillInParallel(out, count, [&](int64_t i) {
      return float(rule.mean + rule.std * random.normal(i));
    });
    return;
  case InitRule::Kind::Xavier: {
    int64_t fanIn, fanOut;
    xavierFans(param.shape, fanIn, fanOut);
    double bound = rule.gain * std::sqrt(6.0 / double(fanIn + fanOut));
    fillInParallel(out, count, [&](int64_t i) {
      return float(bound * (2.0 * random.uniform(i) - 1.0));
    });
    return;
  }
  }
}

uint64_t alexrt::modelSignature(const std::vector<ParamSpec> &params) {
  uint64_t hash = 0xcbf29ce484222325ull;
  auto mix = [&](const void *data, size_t size) {
    const unsigned char *bytes = static_cast<const unsigned char *>(data);
    for (size_t i = 0; i < size; ++i) {
      hash ^= bytes[i];
      hash *= 0x100000001b3ull;
    }
  };
  for (const ParamSpec &param : params) {
    mix(param.name.data(), param.name.size() + 1); // with the NUL: a boundary
    uint64_t rank = param.shape.size();
    mix(&rank, sizeof(rank));
    mix(param.shape.data(), param.shape.size() * sizeof(int64_t));
  }
  return hash;
}
