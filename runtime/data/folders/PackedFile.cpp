//===- PackedFile.cpp - prepared images in one file, read by mmap ---------===//

#include "runtime/data/folders/PackedFile.h"
#include "runtime/Recipe.h"

#include "runtime/dataset_generated.h"

#include <zlib.h>

#include <cstring>

using namespace alexrt;

namespace {
constexpr char kMagic[8] = {'A', 'L', 'E', 'X', 'D', 'A', 'T', 'A'};
constexpr size_t kHeaderSize = 64;

uint32_t crc32Of(const uint8_t *data, size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (size > 0) { // zlib takes at most 4 GiB a call
    uInt chunk = uInt(std::min<size_t>(size, 1u << 30));
    crc = crc32(crc, data, chunk);
    data += chunk;
    size -= chunk;
  }
  return uint32_t(crc);
}

template <typename T> void put(uint8_t *at, T value) {
  std::memcpy(at, &value, sizeof value); // little-endian hosts only
}
template <typename T> T get(const uint8_t *at) {
  T value;
  std::memcpy(&value, at, sizeof value);
  return value;
}
} // namespace

std::string alexrt::packedPath(const std::string &dir,
                               const std::string &split) {
  return dir + "/" + split + ".alexdata";
}

Status PackedWriter::create(const std::string &target,
                            const std::string &splitName, int64_t imageSide,
                            int64_t imageChannels, int jpegQuality,
                            const std::vector<std::string> &names) {
  path = target;
  split = splitName;
  side = imageSide;
  channels = imageChannels;
  quality = jpegQuality;
  classNames = names;
  Status status = file.create(path, "packed dataset");
  uint8_t header[kHeaderSize] = {};
  if (status.ok())
    status = file.write(header, sizeof header); // the real one comes last
  return status;
}

Status PackedWriter::add(const std::vector<uint8_t> &jpeg, int32_t label,
                         const std::string &source) {
  offsets.push_back(file.written());
  sizes.push_back(uint32_t(jpeg.size()));
  crcs.push_back(crc32Of(jpeg.data(), jpeg.size()));
  labels.push_back(label);
  sources.push_back(source);
  return file.write(jpeg.data(), jpeg.size());
}

Status PackedWriter::finish(const PixelSums &sums, uint64_t skipped) {
  ColorStats stats = colorStats(sums);
  flatbuffers::FlatBufferBuilder builder(1 << 20);
  std::vector<fb::Record> records;
  records.reserve(offsets.size());
  for (size_t i = 0; i < offsets.size(); ++i)
    records.emplace_back(offsets[i], sizes[i], labels[i], crcs[i]);
  auto statsTable = fb::CreateStats(builder, sums.images,
                                    builder.CreateVector(stats.channelMean),
                                    builder.CreateVector(stats.pixelMean),
                                    builder.CreateVector(stats.covariance),
                                    builder.CreateVector(stats.eigenvalues),
                                    builder.CreateVector(stats.eigenvectors));
  auto index = fb::CreateIndex(
      builder, builder.CreateString(split), side, channels, quality,
      builder.CreateVectorOfStrings(classNames),
      builder.CreateVectorOfStructs(records),
      builder.CreateVectorOfStrings(sources), skipped, statsTable);
  fb::FinishIndexBuffer(builder, index);

  // The index starts 8-byte aligned (FlatBuffers' largest scalar).
  uint64_t padding = (8 - file.written() % 8) % 8;
  uint8_t zeros[8] = {};
  Status status = file.write(zeros, padding);
  uint64_t indexOffset = file.written();
  if (status.ok())
    status = file.write(builder.GetBufferPointer(), builder.GetSize());
  uint8_t header[kHeaderSize] = {};
  std::memcpy(header, kMagic, sizeof kMagic);
  put<uint32_t>(header + 8, kPackedFormatVersion);
  put<uint32_t>(header + 12, kPackedJpegImages);
  put<uint64_t>(header + 16, indexOffset);
  put<uint64_t>(header + 24, builder.GetSize());
  put<uint32_t>(header + 32,
                crc32Of(builder.GetBufferPointer(), builder.GetSize()));
  put<uint32_t>(header + 60, crc32Of(header, 60));
  if (status.ok())
    status = file.writeAt(0, header, sizeof header);
  if (status.ok())
    status = file.commit();
  return status;
}

