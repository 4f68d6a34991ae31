//===- ScheduleTest.cpp - learning-rate schedules over epochs -------------===//

#include "runtime/training/Schedule.h"

#include <gtest/gtest.h>

using namespace alexrt;

namespace {
/// Runs `errors.size()` epochs and returns the rate after each.
std::vector<double> run(const ModelInfo &model,
                        const std::vector<double> &errors) {
  TrainingProgress progress;
  progress.learningRate = model.lr;
  std::vector<double> rates;
  for (double error : errors) {
    ++progress.epoch;
    updateSchedule(model, progress, error);
    rates.push_back(progress.learningRate);
  }
  return rates;
}

ModelInfo withSchedule(ModelInfo::Schedule schedule) {
  ModelInfo model;
  model.lr = 1.0;
  model.schedule = schedule;
  model.factor = 0.1;
  return model;
}
} // namespace

TEST(Schedule, ConstantNeverChanges) {
  ModelInfo model = withSchedule(ModelInfo::Schedule::Constant);
  EXPECT_EQ(run(model, {0.5, 0.6, 0.7}), (std::vector<double>{1, 1, 1}));
}

TEST(Schedule, StepDropsEveryNEpochs) {
  ModelInfo model = withSchedule(ModelInfo::Schedule::Step);
  model.every = 2;
  std::vector<double> rates = run(model, {0.5, 0.5, 0.5, 0.5, 0.5});
  EXPECT_DOUBLE_EQ(rates[0], 1.0);
  EXPECT_DOUBLE_EQ(rates[1], 0.1);
  EXPECT_DOUBLE_EQ(rates[2], 0.1);
  EXPECT_DOUBLE_EQ(rates[3], 0.01);
  EXPECT_DOUBLE_EQ(rates[4], 0.01);
}

// The paper: divide by 10 when the validation error stops improving, three
// times in all.
TEST(Schedule, PlateauWaitsForPatienceAndStopsAtMaxDrops) {
  ModelInfo model = withSchedule(ModelInfo::Schedule::Plateau);
  model.patience = 2;
  model.maxDrops = 2;
  // Epochs: better, stuck, stuck (drop), better, stuck, stuck (drop), then
  // stuck four times with no drops left.
  std::vector<double> rates =
      run(model, {0.5, 0.5, 0.6, 0.4, 0.4, 0.45, 0.4, 0.4, 0.4, 0.4});
  std::vector<double> expected = {1,    1,    0.1,  0.1,  0.1,
                                  0.01, 0.01, 0.01, 0.01, 0.01};
  ASSERT_EQ(rates.size(), expected.size());
  for (size_t i = 0; i < rates.size(); ++i)
    EXPECT_NEAR(rates[i], expected[i], 1e-12) << "epoch " << i + 1;
}

TEST(Schedule, PlateauWithoutLimitKeepsDropping) {
  ModelInfo model = withSchedule(ModelInfo::Schedule::Plateau);
  model.patience = 1;
  std::vector<double> rates = run(model, {0.5, 0.5, 0.5, 0.5});
  EXPECT_NEAR(rates[3], 1e-3, 1e-15);
}
