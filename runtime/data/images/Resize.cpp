//===- Resize.cpp - the paper's 256x256: short side resized, centre kept --===//

#include "runtime/data/images/Resize.h"

#include <algorithm>
#include <cmath>

using namespace alexrt;

namespace {
/// For each output position along one axis: the first source index, the
/// number of source pixels read and their normalised weights.
struct AxisFilter {
  int64_t stride = 0; ///< Weights per output position.
  std::vector<int64_t> first, count;
  std::vector<float> weights; ///< outputs x stride.
};

/// Output positions [offset, offset + outputs) of an axis resized from
/// `inSize` to `outSize` (Pillow's precompute_coeffs, with a triangle).
AxisFilter axisFilter(int64_t inSize, int64_t outSize, int64_t offset,
                      int64_t outputs) {
  double scale = double(inSize) / double(outSize);
  double support = std::max(scale, 1.0); // the triangle's half-width
  AxisFilter filter;
  filter.stride = int64_t(std::ceil(support)) * 2 + 1;
  filter.first.resize(size_t(outputs));
  filter.count.resize(size_t(outputs));
  filter.weights.assign(size_t(outputs * filter.stride), 0.0f);
  std::vector<double> weights(static_cast<size_t>(filter.stride));
  for (int64_t i = 0; i < outputs; ++i) {
    double centre = (double(i + offset) + 0.5) * scale;
    int64_t lo = std::max<int64_t>(0, int64_t(std::floor(centre - support)));
    int64_t hi =
        std::min<int64_t>(inSize, int64_t(std::ceil(centre + support)));
    int64_t n = std::min<int64_t>(hi - lo, filter.stride);
    double total = 0;
    for (int64_t k = 0; k < n; ++k) {
      double distance = (double(lo + k) + 0.5 - centre) / support;
      weights[size_t(k)] = std::max(0.0, 1.0 - std::fabs(distance));
      total += weights[size_t(k)];
    }
    // Drop the zero weights at the ends.
    while (n > 1 && weights[size_t(n - 1)] == 0)
      --n;
    int64_t skip = 0;
    while (skip < n - 1 && weights[size_t(skip)] == 0)
      ++skip;
    filter.first[size_t(i)] = lo + skip;
    filter.count[size_t(i)] = n - skip;
    for (int64_t k = skip; k < n; ++k)
      filter.weights[size_t(i * filter.stride + k - skip)] =
          float(weights[size_t(k)] / total);
  }
  return filter;
}

/// Rounds a filtered value to a byte (branch-free: min/max instructions).
inline uint8_t toByte(float value) {
  return uint8_t(std::min(std::max(value, 0.0f), 255.0f) + 0.5f);
}

/// The horizontal pass over one row of `Channels` interleaved channels.
template <int Channels>
void filterRow(const AxisFilter &cols, int64_t colLo, int64_t side,
               const float *in, uint8_t *out) {
  for (int64_t x = 0; x < side; ++x) {
    const float *w = cols.weights.data() + x * cols.stride;
    const float *pixel = in + (cols.first[size_t(x)] - colLo) * Channels;
    int64_t n = cols.count[size_t(x)];
    float sum[Channels] = {};
    for (int64_t k = 0; k < n; ++k)
      for (int c = 0; c < Channels; ++c)
        sum[c] += w[k] * pixel[k * Channels + c];
    for (int c = 0; c < Channels; ++c)
      out[x * Channels + c] = toByte(sum[c]);
  }
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
  AxisFilter rows = axisFilter(height, outH, (outH - side) / 2, side);
  AxisFilter cols = axisFilter(width, outW, (outW - side) / 2, side);
  // The source columns the square reads.
  int64_t colLo = cols.first.front();
  int64_t colHi = cols.first.back() + cols.count.back();
  int64_t span = (colHi - colLo) * channels;

  // Vertical pass first (it vectorises over whole rows), into floats.
  std::vector<float> down(static_cast<size_t>(side * span));
  for (int64_t y = 0; y < side; ++y) {
    float *out = down.data() + y * span;
    const float *w = rows.weights.data() + y * rows.stride;
    int64_t first = rows.first[size_t(y)], n = rows.count[size_t(y)];
    const uint8_t *in = image.row(first) + colLo * channels;
    for (int64_t i = 0; i < span; ++i)
      out[i] = w[0] * float(in[i]);
    for (int64_t k = 1; k < n; ++k) {
      in = image.row(first + k) + colLo * channels;
      for (int64_t i = 0; i < span; ++i)
        out[i] += w[k] * float(in[i]);
    }
  }
  // Horizontal pass, rounded to bytes.
  Image square;
  square.resize(side, side, channels);
  for (int64_t y = 0; y < side; ++y) {
    const float *in = down.data() + y * span;
    if (channels == 3)
      filterRow<3>(cols, colLo, side, in, square.row(y));
    else
      filterRow<1>(cols, colLo, side, in, square.row(y));
  }
  return square;
}
