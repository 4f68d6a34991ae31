//===- AugmentTest.cpp - crops, flips, lighting noise, test views, top-k --===//

#include "runtime/data/images/Augment.h"
#include "runtime/training/Evaluation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

using namespace alexrt;

namespace {
/// The paper's geometry scaled down: 12x12 crops of 16x16 RGB squares,
/// with a made-up orthonormal colour basis.
Augmentation smallAugmentation() {
  Augmentation augment;
  augment.channels = 3;
  augment.height = augment.width = 12;
  augment.sourceHeight = augment.sourceWidth = 16;
  augment.lighting = 0.1;
  augment.eigenvalues = {0.2, 0.05, 0.01};
  const double s = 1 / std::sqrt(2.0), t = 1 / std::sqrt(3.0),
               u = 1 / std::sqrt(6.0);
  // Columns: (1,1,1)/sqrt3, (1,-1,0)/sqrt2, (1,1,-2)/sqrt6.
  augment.eigenvectors = {t, s, u, t, -s, u, t, 0, -2 * u};
  return augment;
}
} // namespace

// Offsets cover every position, flips are about half, each image's choices
// are a pure function of (seed, epoch, index), and epochs differ.
TEST(Augment, TrainingViewsAreUniformAndPure) {
  Augmentation augment = smallAugmentation();
  std::map<int64_t, int> ys, xs;
  int mirrored = 0, sameNextEpoch = 0;
  const int n = 4000;
  for (int64_t i = 0; i < n; ++i) {
    CropView view = augment.trainingView(7, 3, i);
    CropView again = augment.trainingView(7, 3, i);
    ASSERT_EQ(view.y, again.y);
    ASSERT_EQ(view.x, again.x);
    ASSERT_EQ(view.mirror, again.mirror);
    ASSERT_EQ(view.shift, again.shift);
    ASSERT_GE(view.y, 0);
    ASSERT_LE(view.y, 4);
    ASSERT_GE(view.x, 0);
    ASSERT_LE(view.x, 4);
    ++ys[view.y];
    ++xs[view.x];
    mirrored += view.mirror;
    CropView next = augment.trainingView(7, 4, i);
    sameNextEpoch += next.y == view.y && next.x == view.x &&
                     next.mirror == view.mirror && next.shift == view.shift;
  }
  EXPECT_EQ(ys.size(), 5u);
  EXPECT_EQ(xs.size(), 5u);
  for (auto [offset, count] : ys)
    EXPECT_NEAR(count, n / 5, 120) << "y offset " << offset;
  for (auto [offset, count] : xs)
    EXPECT_NEAR(count, n / 5, 120) << "x offset " << offset;
  EXPECT_NEAR(mirrored, n / 2, 150);
  EXPECT_EQ(sameNextEpoch, 0);
}

// The lighting shift is sum_i p_i a_i lambda_i: projected back onto the
// eigenvectors, a_i = (p_i . shift) / lambda_i must look like N(0, 0.1).
TEST(Augment, LightingNoiseHasThePapersDistribution) {
  Augmentation augment = smallAugmentation();
  const int n = 20000;
  double sum[3] = {}, squares[3] = {};
  for (int64_t index = 0; index < n; ++index) {
    CropView view = augment.trainingView(1, 0, index);
    for (int i = 0; i < 3; ++i) {
      double projection = 0;
      for (int k = 0; k < 3; ++k)
        projection += augment.eigenvectors[size_t(k * 3 + i)] *
                      double(view.shift[size_t(k)]);
      double a = projection / augment.eigenvalues[size_t(i)];
      sum[i] += a;
      squares[i] += a * a;
    }
  }
  for (int i = 0; i < 3; ++i) {
    double mean = sum[i] / n;
    double std = std::sqrt(squares[i] / n - mean * mean);
    EXPECT_NEAR(mean, 0.0, 0.004) << "a_" << i;
    EXPECT_NEAR(std, 0.1, 0.003) << "a_" << i;
  }
  augment.lighting = 0;
  EXPECT_EQ(augment.trainingView(1, 0, 5).shift,
            (std::array<float, 3>{0, 0, 0}));
}

