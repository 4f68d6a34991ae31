//===- PretrainedTest.cpp - train --init's partial load -------------------===//

#include "runtime/model/Pretrained.h"
#include "TempDir.h"
#include "runtime/model/Safetensors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace alexrt;

namespace {
/// A file's tensors: a (2x3) and b (4), which the model shares by name,
/// and extra, which it has not.
struct Source {
  std::vector<float> a{1, 2, 3, 4, 5, 6},
      am = std::vector<float>(6), b{7, 8, 9, 10}, bm = std::vector<float>(4),
      extra{11, 12}, em = std::vector<float>(2);
  std::vector<TensorBuffers> tensors() {
    return {{"a", {2, 3}, a.data(), am.data()},
            {"b", {4}, b.data(), bm.data()},
            {"extra", {2}, extra.data(), em.data()}};
  }
};

/// The model: a as in the file, b of another shape, c not in the file.
struct Model {
  std::vector<float> a = std::vector<float>(6, -1.0f),
                     b = std::vector<float>(5, -1.0f),
                     c = std::vector<float>(3, -1.0f);
  std::vector<TensorBuffers> tensors() {
    return {{"a", {2, 3}, a.data(), nullptr},
            {"b", {5}, b.data(), nullptr},
            {"c", {3}, c.data(), nullptr}};
  }
};
} // namespace

TEST(Pretrained, TakesWhatAgreesFromEitherFormat) {
  TempDir dir;
  Source source;
  ASSERT_TRUE(
      saveWeights(dir.file("w.fb"), "other", 1, {}, {}, source.tensors()).ok());
  ASSERT_TRUE(
      writeSafetensors(dir.file("w.safetensors"), source.tensors(), {}).ok());
  for (const char *file : {"w.fb", "w.safetensors"}) {
    Model model;
    PretrainedReport report;
    Status status = loadPretrained(dir.file(file), model.tensors(), report);
    ASSERT_TRUE(status.ok()) << file << ": " << status.message();
    EXPECT_EQ(model.a, source.a) << file;
    EXPECT_EQ(model.b, std::vector<float>(5, -1.0f)) << file;
    EXPECT_EQ(model.c, std::vector<float>(3, -1.0f)) << file;
    EXPECT_EQ(report.loaded, std::vector<std::string>{"a"});
    EXPECT_EQ(report.reinitialised,
              (std::vector<std::string>{"b (the file's 4, the model's 5)",
                                        "c (not in the file)"}));
    EXPECT_EQ(report.unused, std::vector<std::string>{"extra"});
  }
}

TEST(Pretrained, RefusesNonFiniteOrForeignFilesAndWritesNothing) {
  TempDir dir;
  Source source;
  source.a[4] = std::nanf("");
  ASSERT_TRUE(
      saveWeights(dir.file("nan.fb"), "other", 1, {}, {}, source.tensors())
          .ok());
  Model model;
  PretrainedReport report;
  Status status = loadPretrained(dir.file("nan.fb"), model.tensors(), report);
  EXPECT_NE(status.message().find("holds 1 NaN"), std::string::npos)
      << status.message();
  EXPECT_EQ(model.a, std::vector<float>(6, -1.0f));

  Source other;
  std::vector<TensorBuffers> renamed = other.tensors();
  for (TensorBuffers &tensor : renamed)
    tensor.name = "features." + tensor.name;
  ASSERT_TRUE(
      writeSafetensors(dir.file("torch.safetensors"), renamed, {}).ok());
  status =
      loadPretrained(dir.file("torch.safetensors"), model.tensors(), report);
  EXPECT_NE(status.message().find("has no parameter of this model"),
            std::string::npos)
      << status.message();
}
