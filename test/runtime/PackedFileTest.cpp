//===- PackedFileTest.cpp - packed datasets: round trip, damage, atomicity ===//

#include "runtime/data/folders/PackedFile.h"
#include "runtime/data/images/Decode.h"
#include "runtime/support/Files.h"

#include "TempDir.h"
#include "TestImages.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>

using namespace alexrt;
using namespace alextest;

namespace {
/// Three 8x8 JPEG records with labels 1, 0, 1 and their statistics.
struct SmallPack {
  TempDir dir;
  std::vector<std::vector<uint8_t>> records;
  PixelSums sums{8, 8, 3};
  std::string path = dir.file("train.alexdata");

  SmallPack() {
    std::mt19937 random(2);
    PackedWriter writer;
    EXPECT_TRUE(writer.create(path, "train", 8, 3, 90, {"cat", "dog"}).ok());
    for (int i = 0; i < 3; ++i) {
      records.push_back(encode(pattern(i, 8, 8, random), Variant::Jpeg420, 90));
      Image image;
      EXPECT_TRUE(
          decodeImage(records.back().data(), records.back().size(), 3, 0, image)
              .ok());
      sums.add(image);
      EXPECT_TRUE(
          writer.add(records.back(), i % 2 ? 0 : 1, "f" + std::to_string(i))
              .ok());
    }
    EXPECT_TRUE(writer.finish(sums, 2).ok());
  }

  std::string bytes() const {
    std::string contents;
    EXPECT_TRUE(readWholeFile(path, contents));
    return contents;
  }
  /// Writes `contents` as a new file and returns the error opening it.
  std::string openError(const std::string &contents) const {
    std::string damaged = dir.file("damaged.alexdata");
    std::ofstream(damaged, std::ios::binary) << contents;
    PackedReader reader;
    Status status = reader.open(damaged);
    EXPECT_FALSE(status.ok());
    return status.message();
  }
};

void putWord(std::string &bytes, size_t at, uint32_t value) {
  std::memcpy(&bytes[at], &value, 4);
}
/// Recomputes the header checksum after an edit.
void resealHeader(std::string &bytes) {
  putWord(
      bytes, 60,
      uint32_t(crc32(0, reinterpret_cast<const Bytef *>(bytes.data()), 60)));
}
} // namespace

TEST(PackedFile, RoundTrip) {
  SmallPack pack;
  PackedReader reader;
  ASSERT_TRUE(reader.open(pack.path).ok());
  EXPECT_EQ(reader.count(), 3);
  EXPECT_EQ(reader.side(), 8);
  EXPECT_EQ(reader.channels(), 3);
  EXPECT_EQ(reader.skipped(), 2);
  EXPECT_EQ(reader.classNames(), (std::vector<std::string>{"cat", "dog"}));
  for (int64_t i = 0; i < 3; ++i) {
    const uint8_t *data;
    size_t size;
    ASSERT_TRUE(reader.record(i, data, size).ok());
    EXPECT_EQ(std::vector<uint8_t>(data, data + size), pack.records[size_t(i)]);
    EXPECT_EQ(reader.label(i), i % 2 ? 0 : 1);
    EXPECT_EQ(reader.source(i), "f" + std::to_string(i));
  }
  ColorStats want = colorStats(pack.sums), have = reader.stats();
  EXPECT_EQ(have.channelMean, want.channelMean);
  EXPECT_EQ(have.pixelMean, want.pixelMean);
  EXPECT_EQ(have.covariance, want.covariance);
  EXPECT_EQ(have.eigenvalues, want.eigenvalues);
  EXPECT_EQ(have.eigenvectors, want.eigenvectors);
  // A new file gets the usual permissions, not mkstemp's private ones.
  auto perms = std::filesystem::status(pack.path).permissions();
  EXPECT_NE(perms & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
}

TEST(PackedFile, DamageIsRefused) {
  SmallPack pack;
  std::string good = pack.bytes();
  EXPECT_NE(pack.openError(good.substr(0, good.size() - 1)).find("truncated"),
            std::string::npos);
  EXPECT_NE(pack.openError(good + "x").find("truncated or has extra bytes"),
            std::string::npos);
  EXPECT_NE(pack.openError(good.substr(0, 10)).find("not a packed dataset"),
            std::string::npos);
  EXPECT_NE(pack.openError("").find("is empty"), std::string::npos);

  std::string header = good;
  header[20] ^= 1;
  EXPECT_NE(pack.openError(header).find("corrupted header"), std::string::npos);
  std::string version = good;
  putWord(version, 8, 99);
  resealHeader(version);
  EXPECT_NE(pack.openError(version).find("has format version 99"),
            std::string::npos);
  std::string kind = good;
  putWord(kind, 12, 7);
  resealHeader(kind);
  EXPECT_NE(pack.openError(kind).find("records of kind 7"), std::string::npos);
  std::string index = good;
  index[index.size() - 20] ^= 0x40;
  EXPECT_NE(pack.openError(index).find("corrupted index"), std::string::npos);

  // A damaged record opens, and is refused when read.
  std::string record = good;
  record[64 + 100] ^= 0x10;
  std::string damaged = pack.dir.file("record.alexdata");
  std::ofstream(damaged, std::ios::binary) << record;
  PackedReader reader;
  ASSERT_TRUE(reader.open(damaged).ok());
  const uint8_t *data;
  size_t size;
  Status status = reader.record(0, data, size);
  EXPECT_NE(status.message().find("record 0 ('f0')"), std::string::npos);
  EXPECT_NE(status.message().find("checksum mismatch"), std::string::npos);
  EXPECT_TRUE(reader.record(1, data, size).ok());
}

// A writer that never finishes leaves the existing file as it was, and no
// temporary file behind.
TEST(PackedFile, UnfinishedWriteKeepsTheOldFile) {
  SmallPack pack;
  std::string before = pack.bytes();
  {
    PackedWriter writer;
    ASSERT_TRUE(writer.create(pack.path, "train", 8, 3, 90, {"x"}).ok());
    ASSERT_TRUE(writer.add(pack.records[0], 0, "again").ok());
  }
  EXPECT_EQ(pack.bytes(), before);
  int files = 0;
  for (const auto &entry : std::filesystem::directory_iterator(pack.dir.path))
    files += entry.is_regular_file();
  EXPECT_EQ(files, 1);
}
