//===- MemoryDataset.h - datasets held in memory ----------------*- C++ -*-===//

#ifndef ALEXRT_DATA_MEMORYDATASET_H
#define ALEXRT_DATA_MEMORYDATASET_H

#include "runtime/data/images/Augment.h"
#include "runtime/support/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace alexrt {

/// Images as bytes (count x channels x height x width) and one class index
/// per image.
struct ImageSet {
  int64_t count = 0, channels = 0, height = 0, width = 0;
  int32_t classes = 0;
  std::vector<uint8_t> pixels;
  std::vector<int32_t> labels;

  int64_t imageBytes() const { return channels * height * width; }
};

/// Where Debian's dataset-fashion-mnist package puts the data.
constexpr const char *kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// Reads gzip-compressed IDX files (LeCun's MNIST format): an image file
/// (magic 0x00000803, count x rows x cols bytes) and its label file (magic
/// 0x00000801, count bytes). Checks magic numbers, sizes, that the counts
/// agree and that labels are below `classes`.
Status readIdx(const std::string &imagesPath, const std::string &labelsPath,
               int32_t classes, ImageSet &set);

/// Fashion-MNIST from `dir`: the 60,000 training or 10,000 test images.
Status loadFashionMnist(const std::string &dir, bool training, ImageSet &set);

/// `count` seeded random images and labels (for benchmarks and tests).
ImageSet syntheticImages(int64_t count, int64_t channels, int64_t height,
                         int64_t width, int32_t classes, uint64_t seed);

/// How images become network inputs: resize so the short side is `resize`
/// (0: keep), crop the network's input size (randomly when training with
/// `randomCrop`, else centrally), flip horizontally at random when training
/// with `flip`, scale to [0, 1], subtract `channelMean` and divide by
/// `channelStd` if given.
struct InputPipeline {
  int64_t channels = 1, height = 0, width = 0; ///< The network's input.
  int64_t resize = 0;
  bool randomCrop = false, flip = false;
  std::vector<float> channelMean; ///< Empty: no mean subtraction.
  std::vector<float> channelStd;  ///< Empty: no division.

  /// Checks that images of `set` can produce this input.
  Status check(const ImageSet &set) const;

  /// Fills `images` (n x channels x height x width) and `labels` for the
  /// examples `indices[0..n)`. Random choices depend only on (seed, step,
  /// position in the batch; indices[0] is at `position`). With `view`,
  /// every image is cropped there instead (test views), its lighting shift
  /// ignored.
  void makeBatch(const ImageSet &set, const int64_t *indices, int64_t n,
                 bool training, uint64_t seed, uint64_t step, float *images,
                 int32_t *labels, const CropView *view = nullptr,
                 uint64_t position = 0) const;

  /// The size images of `set` have after resizing.
  void resizedSize(const ImageSet &set, int64_t &height, int64_t &width) const;
};

/// The per-channel mean of a set's pixels, scaled to [0, 1].
std::vector<float> channelMeans(const ImageSet &set);

/// A seeded permutation of [0, count) for one epoch.
std::vector<int64_t> epochOrder(int64_t count, uint64_t seed, int64_t epoch);

} // namespace alexrt

#endif // ALEXRT_DATA_MEMORYDATASET_H
