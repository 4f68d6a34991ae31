//===- Prepare.h - decode a dataset once ------------------------*- C++ -*-===//
//
// Preparing (the compiled binaries' `prepare` command) does once what the
// paper did ahead of training: every image decoded, its short side resized
// to the model's `resize` and the central square kept, re-encoded as a JPEG
// into a packed file per split (runtime/data/folders/PackedFile.h), with the
// training set's mean and colour covariance. A folder with no packed file
// is scanned the same way when training starts, without the re-encoding.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_DATA_FOLDERS_PREPARE_H
#define ALEXRT_DATA_FOLDERS_PREPARE_H

#include "runtime/data/folders/ImageList.h"
#include "runtime/data/images/ColorStats.h"
#include "runtime/data/images/Image.h"
#include "runtime/support/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace alexrt {

class PackedWriter;

/// The JPEG quality of prepared images.
constexpr int kPreparedJpegQuality = 90;

/// How a JPEG much larger than needed is decoded.
enum class JpegScaling {
  /// At 1/2, 1/4 or 1/8 scale in the DCT domain where it stays at least
  /// the size needed (decodeImage): fast, for whole datasets.
  Dct,
  /// At full size, as PIL decodes for torchvision: the square is then
  /// torchvision's Resize and CenterCrop to the byte, for single images.
  Full,
};

/// Reads and decodes `path` as a side x side square (short side resized,
/// centre kept) with `channels` channels; `warning`, as for decodeImage.
Status loadSquareImage(const std::string &path, int64_t side, int64_t channels,
                       Image &square, std::string *warning = nullptr,
                       JpegScaling scaling = JpegScaling::Dct);

/// What scanning a list found.
struct ScanResult {
  std::vector<int64_t> kept; ///< Indices into the list that decoded.
  int64_t skipped = 0;
  /// Kept files whose decoder warned of something that left the pixels
  /// intact (Decode.cpp).
  int64_t warned = 0;
  PixelSums sums;
};

/// "train: 196 files found, 192 used, 4 skipped (1 used with a warning); 4
/// classes -> DIR/train.alexdata (1.2 MB)": a split's scan for the user
/// (`packed` empty: no packed file).
std::string describeScan(const ImageList &list, const ScanResult &scan,
                         const std::string &packed, double megabytes);

/// Decodes every file of `list` on `threads` threads, after a warning for
/// each of the list's problems. A file that does not decode is skipped with
/// a warning naming it, one that decodes with a harmless decoder warning is
/// kept and named. With `writer`, each decoded
/// square is re-encoded and appended, in list order.
Status scanImages(const ImageList &list, int64_t side, int64_t channels,
                  int threads, PackedWriter *writer, ScanResult &result);

/// Packs the train and val splits of the dataset in `dir` into
/// `outDir`/<split>.alexdata.
Status prepareDataset(const std::string &dir, const std::string &outDir,
                      int64_t side, int64_t channels, int64_t classes,
                      int threads);

} // namespace alexrt

#endif // ALEXRT_DATA_FOLDERS_PREPARE_H
