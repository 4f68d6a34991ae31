//===- DatasetTest.cpp - IDX files, Fashion-MNIST, batches ----------------===//

#include "runtime/data/MemoryDataset.h"

#include "TempDir.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>

using namespace alexrt;

namespace {
/// Writes an IDX file (gzip) with `magic`, `dims` and `payload`.
void writeIdx(const std::string &path, uint32_t magic,
              std::vector<uint32_t> dims, const std::vector<uint8_t> &payload,
              size_t keep = SIZE_MAX) {
  std::vector<uint8_t> bytes;
  auto put = [&](uint32_t word) {
    for (int shift = 24; shift >= 0; shift -= 8)
      bytes.push_back(uint8_t(word >> shift));
  };
  put(magic);
  for (uint32_t dim : dims)
    put(dim);
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  bytes.resize(std::min(keep, bytes.size()));
  gzFile out = gzopen(path.c_str(), "wb");
  gzwrite(out, bytes.data(), unsigned(bytes.size()));
  gzclose(out);
}

/// Three 2x3 images with labels 0, 2, 1.
struct SmallIdx {
  TempDir dir;
  std::vector<uint8_t> pixels;
  SmallIdx() {
    for (int i = 0; i < 18; ++i)
      pixels.push_back(uint8_t(i * 10));
    writeIdx(images(), 0x803, {3, 2, 3}, pixels);
    writeIdx(labels(), 0x801, {3}, {0, 2, 1});
  }
  std::string images() const { return dir.file("images.gz"); }
  std::string labels() const { return dir.file("labels.gz"); }
};

std::string errorOf(Status status) {
  EXPECT_FALSE(status.ok());
  return status.message();
}
} // namespace

TEST(Idx, ReadsImagesAndLabels) {
  SmallIdx idx;
  ImageSet set;
  Status status = readIdx(idx.images(), idx.labels(), 3, set);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(set.count, 3);
  EXPECT_EQ(set.channels, 1);
  EXPECT_EQ(set.height, 2);
  EXPECT_EQ(set.width, 3);
  EXPECT_EQ(set.pixels, idx.pixels);
  EXPECT_EQ(set.labels, (std::vector<int32_t>{0, 2, 1}));
}

TEST(Idx, BadFilesAreRefused) {
  SmallIdx idx;
  ImageSet set;
  EXPECT_NE(errorOf(readIdx(idx.dir.file("none.gz"), idx.labels(), 3, set))
                .find("is the dataset installed?"),
            std::string::npos);
  // Labels out of range for the declared classes.
  EXPECT_NE(errorOf(readIdx(idx.images(), idx.labels(), 2, set))
                .find("has label 2, expected below 2"),
            std::string::npos);
  // Swapped files: wrong magic numbers.
  EXPECT_NE(errorOf(readIdx(idx.labels(), idx.images(), 3, set))
                .find("bad magic number"),
            std::string::npos);

  std::string truncated = idx.dir.file("truncated.gz");
  writeIdx(truncated, 0x803, {3, 2, 3}, idx.pixels, 16 + 10);
  EXPECT_NE(errorOf(readIdx(truncated, idx.labels(), 3, set)).find("truncated"),
            std::string::npos);

  std::string fewer = idx.dir.file("fewer.gz");
  writeIdx(fewer, 0x801, {2}, {0, 1});
  EXPECT_NE(
      errorOf(readIdx(idx.images(), fewer, 3, set)).find("holds 3 images but"),
      std::string::npos);

  std::string longer = idx.dir.file("longer.gz");
  writeIdx(longer, 0x801, {3}, {0, 1, 2, 2});
  EXPECT_NE(errorOf(readIdx(idx.images(), longer, 3, set))
                .find("data after its last item"),
            std::string::npos);

  std::string huge = idx.dir.file("huge.gz");
  writeIdx(huge, 0x803, {3, 70000, 3}, idx.pixels);
  EXPECT_NE(errorOf(readIdx(huge, idx.labels(), 3, set))
                .find("implausible dimension 70000"),
            std::string::npos);
}

