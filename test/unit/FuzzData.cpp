//===- FuzzData.cpp - damaged images and packed files must be refused -----===//
//
// A seeded mutator (flipped bits, overwritten, deleted, inserted and
// duplicated bytes, truncation) over seed JPEG and PNG files and a packed
// dataset, fed to the decoder and to the packed-file reader. Passes when
// every input is decoded or refused with a message and nothing crashes,
// hangs or reads out of bounds (run it under ASan or valgrind for the last).
// Then photo-like JPEGs with bytes of their entropy-coded data damaged:
// how many the decoder refuses, and why.
//
//   alex-fuzz-data [--iterations N] [--seed N] [SEED_FILES_OR_DIRS...]
//
//===----------------------------------------------------------------------===//

#include "runtime/data/folders/PackedFile.h"
#include "runtime/data/images/Decode.h"
#include "runtime/support/Files.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

using namespace alexrt;
namespace fs = std::filesystem;

namespace {
using Bytes = std::vector<uint8_t>;

/// A small RGB gradient as a JPEG: the seed when no files are given.
Bytes seedJpeg(int64_t side) {
  Image image;
  image.resize(side, side, 3);
  for (size_t i = 0; i < image.pixels.size(); ++i)
    image.pixels[i] = uint8_t(i * 7 % 251);
  Bytes jpeg;
  if (!encodeJpeg(image, 90, jpeg).ok())
    std::abort();
  return jpeg;
}

/// A photo-like RGB image as a JPEG: smooth shading, edges and sensor
/// noise, so its entropy-coded data is dense as a photo's is.
Bytes photoJpeg(int64_t side, std::mt19937_64 &random) {
  Image image;
  image.resize(side, side, 3);
  int64_t cx = int64_t(random() % uint64_t(side)),
          cy = int64_t(random() % uint64_t(side));
  for (int64_t y = 0; y < side; ++y)
    for (int64_t x = 0; x < side; ++x)
      for (int64_t c = 0; c < 3; ++c) {
        bool inside =
            (x - cx) * (x - cx) + (y - cy) * (y - cy) < side * side / 9;
        int value = int(40 + 120 * x / side + 60 * c) + (inside ? 50 : 0) +
                    int(random() % 31) - 15;
        image.pixels[size_t((y * side + x) * 3 + c)] =
            uint8_t(std::clamp(value, 0, 255));
      }
  Bytes jpeg;
  if (!encodeJpeg(image, 90, jpeg).ok())
    std::abort();
  return jpeg;
}

/// The entropy-coded data of a baseline JPEG: after the start-of-scan
/// segment, before the end-of-image marker.
bool entropySpan(const Bytes &jpeg, size_t &begin, size_t &end) {
  for (size_t i = 2; i + 4 <= jpeg.size(); ++i)
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xDA) {
      begin = i + 2 + (size_t(jpeg[i + 2]) << 8 | jpeg[i + 3]);
      end = jpeg.size() - 2; // FF D9
      return begin < end;
    }
  return false;
}

/// Damages `bytes` random bytes of photo-like JPEGs' entropy-coded data,
/// `trials` times, and prints how many the decoder refused and why: a
/// damaged photo must not train as if it were whole.
void damageEntropyData(int bytes, int trials, std::mt19937_64 &random) {
  static const char *const kinds[] = {
      "bad Huffman code", "premature end of data segment", "extraneous bytes",
      "instead of RST", "truncated"};
  std::map<std::string, int> refusedBy;
  int refused = 0, keptWithWarning = 0;
  for (int t = 0; t < trials; ++t) {
    Bytes jpeg = photoJpeg(64 + int64_t(random() % 4) * 32, random);
    size_t begin = 0, end = 0;
    if (!entropySpan(jpeg, begin, end))
      std::abort();
    for (int b = 0; b < bytes; ++b)
      jpeg[begin + size_t(random() % (end - begin))] = uint8_t(random());
    Image image;
    std::string warning;
    Status status =
        decodeImage(jpeg.data(), jpeg.size(), 3, 0, image, &warning);
    if (status.ok()) {
      keptWithWarning += !warning.empty();
      continue;
    }
    ++refused;
    const char *kind = "other";
    for (const char *known : kinds)
      if (status.message().find(known) != std::string::npos)
        kind = known;
    ++refusedBy[kind];
  }
  std::printf("entropy-coded data of photos, %d random byte%s damaged: %d "
              "of %d refused (",
              bytes, bytes == 1 ? "" : "s", refused, trials);
  const char *separator = "";
  for (const auto &[kind, count] : refusedBy) {
    std::printf("%s%s %d", separator, kind.c_str(), count);
    separator = ", ";
  }
  std::printf("), %d decoded (%d of them with a warning)\n", trials - refused,
              keptWithWarning);
}

