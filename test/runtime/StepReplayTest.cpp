//===- StepReplayTest.cpp - when a step is captured or replayed -----------===//

#include "runtime/devices/StepReplay.h"

#include <gtest/gtest.h>

using namespace alexrt;

namespace {
void trainStep(void **) {}
void forward(void **) {}
} // namespace

TEST(StepReplay, FirstCallEagerThenCaptureThenReplay) {
  StepReplay policy;
  std::vector<void *> buffers{&policy, nullptr};
  EXPECT_EQ(policy.next(trainStep, buffers, true), ReplayAction::Eager);
  EXPECT_EQ(policy.next(trainStep, buffers, true), ReplayAction::Capture);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(policy.next(trainStep, buffers, true), ReplayAction::Replay);
}

TEST(StepReplay, EntryPointsAreCountedApart) {
  StepReplay policy;
  std::vector<void *> buffers{&policy};
  EXPECT_EQ(policy.next(trainStep, buffers, true), ReplayAction::Eager);
  EXPECT_EQ(policy.next(trainStep, buffers, true), ReplayAction::Capture);
  // The forward pass loads its own kernels on its first call.
  EXPECT_EQ(policy.next(forward, buffers, true), ReplayAction::Eager);
  EXPECT_EQ(policy.next(forward, buffers, true), ReplayAction::Capture);
  EXPECT_EQ(policy.next(trainStep, buffers, true), ReplayAction::Replay);
  EXPECT_EQ(policy.next(forward, buffers, true), ReplayAction::Replay);
}

TEST(StepReplay, OtherBuffersAreCapturedAnew) {
  StepReplay policy;
  int a = 0, b = 0;
  std::vector<void *> first{&a}, second{&b};
  policy.next(trainStep, first, true);
  EXPECT_EQ(policy.next(trainStep, first, true), ReplayAction::Capture);
  EXPECT_EQ(policy.next(trainStep, second, true), ReplayAction::Capture);
  EXPECT_EQ(policy.next(trainStep, second, true), ReplayAction::Replay);
  EXPECT_EQ(policy.next(trainStep, first, true), ReplayAction::Capture);
}

TEST(StepReplay, DisabledIsAlwaysEager) {
  StepReplay policy;
  std::vector<void *> buffers{&policy};
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(policy.next(trainStep, buffers, false), ReplayAction::Eager);
}