// The real dataset from Debian's package: every class has exactly 6,000
// training and 1,000 test images (a published property of Fashion-MNIST).
TEST(FashionMnist, DebianPackage) {
  if (!std::filesystem::exists(kFashionMnistDir))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  for (bool training : {true, false}) {
    ImageSet set;
    Status status = loadFashionMnist(kFashionMnistDir, training, set);
    ASSERT_TRUE(status.ok()) << status.message();
    int64_t perClass = training ? 6000 : 1000;
    EXPECT_EQ(set.count, 10 * perClass);
    EXPECT_EQ(set.height, 28);
    EXPECT_EQ(set.width, 28);
    std::vector<int64_t> histogram(10, 0);
    for (int32_t label : set.labels)
      ++histogram[size_t(label)];
    for (int64_t count : histogram)
      EXPECT_EQ(count, perClass);
  }
}

TEST(InputPipeline, IdentityScalesToUnit) {
  SmallIdx idx;
  ImageSet set;
  ASSERT_TRUE(readIdx(idx.images(), idx.labels(), 3, set).ok());
  InputPipeline pipeline;
  pipeline.height = 2;
  pipeline.width = 3;
  ASSERT_TRUE(pipeline.check(set).ok());
  std::vector<float> images(2 * 6);
  std::vector<int32_t> labels(2);
  int64_t indices[] = {2, 0};
  pipeline.makeBatch(set, indices, 2, true, 1, 0, images.data(), labels.data());
  EXPECT_EQ(labels, (std::vector<int32_t>{1, 0}));
  for (int i = 0; i < 6; ++i) {
    EXPECT_FLOAT_EQ(images[i], float((12 + i) * 10) / 255.0f);
    EXPECT_FLOAT_EQ(images[6 + i], float(i * 10) / 255.0f);
  }
}

// 2x2 -> 4x4 with half-pixel centres: source columns land at -0.25, 0.25,
// 0.75, 1.25, so a row 0, 255 becomes 0, 0.25, 0.75, 1 (clamped at edges).
TEST(InputPipeline, BilinearUpsampling) {
  ImageSet set;
  set.count = 1;
  set.channels = 1;
  set.height = set.width = 2;
  set.classes = 1;
  set.pixels = {0, 255, 0, 255};
  set.labels = {0};
  InputPipeline pipeline;
  pipeline.height = pipeline.width = 4;
  pipeline.resize = 4;
  ASSERT_TRUE(pipeline.check(set).ok());
  std::vector<float> image(16);
  int32_t label;
  int64_t index = 0;
  pipeline.makeBatch(set, &index, 1, false, 1, 0, image.data(), &label);
  const float expected[] = {0.0f, 0.25f, 0.75f, 1.0f};
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x)
      EXPECT_NEAR(image[y * 4 + x], expected[x], 1e-6) << y << "," << x;
}

// A model's `normalize` on in-memory images: (p / 255 - mean) / std per
// channel, as torchvision's ToTensor and Normalize.
TEST(InputPipeline, NormalisesEachChannel) {
  ImageSet set;
  set.count = 1;
  set.channels = 2;
  set.height = set.width = 2;
  set.classes = 1;
  set.pixels = {0, 51, 102, 255, 255, 204, 153, 0};
  set.labels = {0};
  InputPipeline pipeline;
  pipeline.channels = 2;
  pipeline.height = pipeline.width = 2;
  pipeline.channelMean = {0.5f, 0.25f};
  pipeline.channelStd = {0.25f, 0.5f};
  ASSERT_TRUE(pipeline.check(set).ok());
  std::vector<float> image(8);
  int32_t label;
  int64_t index = 0;
  pipeline.makeBatch(set, &index, 1, false, 1, 0, image.data(), &label);
  for (int c = 0; c < 2; ++c)
    for (int p = 0; p < 4; ++p)
      EXPECT_NEAR(image[size_t(c * 4 + p)],
                  (set.pixels[size_t(c * 4 + p)] / 255.0 -
                   pipeline.channelMean[size_t(c)]) /
                      pipeline.channelStd[size_t(c)],
                  1e-6)
          << c << "," << p;
  pipeline.channelStd = {0.25f};
  EXPECT_FALSE(pipeline.check(set).ok());
}

