//===- ModelInfoTest.cpp - decoding the embedded model descriptor ---------===//

#include "runtime/model/ModelInfo.h"

#include "runtime/model_generated.h"

#include <gtest/gtest.h>

using namespace alexrt;

namespace {
/// A descriptor as alexc's --alex-export-model writes one.
std::vector<uint8_t> descriptor(std::vector<int64_t> inputShape) {
  flatbuffers::FlatBufferBuilder b;
  auto name = b.CreateString("fc.weight");
  auto shape = b.CreateVector(std::vector<int64_t>{10, 784});
  fb::ParamBuilder param(b);
  param.add_name(name);
  param.add_shape(shape);
  param.add_init(fb::InitKind::Gaussian);
  param.add_std(0.01);
  auto params = b.CreateVector(std::vector{param.Finish()});
  auto input = b.CreateVector(inputShape);
  auto modelName = b.CreateString("linear");
  auto dataset = b.CreateString("fashion_mnist");
  fb::ModelBuilder model(b);
  model.add_name(modelName);
  model.add_params(params);
  model.add_input_shape(input);
  model.add_classes(10);
  model.add_batch(64);
  model.add_lr(0.01);
  model.add_schedule(fb::ScheduleKind::Plateau);
  model.add_schedule_patience(2);
  model.add_dataset(dataset);
  model.add_flip(true);
  b.Finish(model.Finish(), fb::ModelIdentifier());
  return std::vector<uint8_t>(b.GetBufferPointer(),
                              b.GetBufferPointer() + b.GetSize());
}
} // namespace

TEST(ModelInfo, DecodesWhatTheCompilerWrites) {
  std::vector<uint8_t> bytes = descriptor({1, 28, 28});
  ModelInfo info;
  Status status = parseModelInfo(bytes.data(), bytes.size(), info);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(info.name, "linear");
  ASSERT_EQ(info.params.size(), 1u);
  EXPECT_EQ(info.params[0].name, "fc.weight");
  EXPECT_EQ(info.params[0].shape, (std::vector<int64_t>{10, 784}));
  EXPECT_EQ(info.params[0].init.kind, InitRule::Kind::Gaussian);
  EXPECT_EQ(info.params[0].init.std, 0.01);
  EXPECT_EQ(info.params[0].init.gain, 1.0); // the schema's default
  EXPECT_EQ(info.imageSize(), 784);
  EXPECT_EQ(info.classes, 10);
  EXPECT_EQ(info.batch, 64);
  EXPECT_EQ(info.schedule, ModelInfo::Schedule::Plateau);
  EXPECT_EQ(info.patience, 2);
  EXPECT_EQ(info.dataset, "fashion_mnist");
  EXPECT_TRUE(info.flip);
  EXPECT_FALSE(info.randomCrop);
}

TEST(ModelInfo, RefusesDamagedDescriptors) {
  ModelInfo info;
  std::vector<uint8_t> bytes = descriptor({1, 28, 28});
  EXPECT_FALSE(parseModelInfo(bytes.data(), bytes.size() / 2, info).ok());
  std::vector<uint8_t> garbage(64, 0xAB);
  Status status = parseModelInfo(garbage.data(), garbage.size(), info);
  EXPECT_EQ(status.message(), "the embedded model descriptor is corrupted");
  std::vector<uint8_t> flat = descriptor({784});
  EXPECT_EQ(parseModelInfo(flat.data(), flat.size(), info).message(),
            "the model descriptor's input is not CxHxW");
}