/// One to four random mutations of `input`.
Bytes mutate(const Bytes &input, std::mt19937_64 &random) {
  Bytes out = input;
  auto pick = [&](size_t n) { return n ? size_t(random() % n) : 0; };
  int count = 1 + int(random() % 4);
  for (int m = 0; m < count; ++m) {
    switch (random() % 6) {
    case 0: // flip a bit
      if (!out.empty())
        out[pick(out.size())] ^= uint8_t(1u << (random() % 8));
      break;
    case 1: // overwrite a byte with something hostile
      if (!out.empty()) {
        static const uint8_t hostile[] = {0x00, 0xFF, 0x7F, 0x80, 0xD8,
                                          0xD9, 0xDA, 0xC0, 0xC4, 0xDB};
        out[pick(out.size())] = hostile[random() % sizeof hostile];
      }
      break;
    case 2: { // delete a run
      size_t at = pick(out.size()), n = std::min(out.size() - at, pick(64) + 1);
      out.erase(out.begin() + long(at), out.begin() + long(at + n));
      break;
    }
    case 3: { // insert random bytes
      size_t at = pick(out.size() + 1), n = pick(16) + 1;
      for (size_t i = 0; i < n; ++i)
        out.insert(out.begin() + long(at), uint8_t(random()));
      break;
    }
    case 4: // truncate
      out.resize(pick(out.size() + 1));
      break;
    default: { // duplicate a run somewhere else
      if (out.empty())
        break;
      size_t from = pick(out.size()),
             n = std::min(out.size() - from, pick(128) + 1);
      Bytes run(out.begin() + long(from), out.begin() + long(from + n));
      size_t at = pick(out.size() + 1);
      out.insert(out.begin() + long(at), run.begin(), run.end());
      break;
    }
    }
  }
  return out;
}

/// A packed file of three seed images, as bytes.
Bytes seedPacked(const std::string &dir) {
  std::string path = dir + "/seed.alexdata";
  PackedWriter writer;
  PixelSums sums(16, 16, 3);
  Image image;
  Status status = writer.create(path, "train", 16, 3, 90, {"a", "b"});
  for (int i = 0; status.ok() && i < 3; ++i) {
    Bytes jpeg = seedJpeg(16);
    if (decodeImage(jpeg.data(), jpeg.size(), 3, 0, image).ok())
      sums.add(image);
    status = writer.add(jpeg, i % 2, "class/" + std::to_string(i) + ".JPEG");
  }
  if (status.ok())
    status = writer.finish(sums, 0);
  std::string contents;
  if (!status.ok() || !readWholeFile(path, contents)) {
    std::fprintf(stderr, "cannot make the packed seed: %s\n",
                 status.message().c_str());
    std::exit(1);
  }
  return Bytes(contents.begin(), contents.end());
}

void addSeedFiles(const std::string &path, std::vector<Bytes> &seeds) {
  std::vector<std::string> files;
  if (fs::is_directory(path)) {
    for (const auto &entry : fs::recursive_directory_iterator(path))
      if (entry.is_regular_file())
        files.push_back(entry.path().string());
  } else {
    files.push_back(path);
  }
  for (const std::string &file : files) {
    std::string contents;
    if (readWholeFile(file, contents) && !contents.empty() &&
        contents.size() < (1u << 20))
      seeds.emplace_back(contents.begin(), contents.end());
  }
}
} // namespace

int main(int argc, char **argv) {
  uint64_t iterations = 20000, seed = 1;
  std::vector<Bytes> images;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--iterations" || arg == "--seed") && i + 1 < argc)
      (arg == "--seed" ? seed : iterations) = std::strtoull(argv[++i], 0, 10);
    else
      addSeedFiles(arg, images);
  }
  images.push_back(seedJpeg(24));
  std::string dir = (fs::temp_directory_path() /
                     ("alex-fuzz-data-" + std::to_string(::getpid())))
                        .string();
  fs::create_directories(dir);
  Bytes packed = seedPacked(dir);
  std::string mutantPath = dir + "/mutant.alexdata";

  std::mt19937_64 random(seed);
  uint64_t decoded = 0, refused = 0, packedOpened = 0, packedRefused = 0;
  auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < iterations; ++i) {
    // One input in eight is a packed file (each costs a file write).
    if (i % 8 == 7) {
      Bytes mutant = mutate(packed, random);
      if (!writeFileAtomically(mutantPath, "mutant", mutant.data(),
                               mutant.size())
               .ok())
        return 1;
      PackedReader reader;
      if (!reader.open(mutantPath).ok()) {
        ++packedRefused;
        continue;
      }
      ++packedOpened;
      for (int64_t r = 0; r < reader.count(); ++r) {
        const uint8_t *data;
        size_t size;
        Image image;
        if (reader.record(r, data, size).ok())
          (void)decodeImage(data, size, 3, 0, image);
      }
      continue;
    }
    const Bytes &base = images[random() % images.size()];
    Bytes mutant = mutate(base, random);
    Image image;
    int64_t channels = random() % 2 ? 3 : 1;
    Status status = decodeImage(mutant.data(), mutant.size(), channels,
                                int64_t(random() % 32), image);
    if (status.ok()) {
      if (image.height <= 0 || image.width <= 0 ||
          image.pixels.size() !=
              size_t(image.height * image.width * channels)) {
        std::fprintf(stderr, "input %llu decoded to an inconsistent image\n",
                     (unsigned long long)i);
        return 1;
      }
      ++decoded;
    } else {
      if (status.message().empty())
        return 1;
      ++refused;
    }
  }
  fs::remove_all(dir);
  // Damage a decoder sees (a bad code, a marker too early, data left over)
  // must refuse the photo; a byte may change coefficients unseen.
  for (int bytes : {40, 1})
    damageEntropyData(bytes, 300, random);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  // A decoded image of the wrong size, or a refusal without a message,
  // has ended the run with status 1 above.
  std::printf("%llu inputs in %.1f s: images %llu decoded, %llu refused; "
              "packed files %llu opened, %llu refused\n",
              (unsigned long long)iterations, seconds,
              (unsigned long long)decoded, (unsigned long long)refused,
              (unsigned long long)packedOpened,
              (unsigned long long)packedRefused);
  return 0;
}
