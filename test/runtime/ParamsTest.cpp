//===- ParamsTest.cpp - initialisation rules and model signatures ---------===//

#include "runtime/model/Params.h"
#include "runtime/Random.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace alexrt;

namespace {
ParamSpec param(std::vector<int64_t> shape, InitRule rule) {
  return ParamSpec{"layer.weight", std::move(shape), rule};
}

void moments(const std::vector<float> &values, double &mean, double &std) {
  double sum = 0, sum2 = 0;
  for (float v : values) {
    sum += v;
    sum2 += double(v) * v;
  }
  mean = sum / values.size();
  std = std::sqrt(sum2 / values.size() - mean * mean);
}
} // namespace

TEST(InitParam, Constant) {
  InitRule rule;
  rule.kind = InitRule::Kind::Constant;
  rule.value = 1.0;
  ParamSpec spec = param({256}, rule);
  std::vector<float> values(256, -5.0f);
  initParam(spec, 1, 0, values.data());
  for (float v : values)
    EXPECT_EQ(v, 1.0f);
}

TEST(InitParam, GaussianHasTheRequestedMoments) {
  InitRule rule;
  rule.kind = InitRule::Kind::Gaussian;
  rule.std = 0.01;
  rule.mean = 0.5;
  ParamSpec spec = param({96, 3, 11, 11}, rule); // conv1: 34,848 weights
  std::vector<float> values(spec.numElements());
  initParam(spec, 1, 0, values.data());
  double mean, std;
  moments(values, mean, std);
  EXPECT_NEAR(mean, 0.5, 3 * 0.01 / std::sqrt(values.size()) * 2);
  EXPECT_NEAR(std, 0.01, 0.0003);
}

TEST(InitParam, XavierBoundsAndVariance) {
  InitRule rule;
  rule.kind = InitRule::Kind::Xavier;
  ParamSpec spec = param({64, 32, 3, 3}, rule);
  int64_t fanIn, fanOut;
  xavierFans(spec.shape, fanIn, fanOut);
  EXPECT_EQ(fanIn, 32 * 9);
  EXPECT_EQ(fanOut, 64 * 9);
  double bound = std::sqrt(6.0 / (fanIn + fanOut));
  std::vector<float> values(spec.numElements());
  initParam(spec, 3, 1, values.data());
  double mean, std;
  moments(values, mean, std);
  for (float v : values)
    ASSERT_LE(std::fabs(v), bound);
  EXPECT_NEAR(std, bound / std::sqrt(3.0), 0.02 * bound);
  EXPECT_NEAR(mean, 0.0, 0.02 * bound);
}

TEST(InitParam, DenseFans) {
  int64_t fanIn, fanOut;
  xavierFans({4096, 9216}, fanIn, fanOut);
  EXPECT_EQ(fanIn, 9216);
  EXPECT_EQ(fanOut, 4096);
}

TEST(InitParam, SeedAndIndexDecide) {
  InitRule rule;
  rule.kind = InitRule::Kind::Gaussian;
  rule.std = 1;
  ParamSpec spec = param({1000}, rule);
  std::vector<float> a(1000), b(1000), c(1000), d(1000);
  initParam(spec, 7, 2, a.data());
  initParam(spec, 7, 2, b.data());
  initParam(spec, 8, 2, c.data());
  initParam(spec, 7, 3, d.data());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, d);
}

TEST(InitParam, LargeTensorsFilledOnThreadsMatchTheDefinition) {
  // 4,194,304 weights: filled by several threads, each element must still
  // be the rule applied to its own draw.
  InitRule rule;
  rule.kind = InitRule::Kind::Xavier;
  ParamSpec spec = param({4096, 1024}, rule);
  std::vector<float> values(spec.numElements());
  initParam(spec, 11, 5, values.data());
  int64_t fanIn, fanOut;
  xavierFans(spec.shape, fanIn, fanOut);
  double bound = std::sqrt(6.0 / double(fanIn + fanOut));
  RandomStream random(11, streamId(Purpose::Init, 5));
  for (int64_t i : {int64_t(0), int64_t(1), spec.numElements() / 2 - 1,
                    spec.numElements() / 2, spec.numElements() - 1})
    EXPECT_EQ(values[i], float(bound * (2.0 * random.uniform(i) - 1.0)))
        << "element " << i;
}

TEST(ModelSignature, NamesAndShapesMatter) {
  std::vector<ParamSpec> base = {{"conv1.weight", {96, 3, 11, 11}, {}},
                                 {"conv1.bias", {96}, {}}};
  std::vector<ParamSpec> renamed = base, reshaped = base, reordered = base;
  renamed[1].name = "conv1.biases";
  reshaped[0].shape = {96, 3, 11, 12};
  std::swap(reordered[0], reordered[1]);
  uint64_t signature = modelSignature(base);
  EXPECT_EQ(signature, modelSignature(base));
  EXPECT_NE(signature, modelSignature(renamed));
  EXPECT_NE(signature, modelSignature(reshaped));
  EXPECT_NE(signature, modelSignature(reordered));
  // Init rules are not part of the signature: weights stay loadable.
  std::vector<ParamSpec> reinit = base;
  reinit[0].init.kind = InitRule::Kind::Xavier;
  EXPECT_EQ(signature, modelSignature(reinit));
}