// render() against the definition, written out in double: crop at (y, x),
// mirrored, pixels / 255, minus the mean (per pixel, in source coordinates,
// or per channel), plus the shift; with a model's `normalize`, divided by
// the channel's std as well (torchvision's ToTensor, then Normalize).
TEST(Augment, RenderMatchesDefinition) {
  std::mt19937 random(4);
  Image image;
  image.resize(16, 16, 3);
  for (uint8_t &pixel : image.pixels)
    pixel = uint8_t(random() % 256);
  std::vector<float> pixelMean(16 * 16 * 3);
  for (float &mean : pixelMean)
    mean = float(random() % 1000) / 1000.0f;
  ModelInfo normalised;
  normalised.normalizeMean = {0.485f, 0.456f, 0.406f};
  normalised.normalizeStd = {0.229f, 0.224f, 0.225f};
  enum class Mean { PerPixel, PerChannel, Normalised };
  for (Mean kind : {Mean::PerPixel, Mean::PerChannel, Mean::Normalised}) {
    Augmentation augment = smallAugmentation();
    augment.mean = kind == Mean::PerPixel
                       ? pixelMean
                       : std::vector<float>{0.4f, 0.5f, 0.6f};
    if (kind == Mean::Normalised)
      augment.normalizeBy(normalised);
    for (int64_t index = 0; index < 20; ++index) {
      CropView view = augment.trainingView(2, 1, index);
      std::vector<float> out(3 * 12 * 12);
      augment.render(image, view, out.data());
      for (int64_t c = 0; c < 3; ++c)
        for (int64_t y = 0; y < 12; ++y)
          for (int64_t x = 0; x < 12; ++x) {
            int64_t sy = view.y + y;
            int64_t sx = view.mirror ? view.x + 11 - x : view.x + x;
            double mean = kind == Mean::PerPixel
                              ? pixelMean[size_t((sy * 16 + sx) * 3 + c)]
                              : augment.mean[size_t(c)];
            double std = kind == Mean::Normalised
                             ? normalised.normalizeStd[size_t(c)]
                             : 1.0;
            double expected =
                (image.pixels[size_t((sy * 16 + sx) * 3 + c)] / 255.0 - mean +
                 double(view.shift[size_t(c)])) /
                std;
            ASSERT_NEAR(out[size_t((c * 12 + y) * 12 + x)], expected, 2e-6);
          }
    }
  }
}

// The paper's 10 views: 4 corners and the centre, then the same mirrored.
TEST(Augment, TestViewGeometry) {
  Augmentation augment = smallAugmentation();
  augment.sourceWidth = 20; // not square: the corners differ per axis
  std::vector<CropView> one = augment.testViews(1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].y, 2);
  EXPECT_EQ(one[0].x, 4);
  EXPECT_FALSE(one[0].mirror);
  std::vector<CropView> ten = augment.testViews(10);
  ASSERT_EQ(ten.size(), 10u);
  const int64_t expected[5][2] = {{0, 0}, {0, 8}, {4, 0}, {4, 8}, {2, 4}};
  for (size_t v = 0; v < 10; ++v) {
    EXPECT_EQ(ten[v].y, expected[v % 5][0]) << v;
    EXPECT_EQ(ten[v].x, expected[v % 5][1]) << v;
    EXPECT_EQ(ten[v].mirror, v >= 5) << v;
    EXPECT_EQ(ten[v].shift, (std::array<float, 3>{0, 0, 0}));
  }
}

// Top-1/top-5 and the loss of averaged softmax outputs, by hand.
TEST(Evaluation, TopKAndAveragedSoftmax) {
  Evaluation result;
  // 7 classes; the label's rank is 0, 3 and 5 in three images.
  const float logits[3][7] = {
      {5, 1, 0, 0, 0, 0, 0}, {6, 5, 4, 3, 2, 1, 0}, {6, 5, 4, 3, 2, 1, 0}};
  result.add(logits[0], 1, 7, 7, 0);
  result.add(logits[1], 1, 7, 7, 3);
  result.add(logits[2], 1, 7, 7, 5);
  double loss0 = std::log(std::exp(5.0) + std::exp(1.0) + 5) - 5;
  double total1 = 0;
  for (int c = 0; c <= 6; ++c)
    total1 += std::exp(double(c));
  double loss1 = std::log(total1) - 3, loss2 = std::log(total1) - 1;
  result.finish();
  EXPECT_EQ(result.images, 3);
  EXPECT_NEAR(result.top1Error, 2.0 / 3, 1e-12);
  EXPECT_NEAR(result.top5Error, 1.0 / 3, 1e-12);
  EXPECT_NEAR(result.loss, (loss0 + loss1 + loss2) / 3, 1e-9);

  // Two views: softmax outputs (not logits) are averaged. View 1 is sure
  // of class 0, view 2 mildly prefers class 1: the average picks class 0.
  Evaluation views;
  const float two[2][2] = {{10, 0}, {0, 1}};
  views.add(two[0], 2, 2, 2, 1);
  views.finish();
  double p1 = 0.5 * (1 / (1 + std::exp(10.0)) + 1 / (1 + std::exp(-1.0)));
  EXPECT_NEAR(views.loss, -std::log(p1), 1e-9);
  EXPECT_EQ(views.top1Error, 1.0);
  EXPECT_EQ(views.top5Error, 0.0); // only 2 classes
}
