//===- WeightFileTest.cpp - weight files: round trip and bad files --------===//

#include "runtime/model/WeightFile.h"

#include "TempDir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

using namespace alexrt;

namespace {
/// Two small parameters with distinct values and momenta.
struct Weights {
  std::vector<float> w, wm, b, bm;
  Weights(float base = 0) : w(6 * 5), wm(6 * 5), b(6), bm(6) {
    for (size_t i = 0; i < w.size(); ++i) {
      w[i] = base + 0.25f * float(i);
      wm[i] = -0.5f * float(i);
    }
    for (size_t i = 0; i < b.size(); ++i) {
      b[i] = base + 1.0f + float(i);
      bm[i] = 0.125f * float(i);
    }
  }
  std::vector<TensorBuffers> buffers() {
    return {{"fc.weight", {6, 5}, w.data(), wm.data()},
            {"fc.bias", {6}, b.data(), bm.data()}};
  }
};

constexpr uint64_t kSignature = 0x1234abcd;

TrainingProgress someProgress() {
  TrainingProgress progress;
  DataFacts facts;
  progress.seed = 99;
  progress.step = 1234;
  progress.epoch = 3;
  progress.learningRate = 0.001;
  progress.bestValidationError = 0.25;
  progress.epochsSinceBest = 2;
  progress.drops = 1;
  return progress;
}

DataFacts someFacts() {
  DataFacts facts;
  facts.dataset = "imagenet";
  facts.classNames = {"n01", "n02"};
  facts.mean = {0.5f, 0.25f, 0.125f};
  return facts;
}

std::string readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}
} // namespace

TEST(WeightFile, RoundTripIsExact) {
  TempDir dir;
  Weights saved;
  ASSERT_TRUE(saveWeights(dir.file("w.fb"), "tiny", kSignature, someProgress(),
                          someFacts(), saved.buffers())
                  .ok());

  Weights loaded(100.0f);
  TrainingProgress progress;
  DataFacts facts;
  Status status = loadWeights(dir.file("w.fb"), kSignature, progress, facts,
                              loaded.buffers());
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(loaded.w, saved.w);
  EXPECT_EQ(loaded.wm, saved.wm);
  EXPECT_EQ(loaded.b, saved.b);
  EXPECT_EQ(loaded.bm, saved.bm);
  TrainingProgress expected = someProgress();
  EXPECT_EQ(progress.seed, expected.seed);
  EXPECT_EQ(progress.step, expected.step);
  EXPECT_EQ(progress.epoch, expected.epoch);
  EXPECT_EQ(progress.learningRate, expected.learningRate);
  EXPECT_EQ(progress.bestValidationError, expected.bestValidationError);
  EXPECT_EQ(progress.epochsSinceBest, expected.epochsSinceBest);
  EXPECT_EQ(progress.drops, expected.drops);
  DataFacts expectedFacts = someFacts();
  EXPECT_EQ(facts.dataset, expectedFacts.dataset);
  EXPECT_EQ(facts.classNames, expectedFacts.classNames);
  EXPECT_EQ(facts.mean, expectedFacts.mean);
}

TEST(WeightFile, TensorDataIsAligned) {
  TempDir dir;
  Weights saved;
  ASSERT_TRUE(
      saveWeights(dir.file("w.fb"), "tiny", kSignature, {}, {}, saved.buffers())
          .ok());
  // The value bytes of fc.weight must start 64-byte aligned in the file.
  std::string bytes = readBytes(dir.file("w.fb"));
  std::string pattern(reinterpret_cast<const char *>(saved.w.data()),
                      saved.w.size() * sizeof(float));
  size_t at = bytes.find(pattern);
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(at % 64, 0u);
}

TEST(WeightFile, SavingLeavesNoTemporaryAndReplacesTheOldFile) {
  TempDir dir;
  Weights first, second(7.0f);
  ASSERT_TRUE(
      saveWeights(dir.file("w.fb"), "tiny", kSignature, {}, {}, first.buffers())
          .ok());
  ASSERT_TRUE(saveWeights(dir.file("w.fb"), "tiny", kSignature, {}, {},
                          second.buffers())
                  .ok());
  int files = 0;
  for (auto &entry : std::filesystem::directory_iterator(dir.path))
    files += entry.is_regular_file();
  EXPECT_EQ(files, 1);
  Weights loaded(-1.0f);
  TrainingProgress progress;
  DataFacts facts;
  ASSERT_TRUE(loadWeights(dir.file("w.fb"), kSignature, progress, facts,
                          loaded.buffers())
                  .ok());
  EXPECT_EQ(loaded.w, second.w);
}