TEST(InputPipeline, FlipsAndCropsAreWholeAndSeeded) {
  // One asymmetric 4x6 image, cropped to 4x4 with random flips.
  ImageSet set;
  set.count = 1;
  set.channels = 1;
  set.height = 4;
  set.width = 6;
  set.classes = 1;
  for (int i = 0; i < 24; ++i)
    set.pixels.push_back(uint8_t(i * 7 + 3));
  set.labels = {0};
  InputPipeline pipeline;
  pipeline.height = pipeline.width = 4;
  pipeline.randomCrop = pipeline.flip = true;
  ASSERT_TRUE(pipeline.check(set).ok());

  const int n = 64;
  std::vector<int64_t> indices(n, 0);
  std::vector<int32_t> labels(n);
  std::vector<float> batch(n * 16), again(n * 16);
  pipeline.makeBatch(set, indices.data(), n, true, 5, 9, batch.data(),
                     labels.data());
  pipeline.makeBatch(set, indices.data(), n, true, 5, 9, again.data(),
                     labels.data());
  EXPECT_EQ(batch, again);

  int flipped = 0, offsets[3] = {0, 0, 0};
  for (int b = 0; b < n; ++b) {
    const float *image = batch.data() + b * 16;
    bool matched = false;
    for (int offset = 0; offset <= 2 && !matched; ++offset)
      for (int mirror = 0; mirror <= 1 && !matched; ++mirror) {
        bool same = true;
        for (int y = 0; y < 4; ++y)
          for (int x = 0; x < 4; ++x) {
            int sx = mirror ? 3 - x : x;
            same &= image[y * 4 + x] ==
                    float(set.pixels[y * 6 + sx + offset]) / 255.0f;
          }
        if (same) {
          matched = true;
          flipped += mirror;
          ++offsets[offset];
        }
      }
    EXPECT_TRUE(matched) << "image " << b << " is not a crop of the source";
  }
  EXPECT_GT(flipped, 10);
  EXPECT_LT(flipped, n - 10);
  for (int count : offsets)
    EXPECT_GT(count, 5);
  // Evaluation: always the centre, never flipped.
  pipeline.makeBatch(set, indices.data(), 1, false, 5, 9, batch.data(),
                     labels.data());
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x)
      EXPECT_EQ(batch[y * 4 + x], float(set.pixels[y * 6 + x + 1]) / 255.0f);
}

TEST(InputPipeline, RefusesWhatCannotFit) {
  ImageSet set = syntheticImages(2, 1, 28, 28, 10, 1);
  InputPipeline pipeline;
  pipeline.height = pipeline.width = 224;
  EXPECT_NE(errorOf(pipeline.check(set)).find("set data.resize"),
            std::string::npos);
  pipeline.resize = 224;
  EXPECT_TRUE(pipeline.check(set).ok());
  pipeline.channels = 3;
  EXPECT_NE(errorOf(pipeline.check(set)).find("1-channel images"),
            std::string::npos);
}

TEST(Dataset, MeansSyntheticAndOrder) {
  ImageSet set = syntheticImages(50, 2, 8, 8, 10, 3);
  EXPECT_EQ(set.pixels.size(), 50u * 2 * 64);
  for (int32_t label : set.labels) {
    EXPECT_GE(label, 0);
    EXPECT_LT(label, 10);
  }
  std::vector<float> means = channelMeans(set);
  ASSERT_EQ(means.size(), 2u);
  EXPECT_NEAR(means[0], 0.5, 0.02); // uniform bytes
  EXPECT_NEAR(means[1], 0.5, 0.02);

  std::vector<int64_t> order = epochOrder(1000, 7, 0);
  std::vector<int64_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 1000; ++i)
    ASSERT_EQ(sorted[size_t(i)], i);
  EXPECT_EQ(order, epochOrder(1000, 7, 0));
  EXPECT_NE(order, epochOrder(1000, 7, 1));
}
