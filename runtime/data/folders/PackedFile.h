//===- PackedFile.h - prepared images in one file, read by mmap -*- C++ -*-===//
//
// A packed dataset file holds one split's images, prepared once (short side
// resized, central square kept, re-encoded as JPEG), for random access:
//
//   [0, 64)            header: "ALEXDATA", format version (u32), kind (u32,
//                      1 = square JPEG images), index offset (u64), index
//                      size (u64), index CRC-32 (u32), zeros, and at 60 the
//                      CRC-32 of bytes [0, 60) (u32); little-endian
//   [64, index)        the records: each image's JPEG bytes, back to back
//   [index, end)       the index: a FlatBuffer (runtime/schemas/dataset.fbs)
//                      with each record's offset, size, label and CRC-32,
//                      the class names, the source files and the statistics
//
// The file must end where the index ends (a truncated file is refused);
// records are checked against their CRC-32 when read. Files are written to
// a temporary name and renamed, like weight files.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_DATA_FOLDERS_PACKEDFILE_H
#define ALEXRT_DATA_FOLDERS_PACKEDFILE_H

#include "runtime/data/images/ColorStats.h"
#include "runtime/support/Files.h"
#include "runtime/support/Status.h"

#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <string>
#include <vector>

namespace alexrt {
namespace fb {
struct Index;
struct Record;
} // namespace fb

/// The format version written and read.
constexpr uint32_t kPackedFormatVersion = 1;
/// The only kind so far: square JPEG images.
constexpr uint32_t kPackedJpegImages = 1;

/// Where `split` of the dataset in `dir` is packed: DIR/<split>.alexdata.
std::string packedPath(const std::string &dir, const std::string &split);

/// Writes a packed file record by record.
class PackedWriter {
public:
  Status create(const std::string &path, const std::string &split, int64_t side,
                int64_t channels, int quality,
                const std::vector<std::string> &classNames);
  Status add(const std::vector<uint8_t> &jpeg, int32_t label,
             const std::string &source);
  /// Writes the index and the header and renames the file into place.
  Status finish(const PixelSums &sums, uint64_t skipped);

private:
  AtomicFile file;
  std::string path, split;
  int64_t side = 0, channels = 0;
  int quality = 0;
  std::vector<std::string> classNames, sources;
  std::vector<uint64_t> offsets;
  std::vector<uint32_t> sizes, crcs;
  std::vector<int32_t> labels;
};

/// A packed file opened for reading (shared by loader threads).
class PackedReader {
public:
  /// Maps `path` and checks its header, size and index.
  Status open(const std::string &path);

  const std::string &path() const { return filePath; }
  int64_t count() const;
  int64_t side() const;
  int64_t channels() const;
  int64_t skipped() const;
  std::vector<std::string> classNames() const;
  int32_t label(int64_t i) const;
  std::string source(int64_t i) const;
  ColorStats stats() const;
  /// Record `i`'s bytes, checked against its CRC-32.
  Status record(int64_t i, const uint8_t *&data, size_t &size) const;

private:
  std::string filePath;
  MappedFile file;
  const fb::Index *index = nullptr;
};

} // namespace alexrt

#endif // ALEXRT_DATA_FOLDERS_PACKEDFILE_H
