//===- ConvolutionTest.cpp - alexrt_conv2d_* against the definition -------===//
//
// The fp32 functions (the CPU twin's) and the _bf16 ones (oneDNN's) against
// one double-precision definition.
//
//===----------------------------------------------------------------------===//

#include "runtime/alexrt.h"

#include "runtime/ConvGeometry.h"
#include "runtime/cpu/Blas.h"
#include "test/runtime/Bf16Bits.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

using alexrt::ConvGeometry;

namespace {

/// Integers in [-period/2, period/2] times `scale`, in a scrambled order.
/// The step (13) is prime to every period used: with a step of 7 a period
/// of 7 gave a constant (the filters were all zero, and the forward and
/// input-gradient checks could not fail).
std::vector<float> pattern(size_t size, int period, float scale) {
  std::vector<float> values(size);
  for (size_t i = 0; i < size; ++i)
    values[i] = float(int((i * 13 + 3) % size_t(period)) - period / 2) * scale;
  return values;
}

/// The definition, in double: every (image, filter, output pixel, tap)
/// adds its product to y, and the matching gradient terms to dx and dw.
struct Reference {
  std::vector<double> y, dx, dw;

  Reference(const ConvGeometry &s, const std::vector<float> &x,
            const std::vector<float> &w, const std::vector<float> &dy)
      : y(size_t(s.batch * s.filters * s.outPixels())), dx(x.size()),
        dw(w.size()) {
    int64_t k = s.kernel;
    for (int64_t n = 0; n < s.batch; ++n)
      for (int64_t o = 0; o < s.filters; ++o) {
        int64_t g = o / s.filtersPerGroup();
        for (int64_t oh = 0; oh < s.outHeight; ++oh)
          for (int64_t ow = 0; ow < s.outWidth; ++ow) {
            size_t out = size_t(
                ((n * s.filters + o) * s.outHeight + oh) * s.outWidth + ow);
            for (int64_t c = 0; c < s.channelsPerGroup(); ++c)
              for (int64_t ky = 0; ky < k; ++ky)
                for (int64_t kx = 0; kx < k; ++kx) {
                  int64_t iy = oh * s.stride - s.pad + ky,
                          ix = ow * s.stride - s.pad + kx;
                  if (iy < 0 || iy >= s.height || ix < 0 || ix >= s.width)
                    continue;
                  size_t in =
                      size_t(((n * s.channels + g * s.channelsPerGroup() + c) *
                                  s.height +
                              iy) *
                                 s.width +
                             ix);
                  size_t tap = size_t(
                      ((o * s.channelsPerGroup() + c) * k + ky) * k + kx);
                  y[out] += double(x[in]) * w[tap];
                  dx[in] += double(dy[out]) * w[tap];
                  dw[tap] += double(dy[out]) * x[in];
                }
          }
      }
  }
};

void expectNear(const std::vector<float> &actual,
                const std::vector<double> &expected, const char *what) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i)
    ASSERT_NEAR(actual[i], expected[i], 1e-4 * (1 + std::fabs(expected[i])))
        << what << " element " << i;
}

void checkAgainstDefinition(const ConvGeometry &s) {
  std::vector<float> x = pattern(size_t(s.batch * s.channels * s.inPixels()),
                                 11, 0.25f),
                     w = pattern(size_t(s.filters * s.patch()), 7, 0.125f),
                     dy = pattern(size_t(s.batch * s.filters * s.outPixels()),
                                  5, 0.5f);
  Reference expected(s, x, w, dy);
  // Outputs start as garbage: each function overwrites its own.
  std::vector<float> y(expected.y.size(), NAN), dx(x.size(), NAN),
      dw(w.size(), NAN);
#define SHAPE                                                                  \
  s.batch, s.channels, s.height, s.width, s.filters, s.kernel, s.outHeight,    \
      s.outWidth, s.stride, s.pad, s.groups
  alexrt_conv2d_forward(x.data(), w.data(), y.data(), SHAPE);
  alexrt_conv2d_backward_data(dy.data(), w.data(), dx.data(), SHAPE);
  alexrt_conv2d_backward_filter(x.data(), dy.data(), dw.data(), SHAPE);
#undef SHAPE
  expectNear(y, expected.y, "forward");
  expectNear(dx, expected.dx, "backward data");
  expectNear(dw, expected.dw, "backward filter");
}

