//===- ColorStats.h - the training set's colour statistics ------*- C++ -*-===//
//
// What the paper computes over the training set: the mean activity (per
// pixel, or per channel) that is subtracted from every input, and the
// eigenvectors and eigenvalues of the RGB covariance that scale the PCA
// lighting noise. Sums are exact integers, so the figures do not depend on
// how many threads added the images or in what order.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_DATA_IMAGES_COLORSTATS_H
#define ALEXRT_DATA_IMAGES_COLORSTATS_H

#include "runtime/data/images/Image.h"

#include <cstdint>
#include <vector>

namespace alexrt {

/// Integer sums over images of one size.
struct PixelSums {
  int64_t height = 0, width = 0, channels = 0;
  uint64_t images = 0;
  std::vector<uint64_t> perPixel; ///< height x width x channels.
  std::vector<uint64_t> products; ///< channels x channels: sum of x_i * x_j.

  PixelSums() = default;
  PixelSums(int64_t height, int64_t width, int64_t channels);
  /// Adds an image of this size.
  void add(const Image &image);
  void merge(const PixelSums &other);
};

/// Statistics of pixel values scaled to [0, 1].
struct ColorStats {
  std::vector<float> channelMean; ///< channels.
  std::vector<float> pixelMean;   ///< height x width x channels.
  std::vector<double> covariance; ///< channels x channels.
  /// The covariance's eigenvalues, largest first, and its eigenvectors as
  /// the columns of a channels x channels matrix (each with its largest
  /// component positive).
  std::vector<double> eigenvalues, eigenvectors;
};

ColorStats colorStats(const PixelSums &sums);

/// Eigenvalues (descending) and eigenvectors (columns) of the symmetric
/// n x n matrix `a`, by cyclic Jacobi rotations.
void symmetricEigen(int n, const double *a, double *values, double *vectors);

} // namespace alexrt

#endif // ALEXRT_DATA_IMAGES_COLORSTATS_H
