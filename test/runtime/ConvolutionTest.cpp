//===- ConvolutionTest.cpp - alexrt_conv2d_* against the definition -------===//

#include "runtime/alexrt.h"

#include "runtime/ConvGeometry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using alexrt::ConvGeometry;

namespace {

std::vector<float> pattern(size_t size, int period, float scale) {
  std::vector<float> values(size);
  for (size_t i = 0; i < size; ++i)
    values[i] = float(int((i * 7 + 3) % size_t(period)) - period / 2) * scale;
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
