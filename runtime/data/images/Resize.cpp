//===- Resize.cpp - the paper's 256x256: short side resized, centre kept --===//

#include "runtime/data/images/Resize.h"

#include <algorithm>
#include <cmath>

using namespace alexrt;

namespace {
/// Pillow's fixed point: weights are integers scaled by 2^22 (its
/// PRECISION_BITS), so 255 times their sum fits an int32 with room to round.
constexpr int kPrecisionBits = 22;

/// For each output position along one axis: the first source index, the
/// number of source pixels read and their weights in fixed point.
struct AxisFilter {
  int64_t stride = 0; ///< Weights per output position.
  std::vector<int64_t> first, count;
  std::vector<int32_t> weights; ///< outputs x stride.
};

/// Output positions [offset, offset + outputs) of an axis resized from
/// `inSize` to `outSize`: Pillow's precompute_coeffs with its bilinear
/// filter, then normalize_coeffs_8bpc, step for step (the same doubles,
/// the same rounding), so the weights are Pillow's to the bit.
AxisFilter axisFilter(int64_t inSize, int64_t outSize, int64_t offset,
                      int64_t outputs) {
  double scale = double(inSize) / double(outSize);
  double filterScale = std::max(scale, 1.0);
  double support = filterScale; // the triangle's half-width
  AxisFilter filter;
  filter.stride = int64_t(std::ceil(support)) * 2 + 1;
  filter.first.resize(size_t(outputs));
  filter.count.resize(size_t(outputs));
  filter.weights.assign(size_t(outputs * filter.stride), 0);
  std::vector<double> weights(static_cast<size_t>(filter.stride));
  for (int64_t i = 0; i < outputs; ++i) {
    double centre = (double(i + offset) + 0.5) * scale;
    int64_t lo = std::max<int64_t>(0, int64_t(centre - support + 0.5));
    int64_t n = std::min<int64_t>(inSize, int64_t(centre + support + 0.5)) - lo;
    n = std::min(n, filter.stride);
    double total = 0;
    for (int64_t k = 0; k < n; ++k) {
      double distance =
          std::fabs((double(k + lo) - centre + 0.5) * (1.0 / filterScale));
      weights[size_t(k)] = distance < 1.0 ? 1.0 - distance : 0.0;
      total += weights[size_t(k)];
    }
    filter.first[size_t(i)] = lo;
    filter.count[size_t(i)] = n;
    for (int64_t k = 0; k < n; ++k) {
      double weight = total != 0.0 ? weights[size_t(k)] / total : 0.0;
      filter.weights[size_t(i * filter.stride + k)] =
          int32_t(0.5 + weight * double(1 << kPrecisionBits));
    }
  }
  return filter;
}

/// A fixed-point sum, rounded (it started at one half) and clamped to a
/// byte: Pillow's clip8.
inline uint8_t toByte(int32_t sum) {
  if (sum >= (1 << kPrecisionBits << 8))
    return 255;
  if (sum <= 0)
    return 0;
  return uint8_t(sum >> kPrecisionBits);
}

/// The horizontal pass over one row of `Channels` interleaved channels.
template <int Channels>
void filterRow(const AxisFilter &cols, int64_t side, const uint8_t *in,
               uint8_t *out) {
  for (int64_t x = 0; x < side; ++x) {
    const int32_t *w = cols.weights.data() + x * cols.stride;
    const uint8_t *pixel = in + cols.first[size_t(x)] * Channels;
    int64_t n = cols.count[size_t(x)];
    int32_t sum[Channels];
    for (int c = 0; c < Channels; ++c)
      sum[c] = 1 << (kPrecisionBits - 1);
    for (int64_t k = 0; k < n; ++k)
      for (int c = 0; c < Channels; ++c)
        sum[c] += w[k] * int32_t(pixel[k * Channels + c]);
    for (int c = 0; c < Channels; ++c)
      out[x * Channels + c] = toByte(sum[c]);
  }
}

} // namespace

Image alexrt::resizeCentralSquare(const Image &image, int64_t side) {
  int64_t height = image.height, width = image.width, channels = image.channels;
  // The resized size as torchvision's Resize(side) computes it (the long
  // side truncated), then the square's offset in it.
  int64_t outH = side, outW = side;
  if (height <= width)
    outW = std::max<int64_t>(side, width * side / height);
  else
    outH = std::max<int64_t>(side, height * side / width);
  AxisFilter rows = axisFilter(height, outH, centredOffset(outH, side), side);
  AxisFilter cols = axisFilter(width, outW, centredOffset(outW, side), side);
  // The source rows the square reads.
  int64_t rowLo = rows.first.front();
  int64_t rowHi = rows.first.back() + rows.count.back();

  // Horizontal pass first, rounded to bytes, then the vertical one, as
  // Pillow's ImagingResampleInner: the two roundings are Pillow's too.
  int64_t span = side * channels;
  std::vector<uint8_t> across(static_cast<size_t>((rowHi - rowLo) * span));
  for (int64_t y = rowLo; y < rowHi; ++y) {
    uint8_t *out = across.data() + (y - rowLo) * span;
    if (channels == 3)
      filterRow<3>(cols, side, image.row(y), out);
    else
      filterRow<1>(cols, side, image.row(y), out);
  }
  Image square;
  square.resize(side, side, channels);
  std::vector<int32_t> sum(static_cast<size_t>(span));
  for (int64_t y = 0; y < side; ++y) {
    const int32_t *w = rows.weights.data() + y * rows.stride;
    int64_t first = rows.first[size_t(y)] - rowLo, n = rows.count[size_t(y)];
    std::fill(sum.begin(), sum.end(), 1 << (kPrecisionBits - 1));
    for (int64_t k = 0; k < n; ++k) {
      const uint8_t *in = across.data() + (first + k) * span;
      for (int64_t i = 0; i < span; ++i)
        sum[size_t(i)] += w[k] * int32_t(in[i]);
    }
    uint8_t *out = square.row(y);
    for (int64_t i = 0; i < span; ++i)
      out[i] = toByte(sum[size_t(i)]);
  }
  return square;
}