/// Each tensor rounded to bf16, as generated code rounds it: the bits the
/// _bf16 functions take, and the values they stand for.
struct Rounded {
  std::vector<uint16_t> bits;
  std::vector<float> values;

  explicit Rounded(const std::vector<float> &from) {
    for (float v : from) {
      bits.push_back(alex::test::toBf16(v));
      values.push_back(alex::test::fromBf16(bits.back()));
    }
  }
};

/// The _bf16 functions against the definition on the rounded values.
/// Products of bf16 values are exact in fp32 and they accumulate in fp32,
/// so fp32's tolerance holds: a result that rounded anything else to bf16
/// (an output, a partial sum) would be off by up to 2^-9 relative.
void checkBf16AgainstDefinition(const ConvGeometry &s) {
  // Values that bf16 cannot hold exactly: the rounding matters.
  Rounded x(pattern(size_t(s.batch * s.channels * s.inPixels()), 11, 0.1f)),
      w(pattern(size_t(s.filters * s.patch()), 7, 0.3f)),
      dy(pattern(size_t(s.batch * s.filters * s.outPixels()), 5, 0.7f));
  Reference expected(s, x.values, w.values, dy.values);
  std::vector<float> y(expected.y.size(), NAN), dx(x.values.size(), NAN),
      dw(w.values.size(), NAN);
#define SHAPE                                                                  \
  s.batch, s.channels, s.height, s.width, s.filters, s.kernel, s.outHeight,    \
      s.outWidth, s.stride, s.pad, s.groups
  alexrt_conv2d_forward_bf16(x.bits.data(), w.bits.data(), y.data(), SHAPE);
  alexrt_conv2d_backward_data_bf16(dy.bits.data(), w.bits.data(), dx.data(),
                                   SHAPE);
  alexrt_conv2d_backward_filter_bf16(x.bits.data(), dy.bits.data(), dw.data(),
                                     SHAPE);
#undef SHAPE
  expectNear(y, expected.y, "bf16 forward");
  expectNear(dx, expected.dx, "bf16 backward data");
  expectNear(dw, expected.dw, "bf16 backward filter");
}

} // namespace

TEST(Conv2d, StridedPaddedGroupedMatchesTheDefinition) {
  // 2 images, 4 channels 7 x 7, 6 filters 3 x 3 in 2 groups, stride 2,
  // pad 1: 4 x 4 outputs (conv1-like: a stride that skips input pixels).
  checkAgainstDefinition({2, 4, 7, 7, 6, 3, 4, 4, 2, 1, 2});
}

TEST(Conv2d, WidePaddingMatchesTheDefinition) {
  // conv2-like: 5 x 5 filters, stride 1, pad 2, outputs as large as the
  // input; 3 images, one group.
  checkAgainstDefinition({3, 3, 6, 5, 4, 5, 6, 5, 1, 2, 1});
}

TEST(Conv2dBf16, MatchesTheDefinitionOnRoundedOperands) {
  if (!alexrt::cpuHasBf16())
    GTEST_SKIP() << "this CPU has neither AVX512_BF16 nor AMX";
  // The shapes above; then channel counts that fill oneDNN's blocks of
  // 16, in two groups, and conv1's: 11 x 11 at stride 4 on 3 channels.
  checkBf16AgainstDefinition({2, 4, 7, 7, 6, 3, 4, 4, 2, 1, 2});
  checkBf16AgainstDefinition({3, 3, 6, 5, 4, 5, 6, 5, 1, 2, 1});
  checkBf16AgainstDefinition({2, 64, 9, 9, 96, 3, 9, 9, 1, 1, 2});
  checkBf16AgainstDefinition({2, 3, 31, 31, 16, 11, 6, 6, 4, 1, 1});
}

TEST(Conv2dBf16, SeveralThreadsRunTheSameShape) {
  if (!alexrt::cpuHasBf16())
    GTEST_SKIP() << "this CPU has neither AVX512_BF16 nor AMX";
  // Device threads (--devices) call the same shapes at once, each with its
  // own primitives and blocked buffers.
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([] {
      for (int repeat = 0; repeat < 2; ++repeat)
        checkBf16AgainstDefinition({2, 32, 8, 8, 32, 3, 8, 8, 1, 1, 1});
    });
  for (std::thread &thread : threads)
    thread.join();
}
