//===- LoaderTest.cpp - batches ahead of the step, in order ---------------===//

#include "runtime/data/Loader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

using namespace alexrt;

namespace {
/// Item i: images all equal to i, labels to i * 10 (slow on odd items, so
/// workers finish out of order).
Status fillItem(int64_t item, float *images, int32_t *labels) {
  if (item % 2)
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  for (int i = 0; i < 64; ++i)
    images[i] = float(item);
  for (int i = 0; i < 4; ++i)
    labels[i] = int32_t(item * 10);
  return Status::success();
}
} // namespace

TEST(Loader, ItemsArriveInOrderForAnyThreadCount) {
  for (int threads : {0, 1, 2, 5}) {
    Loader loader(40, 64, 4, threads, 3, fillItem);
    for (int64_t item = 0; item < 40; ++item) {
      const float *images;
      const int32_t *labels;
      ASSERT_TRUE(loader.next(images, labels).ok());
      for (int i = 0; i < 64; ++i)
        ASSERT_EQ(images[i], float(item)) << threads << " threads";
      ASSERT_EQ(labels[3], item * 10);
    }
    const float *images;
    const int32_t *labels;
    EXPECT_FALSE(loader.next(images, labels).ok());
  }
}

// A slot is never refilled while the consumer still reads it.
TEST(Loader, HeldItemIsNotOverwritten) {
  Loader loader(30, 64, 4, 4, 2, fillItem);
  for (int64_t item = 0; item < 30; ++item) {
    const float *images;
    const int32_t *labels;
    ASSERT_TRUE(loader.next(images, labels).ok());
    std::this_thread::sleep_for(std::chrono::microseconds(300));
    ASSERT_EQ(images[63], float(item));
  }
}

TEST(Loader, ErrorsReachTheConsumerAndStoppingEarlyDoesNotHang) {
  std::atomic<int> calls{0};
  Loader loader(1000, 64, 4, 3, 4,
                [&](int64_t item, float *images, int32_t *labels) {
                  ++calls;
                  if (item == 2)
                    return Status::error("record 2 is damaged");
                  return fillItem(item, images, labels);
                });
  const float *images;
  const int32_t *labels;
  EXPECT_TRUE(loader.next(images, labels).ok());
  EXPECT_TRUE(loader.next(images, labels).ok());
  Status status = loader.next(images, labels);
  EXPECT_EQ(status.message(), "record 2 is damaged");
  // The destructor stops the workers with most items never made.
  EXPECT_LT(calls.load(), 20);
}
