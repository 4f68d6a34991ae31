//===- Resize.cpp - the paper's 256x256: short side resized, centre kept --===//

#include "runtime/data/Resize.h"

#include <algorithm>
#include <cmath>

using namespace alexrt;

namespace {
/// For each output position along one axis: the first source index and the
/// normalised weights of the source pixels it reads.
struct AxisFilter {
  std::vector<int64_t> first;
  std::vector<int64_t> taps;      ///< Weights per output position.
  std::vector<float> weights;     ///< outputs x taps, zero-padded.
};

/// Output positions [offset, offset + count) of an axis resized from
/// `inSize` to `outSize` (Pillow's precompute_coeffs, with a triangle).
AxisFilter axisFilter(int64_t inSize, int64_t outSize, int64_t offset,
                      int64_t count) {
  double scale = double(inSize) / double(outSize);
  double support = std::max(scale, 1.0); // the triangle's half-width
  AxisFilter filter;
  int64_t maxTaps = int64_t(std::ceil(support)) * 2 + 1;
  filter.first.resize(size_t(count));
  filter.taps.resize(size_t(count));
  filter.weights.assign(size_t(count * maxTaps), 0.0f);
  std::vector<double> weights(static_cast<size_t>(maxTaps));
  for (int64_t i = 0; i < count; ++i) {
    double centre = (double(i + offset) + 0.5) * scale;
    int64_t lo = std::max<int64_t>(0, int64_t(std::floor(centre - support)));
    int64_t hi =
        std::min<int64_t>(inSize, int64_t(std::ceil(centre + support)));
    double total = 0;
    int64_t n = std::min<int64_t>(hi - lo, maxTaps);
    for (int64_t k = 0; k < n; ++k) {
      double distance = (double(lo + k) + 0.5 - centre) / support;
      weights[size_t(k)] = std::max(0.0, 1.0 - std::fabs(distance));
      total += weights[size_t(k)];
    }
    filter.first[size_t(i)] = lo;
    filter.taps[size_t(i)] = maxTaps;
    for (int64_t k = 0; k < n; ++k)
      filter.weights[size_t(i * maxTaps + k)] = float(weights[size_t(k)] / total);
  }
  return filter;
}
} // namespace

Image alexrt::resizeCentralSquare(const Image &image, int64_t side) {
  int64_t height = image.height, width = image.width, channels = image.channels;
  // The resized size, then the square's offset in it.
  int64_t outH = side, outW = side;
  if (height <= width)
    outW = std::max<int64_t>(side, (width * side + height / 2) / height);
  else
    outH = std::max<int64_t>(side, (height * side + width / 2) / width);
  int64_t offY = (outH - side) / 2, offX = (outW - side) / 2;
  AxisFilter rows = axisFilter(height, outH, offY, side);
  AxisFilter cols = axisFilter(width, outW, offX, side);
  // The source rows the square reads.
  int64_t rowLo = rows.first.front();
  int64_t rowHi = std::min(height, rows.first.back() + rows.taps.back());

  // Horizontal pass over those rows, into floats.
  std::vector<float> across(size_t((rowHi - rowLo) * side * channels));
  for (int64_t y = rowLo; y < rowHi; ++y) {
    const uint8_t *in = image.row(y);
    float *out = across.data() + (y - rowLo) * side * channels;
    for (int64_t x = 0; x < side; ++x) {
      const float *w = cols.weights.data() + x * cols.taps[size_t(x)];
      int64_t first = cols.first[size_t(x)];
      int64_t n = std::min(cols.taps[size_t(x)], width - first);
      for (int64_t c = 0; c < channels; ++c) {
        float sum = 0;
        for (int64_t k = 0; k < n; ++k)
          sum += w[k] * float(in[(first + k) * channels + c]);
        out[x * channels + c] = sum;
      }
    }
  }
  // Vertical pass, rounded to bytes.
  Image square;
  square.resize(side, side, channels);
  int64_t rowFloats = side * channels;
  std::vector<float> sum(static_cast<size_t>(rowFloats));
  for (int64_t y = 0; y < side; ++y) {
    const float *w = rows.weights.data() + y * rows.taps[size_t(y)];
    int64_t first = rows.first[size_t(y)];
    int64_t n = std::min(rows.taps[size_t(y)], height - first);
    std::fill(sum.begin(), sum.end(), 0.0f);
    for (int64_t k = 0; k < n; ++k) {
      const float *in = across.data() + (first + k - rowLo) * rowFloats;
      for (int64_t i = 0; i < rowFloats; ++i)
        sum[size_t(i)] += w[k] * in[i];
    }
    uint8_t *out = square.row(y);
    for (int64_t i = 0; i < rowFloats; ++i)
      out[i] = uint8_t(std::clamp(std::lround(sum[size_t(i)]), 0L, 255L));
  }
  return square;
}