Status PackedReader::open(const std::string &path) {
  filePath = path;
  index = nullptr;
  if (Status status = file.open(path, "packed dataset"); !status.ok())
    return status;
  const uint8_t *bytes = file.data();
  size_t size = file.size();
  auto bad = [&](const std::string &why) {
    return Status::error("packed dataset '" + path + "' " + why);
  };
  if (size < kHeaderSize || std::memcmp(bytes, kMagic, sizeof kMagic) != 0)
    return Status::error("'" + path +
                         "' is not a packed dataset (no ALEXDATA header)");
  if (get<uint32_t>(bytes + 60) != crc32Of(bytes, 60))
    return bad("has a corrupted header (checksum mismatch)");
  uint32_t version = get<uint32_t>(bytes + 8), kind = get<uint32_t>(bytes + 12);
  if (version != kPackedFormatVersion)
    return bad("has format version " + std::to_string(version) +
               "; this binary reads version " +
               std::to_string(kPackedFormatVersion) + " (prepare it again)");
  if (kind != kPackedJpegImages)
    return bad("holds records of kind " + std::to_string(kind) +
               ", not square JPEG images");
  uint64_t indexOffset = get<uint64_t>(bytes + 16);
  uint64_t indexSize = get<uint64_t>(bytes + 24);
  if (indexOffset < kHeaderSize || indexOffset % 8 != 0 || indexSize > size ||
      indexOffset != size - indexSize)
    return bad("is truncated or has extra bytes (expected " +
               std::to_string(indexOffset + indexSize) + " bytes, found " +
               std::to_string(size) + ")");
  const uint8_t *indexBytes = bytes + indexOffset;
  if (crc32Of(indexBytes, indexSize) != get<uint32_t>(bytes + 32))
    return bad("has a corrupted index (checksum mismatch)");
  flatbuffers::Verifier verifier(indexBytes, indexSize, 64, 100000000);
  if (!fb::IndexBufferHasIdentifier(indexBytes) ||
      !fb::VerifyIndexBuffer(verifier))
    return bad("has an index that does not verify");
  const fb::Index *candidate = fb::GetIndex(indexBytes);
  if (!candidate->records() || !candidate->class_names() ||
      !candidate->sources() || !candidate->stats() ||
      candidate->sources()->size() != candidate->records()->size() ||
      !isPictureChannels(candidate->channels()) || candidate->side() <= 0 ||
      candidate->side() > 65536)
    return bad("has an incomplete index");
  int64_t classes = candidate->class_names()->size();
  for (const fb::Record *record : *candidate->records())
    if (record->offset() < kHeaderSize || record->offset() > indexOffset ||
        record->size() > indexOffset - record->offset() ||
        record->label() < 0 || record->label() >= classes)
      return bad("has a record outside its data or with a bad label");
  const fb::Stats *stats = candidate->stats();
  size_t c = size_t(candidate->channels()), side = size_t(candidate->side());
  if (!stats->channel_mean() || stats->channel_mean()->size() != c ||
      !stats->pixel_mean() || stats->pixel_mean()->size() != side * side * c ||
      !stats->covariance() || stats->covariance()->size() != c * c ||
      !stats->eigenvalues() || stats->eigenvalues()->size() != c ||
      !stats->eigenvectors() || stats->eigenvectors()->size() != c * c)
    return bad("has statistics of the wrong size");
  index = candidate;
  return Status::success();
}

int64_t PackedReader::count() const { return index->records()->size(); }
int64_t PackedReader::side() const { return index->side(); }
int64_t PackedReader::channels() const { return index->channels(); }
int64_t PackedReader::skipped() const { return int64_t(index->skipped()); }

std::vector<std::string> PackedReader::classNames() const {
  std::vector<std::string> names;
  for (const flatbuffers::String *name : *index->class_names())
    names.push_back(name->str());
  return names;
}

int32_t PackedReader::label(int64_t i) const {
  return index->records()->Get(flatbuffers::uoffset_t(i))->label();
}

std::string PackedReader::source(int64_t i) const {
  return index->sources()->Get(flatbuffers::uoffset_t(i))->str();
}

ColorStats PackedReader::stats() const {
  const fb::Stats *stored = index->stats();
  ColorStats stats;
  stats.channelMean.assign(stored->channel_mean()->begin(),
                           stored->channel_mean()->end());
  stats.pixelMean.assign(stored->pixel_mean()->begin(),
                         stored->pixel_mean()->end());
  stats.covariance.assign(stored->covariance()->begin(),
                          stored->covariance()->end());
  stats.eigenvalues.assign(stored->eigenvalues()->begin(),
                           stored->eigenvalues()->end());
  stats.eigenvectors.assign(stored->eigenvectors()->begin(),
                            stored->eigenvectors()->end());
  return stats;
}

Status PackedReader::record(int64_t i, const uint8_t *&data,
                            size_t &size) const {
  const fb::Record *record = index->records()->Get(flatbuffers::uoffset_t(i));
  data = file.data() + record->offset();
  size = record->size();
  if (crc32Of(data, size) != record->crc32())
    return Status::error("record " + std::to_string(i) + " ('" + source(i) +
                         "') of packed dataset '" + filePath +
                         "' is corrupted (checksum mismatch)");
  return Status::success();
}
