//===- EvaluationTest.cpp - what counts as correct, and the loss ----------===//

#include "runtime/training/Evaluation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace alexrt;

namespace {
/// The errors of `images` images all given `logits`, labels 0, 1, ...
Evaluation scoreAll(const std::vector<float> &logits, int images) {
  Evaluation result;
  int64_t classes = int64_t(logits.size());
  for (int i = 0; i < images; ++i)
    result.add(logits.data(), 1, classes, classes, int32_t(i % classes));
  result.finish();
  return result;
}
} // namespace

TEST(Evaluation, ConstantOutputsAreWrongForEveryLabel) {
  // A model that gives every class the same score knows nothing: no image
  // counts as correct, at top-1 or top-5, whatever its label.
  std::vector<float> same(10, 0.25f);
  Evaluation result = scoreAll(same, 20);
  EXPECT_EQ(result.top1Error, 1.0);
  EXPECT_EQ(result.top5Error, 1.0);
  EXPECT_NEAR(result.loss, std::log(10.0), 1e-12);
}

TEST(Evaluation, NaNOutputsAreWrongAndTheLossSaysSo) {
  std::vector<float> nan(10, std::numeric_limits<float>::quiet_NaN());
  Evaluation result = scoreAll(nan, 10);
  EXPECT_EQ(result.top1Error, 1.0);
  EXPECT_EQ(result.top5Error, 1.0);
  EXPECT_TRUE(std::isnan(result.loss));
  // Infinite logits give NaN probabilities as well.
  std::vector<float> infinite(10, 1.0f);
  infinite[3] = std::numeric_limits<float>::infinity();
  Evaluation blown = scoreAll(infinite, 10);
  EXPECT_EQ(blown.top1Error, 1.0);
  EXPECT_FALSE(std::isfinite(blown.loss));
}

TEST(InTopK, TiesCountAgainstTheLabel) {
  float scores[] = {1, 3, 3, 2, 0, 0, 0};
  // Class 1 ties with class 2 for first place: not top-1, but top-2.
  EXPECT_FALSE(inTopK(scores, 7, 1, 1));
  EXPECT_TRUE(inTopK(scores, 7, 1, 2));
  // Class 3 is third: top-3 and top-5, not top-2.
  EXPECT_FALSE(inTopK(scores, 7, 3, 2));
  EXPECT_TRUE(inTopK(scores, 7, 3, 3));
  // Class 4 ties with 5 and 6 below four others: 6 classes as high.
  EXPECT_FALSE(inTopK(scores, 7, 4, 5));
  EXPECT_FALSE(inTopK(scores, 7, 4, 6));
  EXPECT_TRUE(inTopK(scores, 7, 4, 7));
  // A strict maximum is top-1.
  float clear[] = {0, 5, 1};
  EXPECT_TRUE(inTopK(clear, 3, 1, 1));
  // Another class's NaN counts as high as the label.
  float other[] = {std::numeric_limits<float>::quiet_NaN(), 5, 1};
  EXPECT_FALSE(inTopK(other, 3, 1, 1));
}

TEST(Evaluation, TopFiveOfTenClasses) {
  // The label is the 5th highest: a top-1 error, top-5 correct; the 6th:
  // wrong at both.
  std::vector<float> logits = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
  Evaluation fifth, sixth;
  fifth.add(logits.data(), 1, 10, 10, 4);
  sixth.add(logits.data(), 1, 10, 10, 5);
  fifth.finish();
  sixth.finish();
  EXPECT_EQ(fifth.top1Error, 1.0);
  EXPECT_EQ(fifth.top5Error, 0.0);
  EXPECT_EQ(sixth.top5Error, 1.0);
  // The loss: -log of the label's softmax probability.
  double sum = 0;
  for (float l : logits)
    sum += std::exp(double(l));
  EXPECT_NEAR(fifth.loss, -std::log(std::exp(5.0) / sum), 1e-12);
}

TEST(Evaluation, TenViewsAverageTheirProbabilities) {
  // Two views that disagree: the averaged softmax decides.
  std::vector<float> views = {4, 0, 0, /*view 2:*/ 0, 1, 0};
  Evaluation result;
  result.add(views.data(), 2, 3, 3, 0);
  result.finish();
  EXPECT_EQ(result.top1Error, 0.0);
  std::vector<double> p = averagedSoftmax(views.data(), 2, 3, 3);
  double first = std::exp(4.0) / (std::exp(4.0) + 2),
         second = 1 / (2 + std::exp(1.0));
  EXPECT_NEAR(p[0], (first + second) / 2, 1e-12);
}
