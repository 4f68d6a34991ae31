//===- Augment.h - the paper's crops, flips and lighting --------*- C++ -*-===//
//
// A training image (the prepared side x side square) becomes a network input
// by a random crop of the input's size, a horizontal flip with probability
// 1/2, the PCA lighting noise (Section 4.1: add sum_i p_i a_i lambda_i to
// every pixel, a_i ~ N(0, sigma) drawn once per image per epoch) and mean
// subtraction, or the normalisation (p - mean[c]) / std[c] of torchvision's
// Normalize. Pixels are scaled to [0, 1] first, and p_i, lambda_i are the
// eigenvectors and eigenvalues of the training set's covariance on that
// scale (runtime/data/images/ColorStats.h). Every choice is a pure function of
// (seed, epoch, image index): batches do not depend on loader threads or on
// where training resumed. Test inputs are the centre crop or the paper's 10
// views: the 4 corners and the centre, and their mirror images.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_DATA_IMAGES_AUGMENT_H
#define ALEXRT_DATA_IMAGES_AUGMENT_H

#include "runtime/data/images/ColorStats.h"
#include "runtime/data/images/Image.h"
#include "runtime/model/ModelInfo.h"

#include <array>
#include <cstdint>
#include <vector>

namespace alexrt {

/// Where a crop comes from and what is added to it.
struct CropView {
  int64_t y = 0, x = 0; ///< Top-left corner in the source image.
  bool mirror = false;
  std::array<float, 3> shift = {0, 0, 0}; ///< Lighting noise per channel.
};

/// How source images of one size become network inputs.
struct Augmentation {
  int64_t channels = 3, height = 224, width = 224; ///< The network's input.
  int64_t sourceHeight = 256, sourceWidth = 256;
  bool randomCrop = true, flip = true;
  double lighting = 0; ///< sigma of a_i; 0 is off.
  /// Subtracted from every pixel: per channel (channels values) or per
  /// pixel (sourceHeight x sourceWidth x channels, in source coordinates,
  /// as Caffe's mean image); empty: none.
  std::vector<float> mean;
  /// Divides every pixel, per channel, after the mean; empty: none.
  std::vector<float> stdDev;
  /// From the training set's statistics.
  std::vector<double> eigenvalues, eigenvectors;

  /// Takes the model's `normalize` (per-channel mean and std), if it has
  /// one.
  void normalizeBy(const ModelInfo &model);
  /// The training view of image `index` in `epoch`.
  CropView trainingView(uint64_t seed, int64_t epoch, int64_t index) const;
  /// The centre crop (`views` = 1) or the paper's 10 views, in the order
  /// top-left, top-right, bottom-left, bottom-right, centre, then the same
  /// mirrored (torchvision's TenCrop order).
  std::vector<CropView> testViews(int64_t views) const;
  /// Writes `view` of `image` (sourceHeight x sourceWidth) as channels x
  /// height x width floats.
  void render(const Image &image, const CropView &view, float *out) const;
};

} // namespace alexrt

#endif // ALEXRT_DATA_IMAGES_AUGMENT_H
