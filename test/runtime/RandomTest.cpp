//===- RandomTest.cpp - Philox and the random streams ---------------------===//

#include "runtime/Random.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace alexrt;

// Known-answer vectors of Philox4x32-10 from the Random123 distribution
// (kat_vectors), independent of this implementation.
TEST(Philox, KnownAnswers) {
  using Words = std::array<uint32_t, 4>;
  EXPECT_EQ(philox4x32({0, 0, 0, 0}, {0, 0}),
            (Words{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
                       {0xffffffff, 0xffffffff}),
            (Words{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(philox4x32({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                       {0xa4093822, 0x299f31d0}),
            (Words{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(RandomStream, SameInputsSameNumbers) {
  RandomStream a(42, 7), b(42, 7), otherStream(42, 8), otherSeed(43, 7);
  int differentStream = 0, differentSeed = 0;
  for (uint64_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(a.normal(i), b.normal(i));
    differentStream += a.uniform(i) != otherStream.uniform(i);
    differentSeed += a.uniform(i) != otherSeed.uniform(i);
  }
  EXPECT_GT(differentStream, 990);
  EXPECT_GT(differentSeed, 990);
}

TEST(RandomStream, UniformAndNormalMoments) {
  RandomStream random(1, streamId(Purpose::Init, 3));
  const int n = 200000;
  double sumU = 0, sumN = 0, sumN2 = 0;
  for (int i = 0; i < n; ++i) {
    float u = random.uniform(i);
    ASSERT_GE(u, 0.0f);
    ASSERT_LT(u, 1.0f);
    sumU += u;
    double z = random.normal(i);
    sumN += z;
    sumN2 += z * z;
  }
  // Standard errors: 0.29/sqrt(n) ~ 6.5e-4 and 1/sqrt(n) ~ 2.2e-3.
  EXPECT_NEAR(sumU / n, 0.5, 0.004);
  EXPECT_NEAR(sumN / n, 0.0, 0.012);
  EXPECT_NEAR(std::sqrt(sumN2 / n), 1.0, 0.012);
}

TEST(RandomStream, PurposesDoNotShareStreams) {
  EXPECT_NE(streamId(Purpose::Init, 0), streamId(Purpose::Dropout, 0));
  EXPECT_NE(streamId(Purpose::Shuffle, 5), streamId(Purpose::Augment, 5));
  EXPECT_EQ(streamId(Purpose::Init, 5) >> 56, uint64_t(Purpose::Init));
}
