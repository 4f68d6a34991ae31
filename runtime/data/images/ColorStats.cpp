//===- ColorStats.cpp - the training set's mean and colour covariance -----===//

#include "runtime/data/images/ColorStats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace alexrt;

PixelSums::PixelSums(int64_t height, int64_t width, int64_t channels)
    : height(height), width(width), channels(channels),
      perPixel(size_t(height * width * channels), 0),
      products(size_t(channels * channels), 0) {}

void PixelSums::add(const Image &image) {
  size_t count = image.pixels.size();
  const uint8_t *pixels = image.pixels.data();
  for (size_t i = 0; i < count; ++i)
    perPixel[i] += pixels[i];
  int64_t c = channels;
  for (int64_t y = 0; y < image.height; ++y) {
    const uint8_t *row = image.row(y);
    for (int64_t i = 0; i < c; ++i)
      for (int64_t j = i; j < c; ++j) {
        uint64_t sum = 0;
        for (int64_t x = 0; x < image.width; ++x)
          sum += uint32_t(row[x * c + i]) * row[x * c + j];
        products[size_t(i * c + j)] += sum;
      }
  }
  for (int64_t i = 0; i < c; ++i)
    for (int64_t j = 0; j < i; ++j)
      products[size_t(i * c + j)] = products[size_t(j * c + i)];
  ++images;
}

void PixelSums::merge(const PixelSums &other) {
  for (size_t i = 0; i < perPixel.size(); ++i)
    perPixel[i] += other.perPixel[i];
  for (size_t i = 0; i < products.size(); ++i)
    products[i] += other.products[i];
  images += other.images;
}

ColorStats alexrt::colorStats(const PixelSums &sums) {
  ColorStats stats;
  int64_t c = sums.channels, plane = sums.height * sums.width;
  double images = double(std::max<uint64_t>(sums.images, 1));
  double samples = images * double(plane);
  stats.pixelMean.resize(sums.perPixel.size());
  std::vector<double> channelSum(size_t(c), 0.0);
  for (size_t i = 0; i < sums.perPixel.size(); ++i) {
    stats.pixelMean[i] = float(double(sums.perPixel[i]) / (255.0 * images));
    channelSum[i % size_t(c)] += double(sums.perPixel[i]);
  }
  std::vector<double> mean(static_cast<size_t>(c));
  for (int64_t i = 0; i < c; ++i) {
    mean[size_t(i)] = channelSum[size_t(i)] / (255.0 * samples);
    stats.channelMean.push_back(float(mean[size_t(i)]));
  }
  stats.covariance.resize(size_t(c * c));
  for (int64_t i = 0; i < c; ++i)
    for (int64_t j = 0; j < c; ++j)
      stats.covariance[size_t(i * c + j)] =
          double(sums.products[size_t(i * c + j)]) / (255.0 * 255.0 * samples) -
          mean[size_t(i)] * mean[size_t(j)];
  stats.eigenvalues.resize(size_t(c));
  stats.eigenvectors.resize(size_t(c * c));
  symmetricEigen(int(c), stats.covariance.data(), stats.eigenvalues.data(),
                 stats.eigenvectors.data());
  return stats;
}

void alexrt::symmetricEigen(int n, const double *input, double *values,
                            double *vectors) {
  std::vector<double> a(input, input + n * n), v(size_t(n * n), 0.0);
  for (int i = 0; i < n; ++i)
    v[size_t(i * n + i)] = 1;
  auto at = [&](std::vector<double> &m, int i, int j) -> double & {
    return m[size_t(i * n + j)];
  };
  for (int sweep = 0; sweep < 64; ++sweep) {
    double off = 0;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q)
        off += at(a, p, q) * at(a, p, q);
    if (off < 1e-30)
      break;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) {
        if (at(a, p, q) == 0)
          continue;
        // The rotation that zeroes a[p][q] (Golub and Van Loan 8.4).
        double theta = (at(a, q, q) - at(a, p, p)) / (2 * at(a, p, q));
        double t = (theta >= 0 ? 1 : -1) /
                   (std::fabs(theta) + std::sqrt(theta * theta + 1));
        double cosine = 1 / std::sqrt(t * t + 1), sine = t * cosine;
        for (int k = 0; k < n; ++k) {
          double kp = at(a, k, p), kq = at(a, k, q);
          at(a, k, p) = cosine * kp - sine * kq;
          at(a, k, q) = sine * kp + cosine * kq;
        }
        for (int k = 0; k < n; ++k) {
          double pk = at(a, p, k), qk = at(a, q, k);
          at(a, p, k) = cosine * pk - sine * qk;
          at(a, q, k) = sine * pk + cosine * qk;
        }
        for (int k = 0; k < n; ++k) {
          double kp = at(v, k, p), kq = at(v, k, q);
          at(v, k, p) = cosine * kp - sine * kq;
          at(v, k, q) = sine * kp + cosine * kq;
        }
      }
  }
  std::vector<int> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](int x, int y) { return at(a, x, x) > at(a, y, y); });
  for (int i = 0; i < n; ++i) {
    int from = order[size_t(i)];
    values[i] = at(a, from, from);
    int largest = 0;
    for (int k = 1; k < n; ++k)
      if (std::fabs(at(v, k, from)) > std::fabs(at(v, largest, from)))
        largest = k;
    double sign = at(v, largest, from) < 0 ? -1 : 1;
    for (int k = 0; k < n; ++k)
      vectors[k * n + i] = sign * at(v, k, from);
  }
}
