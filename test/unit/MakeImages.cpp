//===- MakeImages.cpp - seeded image datasets as real JPEG and PNG files --===//
//
// Writes an ImageFolder dataset (OUT/train/<class>/*, OUT/val/<class>/*)
// for tests and benchmarks, encoded by libjpeg and libpng in every variant
// the loader must read: 4:2:0 and 4:4:4, progressive, restart markers,
// greyscale, CMYK (Adobe's inverted form and the plain one), YCCK, PNG
// (with alpha, and one named .JPEG). With --bad, the training split also
// gets a truncated JPEG, a damaged one, an empty file and a text file, and a
// JPEG whose decoder warns but whose pixels are intact. Each class is a
// pattern a small network can tell apart under crops, flips and colour
// noise: horizontal stripes, vertical stripes, a checkerboard, a disc.
//
//   alex-make-images OUT [--classes N] [--train N] [--val N] [--size WxH |
//                    --min-size N --max-size N] [--variants all|jpeg]
//                    [--quality Q] [--bad] [--list] [--seed N]
//
//===----------------------------------------------------------------------===//

#include "TestImages.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace fs = std::filesystem;
using namespace alextest;

namespace {
const char *extension(Variant variant) {
  return variant == Variant::Png || variant == Variant::PngAlpha ? ".png"
                                                                 : ".JPEG";
}

bool writeFile(const std::string &path, const std::vector<uint8_t> &bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(bytes.data()),
            std::streamsize(bytes.size()));
  return !bytes.empty() && bool(out);
}

int usage() {
  std::fprintf(stderr, "usage: alex-make-images OUT [--classes N] [--train N] "
                       "[--val N] [--size WxH | --min-size N --max-size N] "
                       "[--variants all|jpeg] [--quality Q] [--bad] [--list] "
                       "[--seed N]\n");
  return 2;
}
} // namespace

int main(int argc, char **argv) {
  if (argc < 2)
    return usage();
  std::string out = argv[1];
  if (out.rfind("-", 0) == 0) // an option where OUT belongs (--help)
    return usage();
  int classes = 4, train = 40, val = 10, width = 0, height = 0;
  int minSize = 40, maxSize = 80, quality = 90, seed = 1;
  bool allVariants = true, bad = false, list = false;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> const char * {
      return i + 1 < argc ? argv[++i] : nullptr;
    };
    const char *v = nullptr;
    if (arg == "--bad")
      bad = true;
    else if (arg == "--list")
      list = true;
    else if (!(v = value()))
      return usage();
    else if (arg == "--classes")
      classes = std::atoi(v);
    else if (arg == "--train")
      train = std::atoi(v);
    else if (arg == "--val")
      val = std::atoi(v);
    else if (arg == "--size" && std::sscanf(v, "%dx%d", &width, &height) == 2)
      ;
    else if (arg == "--min-size")
      minSize = std::atoi(v);
    else if (arg == "--max-size")
      maxSize = std::atoi(v);
    else if (arg == "--variants")
      allVariants = std::string(v) == "all";
    else if (arg == "--quality")
      quality = std::atoi(v);
    else if (arg == "--seed")
      seed = std::atoi(v);
    else
      return usage();
  }
  std::mt19937 random(static_cast<unsigned>(seed));
  std::uniform_int_distribution<int> size(minSize, maxSize);
  size_t variantCount = allVariants ? std::size(kAllVariants) : 1;
  size_t counter = 0;
  for (const char *split : {"train", "val"}) {
    fs::create_directories(out); // Before the list file in it.
    std::ofstream listFile;
    if (list)
      listFile.open(out + "/" + split + ".txt");
    int perClass = std::string(split) == "train" ? train : val;
    for (int label = 0; label < classes; ++label) {
      std::string dir = std::string(split) + "/class" + std::to_string(label);
      fs::create_directories(out + "/" + dir);
      for (int i = 0; i < perClass; ++i) {
        int w = width ? width : size(random),
            h = height ? height : size(random);
        Rgb image = pattern(label, w, h, random);
        Variant variant = kAllVariants[counter++ % variantCount];
        std::string name =
            dir + "/img" + std::to_string(i) + extension(variant);
        std::string path = out + "/" + name;
        if (!writeFile(path, encode(image, variant, quality))) {
          std::fprintf(stderr, "cannot write '%s'\n", path.c_str());
          return 1;
        }
        if (list)
          listFile << name << " " << label << "\n";
      }
    }
  }
  if (bad) {
    // A truncated JPEG, one whose entropy-coded data has 40 bytes
    // overwritten, an empty file, a text file: each skipped with a warning
    // when the training split is read. And a JPEG that says it is JFIF 2.01:
    // libjpeg warns, the pixels are intact, it is kept and named.
    std::string dir = out + "/train/class0/";
    std::ifstream whole(dir + "img0.JPEG", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(whole)), {});
    std::ofstream(dir + "truncated.JPEG", std::ios::binary)
        << bytes.substr(0, bytes.size() / 2);
    size_t scan = bytes.find("\xFF\xDA"), jfif = bytes.find("JFIF");
    if (scan == std::string::npos || jfif == std::string::npos) {
      std::fprintf(stderr, "img0.JPEG has no scan or no JFIF header\n");
      return 1;
    }
    std::string damaged = bytes;
    size_t begin =
        scan + 2 +
        (size_t(uint8_t(bytes[scan + 2])) << 8 | uint8_t(bytes[scan + 3]));
    for (int i = 0; i < 40; ++i)
      damaged[begin + random() % (bytes.size() - 2 - begin)] =
          char(random() % 256);
    std::ofstream(dir + "damaged.JPEG", std::ios::binary) << damaged;
    std::string newer = bytes;
    newer[jfif + 5] = 2; // The major version, after "JFIF\0".
    std::ofstream(dir + "jfif2.JPEG", std::ios::binary) << newer;
    std::ofstream(dir + "empty.JPEG", std::ios::binary);
    std::ofstream(dir + "notes.txt") << "not an image\n";
  }
  return 0;
}
