//===- ImageSplit.h - one split of an image dataset -------------*- C++ -*-===//

#ifndef ALEXRT_DATA_FOLDERS_IMAGESPLIT_H
#define ALEXRT_DATA_FOLDERS_IMAGESPLIT_H

#include "runtime/data/folders/ImageList.h"
#include "runtime/data/folders/PackedFile.h"
#include "runtime/data/images/ColorStats.h"
#include "runtime/data/images/Image.h"

#include <memory>

namespace alexrt {

/// The images of a split as side x side squares: from its packed file when
/// the dataset folder has one (DIR/<split>.alexdata), else decoded from the
/// original files (which are scanned once when opened: files that do not
/// decode are left out, and the statistics computed). Safe to read from
/// several threads.
class ImageSplit {
public:
  /// Opens split `split` ("train" or "val") of `dir` for images of `side`
  /// and `channels`; `trainClasses` fixes a validation folder's classes.
  Status open(const std::string &dir, const std::string &split, int64_t side,
              int64_t channels, int64_t classes,
              const std::vector<std::string> *trainClasses, int threads);

  int64_t count() const { return int64_t(labels.size()); }
  int32_t label(int64_t i) const { return labels[size_t(i)]; }
  const std::vector<std::string> &classNames() const { return names; }
  const ColorStats &stats() const { return statistics; }
  /// The packed file, or empty when reading the originals.
  std::string packedFile() const { return packed ? packed->path() : ""; }
  /// Keeps only the first `n` images.
  void limit(int64_t n);

  /// Image `i`.
  Status image(int64_t i, Image &square) const;
  /// Image `i`'s file, relative to the dataset's folder.
  std::string name(int64_t i) const;

private:
  int64_t side = 0, channels = 0;
  std::unique_ptr<PackedReader> packed;
  ImageList originals;        ///< When not packed.
  std::vector<int64_t> files; ///< Image i's index in `originals`.
  std::vector<int32_t> labels;
  std::vector<std::string> names;
  ColorStats statistics;
};

} // namespace alexrt

#endif // ALEXRT_DATA_FOLDERS_IMAGESPLIT_H
