//===- ColorStatsTest.cpp - means, colour covariance, its eigenvectors ----===//

#include "runtime/data/images/ColorStats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace alexrt;

namespace {
Image randomImage(std::mt19937 &random, int64_t side) {
  Image image;
  image.resize(side, side, 3);
  // Correlated channels, like photographs.
  for (int64_t i = 0; i < side * side; ++i) {
    int base = int(random() % 200);
    for (int c = 0; c < 3; ++c)
      image.pixels[size_t(i * 3 + c)] =
          uint8_t(base + random() % (20 + 15 * c));
  }
  return image;
}
} // namespace

// The fb.resnet.torch ImageNet constants (ALEXNET.md): the covariance
// V diag(l) V^T built from them gives back l and V (up to each vector's
// sign).
TEST(ColorStats, EigenOfThePublishedImageNetConstants) {
  const double values[3] = {0.2175, 0.0188, 0.0045};
  const double rows[3][3] = {{-0.5675, 0.7192, 0.4009},
                             {-0.5808, -0.0045, -0.8140},
                             {-0.5836, -0.6948, 0.4203}};
  double covariance[9] = {};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k)
        covariance[i * 3 + j] += rows[i][k] * values[k] * rows[j][k];
  double gotValues[3], gotVectors[9];
  symmetricEigen(3, covariance, gotValues, gotVectors);
  for (int k = 0; k < 3; ++k) {
    // The published vectors are orthonormal to 4 decimals only.
    EXPECT_NEAR(gotValues[k], values[k], 2e-4);
    double dot = 0;
    for (int i = 0; i < 3; ++i)
      dot += gotVectors[i * 3 + k] * rows[i][k];
    EXPECT_NEAR(std::fabs(dot), 1.0, 2e-3) << "eigenvector " << k;
  }
}

TEST(ColorStats, EigenDecomposesRandomMatrices) {
  std::mt19937 random(3);
  std::uniform_real_distribution<double> unit(-1, 1);
  for (int n : {1, 2, 3, 5}) {
    std::vector<double> a(size_t(n * n));
    for (int i = 0; i < n; ++i)
      for (int j = 0; j <= i; ++j)
        a[size_t(i * n + j)] = a[size_t(j * n + i)] = unit(random);
    std::vector<double> values(static_cast<size_t>(n)),
        vectors(static_cast<size_t>(n * n));
    symmetricEigen(n, a.data(), values.data(), vectors.data());
    for (int k = 0; k < n; ++k) {
      if (k > 0) {
        EXPECT_GE(values[size_t(k - 1)], values[size_t(k)]);
      }
      for (int i = 0; i < n; ++i) {
        double av = 0;
        for (int j = 0; j < n; ++j)
          av += a[size_t(i * n + j)] * vectors[size_t(j * n + k)];
        EXPECT_NEAR(av, values[size_t(k)] * vectors[size_t(i * n + k)], 1e-10);
      }
      for (int l = 0; l < n; ++l) {
        double dot = 0;
        for (int i = 0; i < n; ++i)
          dot += vectors[size_t(i * n + k)] * vectors[size_t(i * n + l)];
        EXPECT_NEAR(dot, k == l ? 1.0 : 0.0, 1e-10);
      }
    }
  }
}

// Means and covariance against a direct double-precision computation; sums
// merged in any split agree exactly.
TEST(ColorStats, MatchesDirectComputation) {
  std::mt19937 random(9);
  std::vector<Image> images;
  for (int i = 0; i < 5; ++i)
    images.push_back(randomImage(random, 6));
  PixelSums all(6, 6, 3), first(6, 6, 3), second(6, 6, 3);
  for (size_t i = 0; i < images.size(); ++i) {
    all.add(images[i]);
    (i < 2 ? first : second).add(images[i]);
  }
  second.merge(first);
  EXPECT_EQ(all.perPixel, second.perPixel);
  EXPECT_EQ(all.products, second.products);
  ColorStats stats = colorStats(all);

  double mean[3] = {}, cov[9] = {}, n = 5 * 36;
  for (const Image &image : images)
    for (int64_t p = 0; p < 36; ++p)
      for (int c = 0; c < 3; ++c)
        mean[c] += image.pixels[size_t(p * 3 + c)] / 255.0 / n;
  for (const Image &image : images)
    for (int64_t p = 0; p < 36; ++p)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
          cov[i * 3 + j] +=
              (image.pixels[size_t(p * 3 + i)] / 255.0 - mean[i]) *
              (image.pixels[size_t(p * 3 + j)] / 255.0 - mean[j]) / n;
  for (int c = 0; c < 3; ++c)
    EXPECT_NEAR(stats.channelMean[size_t(c)], mean[c], 1e-6);
  for (int i = 0; i < 9; ++i)
    EXPECT_NEAR(stats.covariance[size_t(i)], cov[i], 1e-12);
  // Pixel (2, 3), green: the mean over the five images.
  double pixel = 0;
  for (const Image &image : images)
    pixel += image.pixels[size_t((2 * 6 + 3) * 3 + 1)] / 255.0 / 5;
  EXPECT_NEAR(stats.pixelMean[size_t((2 * 6 + 3) * 3 + 1)], pixel, 1e-6);
  double trace = cov[0] + cov[4] + cov[8];
  EXPECT_NEAR(stats.eigenvalues[0] + stats.eigenvalues[1] +
                  stats.eigenvalues[2],
              trace, 1e-12);
}