TEST(WeightFile, FailedSaveKeepsTheExistingFile) {
  TempDir dir;
  Weights first;
  ASSERT_TRUE(
      saveWeights(dir.file("w.fb"), "tiny", kSignature, {}, {}, first.buffers())
          .ok());
  std::string before = readBytes(dir.file("w.fb"));

  // The target is a directory: rename fails after the data was written.
  std::filesystem::create_directory(dir.file("taken.fb"));
  Status status = saveWeights(dir.file("taken.fb"), "tiny", kSignature, {}, {},
                              first.buffers());
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("cannot write weight file"),
            std::string::npos);
  // Unwritable place.
  EXPECT_FALSE(saveWeights(dir.file("missing/w.fb"), "tiny", kSignature, {}, {},
                           first.buffers())
                   .ok());

  EXPECT_EQ(readBytes(dir.file("w.fb")), before);
  int files = 0;
  for (auto &entry : std::filesystem::directory_iterator(dir.path))
    files += entry.is_regular_file();
  EXPECT_EQ(files, 1) << "a temporary file was left behind";
}

/// Loads `path` into fresh buffers; returns the status and checks that the
/// buffers were not touched on failure.
static Status loadExpectingUntouched(const std::string &path,
                                     uint64_t signature) {
  Weights target(55.0f), pristine(55.0f);
  TrainingProgress progress;
  DataFacts facts;
  Status status =
      loadWeights(path, signature, progress, facts, target.buffers());
  if (!status.ok()) {
    EXPECT_EQ(target.w, pristine.w);
    EXPECT_EQ(target.wm, pristine.wm);
  }
  return status;
}

TEST(WeightFile, BadFilesAreRefused) {
  TempDir dir;
  Weights saved;
  std::string good = dir.file("good.fb");
  ASSERT_TRUE(
      saveWeights(good, "tiny", kSignature, {}, {}, saved.buffers()).ok());
  std::string bytes = readBytes(good);

  auto expectError = [&](const std::string &name, const std::string &content,
                         const std::string &message) {
    writeBytes(dir.file(name), content);
    Status status = loadExpectingUntouched(dir.file(name), kSignature);
    ASSERT_FALSE(status.ok()) << name;
    EXPECT_NE(status.message().find(message), std::string::npos)
        << name << ": " << status.message();
  };

  expectError("empty.fb", "", "is empty");
  expectError("text.fb", "hello, this is not a weight file at all",
              "is not an alexc weight file");
  for (size_t keep : {bytes.size() / 2, bytes.size() - 5, size_t(100)})
    expectError("truncated.fb", bytes.substr(0, keep),
                "truncated or corrupted");

  // A flipped bit inside fc.weight's values: only the checksum sees it.
  std::string flipped = bytes;
  std::string pattern(reinterpret_cast<const char *>(saved.w.data()),
                      saved.w.size() * sizeof(float));
  size_t at = flipped.find(pattern);
  ASSERT_NE(at, std::string::npos);
  flipped[at + 17] ^= 0x10;
  expectError("flipped.fb", flipped, "corrupted (checksum mismatch)");

  Status missing = loadExpectingUntouched(dir.file("nope.fb"), kSignature);
  EXPECT_NE(missing.message().find("cannot open weight file"),
            std::string::npos);
}

TEST(WeightFile, AnotherModelsWeightsAreRefused) {
  TempDir dir;
  Weights saved;
  ASSERT_TRUE(saveWeights(dir.file("w.fb"), "alexnet", kSignature, {}, {},
                          saved.buffers())
                  .ok());
  Status status = loadExpectingUntouched(dir.file("w.fb"), kSignature + 1);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("belongs to model 'alexnet'"),
            std::string::npos);

  // Same signature but a tensor the file lacks, or of another shape.
  Weights target;
  TrainingProgress progress;
  DataFacts facts;
  std::vector<TensorBuffers> renamed = target.buffers();
  renamed[1].name = "fc.offset";
  status = loadWeights(dir.file("w.fb"), kSignature, progress, facts, renamed);
  EXPECT_NE(status.message().find("has no tensor 'fc.offset'"),
            std::string::npos);
  std::vector<TensorBuffers> reshaped = target.buffers();
  reshaped[0].shape = {5, 6};
  status = loadWeights(dir.file("w.fb"), kSignature, progress, facts, reshaped);
  EXPECT_NE(status.message().find("has another shape"), std::string::npos);
}
