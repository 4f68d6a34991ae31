//===- MakeImages.cpp - seeded image datasets as real JPEG and PNG files --===//
//
// Writes an ImageFolder dataset (OUT/train/<class>/*, OUT/val/<class>/*)
// for tests and benchmarks, encoded by libjpeg and libpng in every variant
// the loader must read: 4:2:0 and 4:4:4, progressive, restart markers,
// greyscale, CMYK (Adobe's inverted form and the plain one), YCCK, PNG
// (with alpha, and one named .JPEG). With --bad, the training split also
// gets a truncated JPEG, an empty file and a text file. Each class is a
// pattern a small network can tell apart under crops, flips and colour
// noise: horizontal stripes, vertical stripes, a checkerboard, a disc.
//
//   alex-make-images OUT [--classes N] [--train N] [--val N] [--size WxH |
//                    --min-size N --max-size N] [--variants all|jpeg]
//                    [--quality Q] [--bad] [--list] [--seed N]
//
//===----------------------------------------------------------------------===//

#include <cstdio>
#include <jpeglib.h>
#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {
/// How one file is encoded.
enum class Variant {
  Jpeg420,
  Jpeg444,
  Progressive,
  Restarts,
  Grey,
  CmykAdobe,
  CmykPlain,
  Ycck,
  Png,
  PngAlpha,
  PngNamedJpeg,
};
const Variant kAll[] = {Variant::Jpeg420,   Variant::Jpeg444,
                        Variant::Progressive, Variant::Restarts,
                        Variant::Grey,      Variant::CmykAdobe,
                        Variant::CmykPlain, Variant::Ycck,
                        Variant::Png,       Variant::PngAlpha,
                        Variant::PngNamedJpeg};

struct Rgb {
  int width, height;
  std::vector<uint8_t> pixels; // RGB interleaved
};

/// Class `label`'s pattern at a random scale, phase and pair of colours,
/// with some noise.
Rgb pattern(int label, int width, int height, std::mt19937 &random) {
  std::uniform_real_distribution<double> unit(0, 1);
  double period = 6 + unit(random) * double(std::min(width, height)) / 6;
  double phase = unit(random) * period;
  uint8_t a[3], b[3];
  for (int c = 0; c < 3; ++c) {
    a[c] = uint8_t(20 + unit(random) * 90);
    b[c] = uint8_t(150 + unit(random) * 100);
  }
  double cx = width * (0.35 + 0.3 * unit(random));
  double cy = height * (0.35 + 0.3 * unit(random));
  double radius = std::min(width, height) * (0.2 + 0.15 * unit(random));
  std::normal_distribution<double> noise(0, 8);
  Rgb image{width, height, std::vector<uint8_t>(size_t(width * height * 3))};
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      bool on;
      switch (label % 4) {
      case 0:
        on = std::fmod(y + phase, period) < period / 2;
        break;
      case 1:
        on = std::fmod(x + phase, period) < period / 2;
        break;
      case 2:
        on = (std::fmod(x + phase, period) < period / 2) !=
             (std::fmod(y + phase, period) < period / 2);
        break;
      default:
        on = std::hypot(x - cx, y - cy) < radius;
        break;
      }
      for (int c = 0; c < 3; ++c) {
        double value = (on ? b[c] : a[c]) + noise(random);
        image.pixels[size_t((y * width + x) * 3 + c)] =
            uint8_t(std::clamp(value, 0.0, 255.0));
      }
    }
  return image;
}

bool writeJpeg(const std::string &path, const Rgb &image, Variant variant,
               int quality) {
  FILE *file = std::fopen(path.c_str(), "wb");
  if (!file)
    return false;
  jpeg_compress_struct info;
  jpeg_error_mgr errors;
  info.err = jpeg_std_error(&errors);
  jpeg_create_compress(&info);
  jpeg_stdio_dest(&info, file);
  info.image_width = JDIMENSION(image.width);
  info.image_height = JDIMENSION(image.height);
  bool grey = variant == Variant::Grey;
  bool cmyk = variant == Variant::CmykAdobe || variant == Variant::CmykPlain ||
              variant == Variant::Ycck;
  info.input_components = grey ? 1 : cmyk ? 4 : 3;
  info.in_color_space = grey ? JCS_GRAYSCALE : cmyk ? JCS_CMYK : JCS_RGB;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, quality, TRUE);
  if (variant == Variant::Ycck)
    jpeg_set_colorspace(&info, JCS_YCCK);
  if (variant == Variant::CmykPlain)
    info.write_Adobe_marker = FALSE; // the plain convention: not inverted
  if (variant == Variant::Jpeg444)
    info.comp_info[0].h_samp_factor = info.comp_info[0].v_samp_factor = 1;
  if (variant == Variant::Progressive)
    jpeg_simple_progression(&info);
  if (variant == Variant::Restarts)
    info.restart_interval = 3;
  jpeg_start_compress(&info, TRUE);
  std::vector<uint8_t> row(size_t(image.width * info.input_components));
  bool inverted = variant != Variant::CmykPlain; // Adobe stores 255 - ink
  while (info.next_scanline < info.image_height) {
    const uint8_t *rgb =
        image.pixels.data() + size_t(info.next_scanline) * image.width * 3;
    for (int x = 0; x < image.width; ++x) {
      const uint8_t *p = rgb + x * 3;
      if (grey) {
        row[size_t(x)] = uint8_t((299 * p[0] + 587 * p[1] + 114 * p[2]) / 1000);
      } else if (cmyk) {
        // The simplest CMYK with this RGB: no black ink.
        for (int c = 0; c < 3; ++c) {
          int ink = 255 - p[c];
          row[size_t(x * 4 + c)] = uint8_t(inverted ? 255 - ink : ink);
        }
        row[size_t(x * 4 + 3)] = uint8_t(inverted ? 255 : 0);
      } else {
        std::memcpy(&row[size_t(x * 3)], p, 3);
      }
    }
    JSAMPROW rows[] = {row.data()};
    jpeg_write_scanlines(&info, rows, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  return std::fclose(file) == 0;
}

bool writePng(const std::string &path, const Rgb &image, bool alpha) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = png_uint_32(image.width);
  png.height = png_uint_32(image.height);
  png.format = alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  std::vector<uint8_t> pixels = image.pixels;
  if (alpha) {
    pixels.clear();
    for (size_t i = 0; i < image.pixels.size(); i += 3) {
      pixels.insert(pixels.end(), &image.pixels[i], &image.pixels[i] + 3);
      pixels.push_back(uint8_t(i % 251));
    }
  }
  return png_image_write_to_file(&png, path.c_str(), 0, pixels.data(), 0,
                                 nullptr) != 0;
}

const char *extension(Variant variant) {
  return variant == Variant::Png || variant == Variant::PngAlpha ? ".png"
                                                                 : ".JPEG";
}

int usage() {
  std::fprintf(stderr,
               "usage: alex-make-images OUT [--classes N] [--train N] "
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
  size_t variantCount = allVariants ? std::size(kAll) : 1;
  size_t counter = 0;
  for (const char *split : {"train", "val"}) {
    std::ofstream listFile;
    if (list)
      listFile.open(out + "/" + split + ".txt");
    int perClass = std::string(split) == "train" ? train : val;
    for (int label = 0; label < classes; ++label) {
      std::string dir = std::string(split) + "/class" + std::to_string(label);
      fs::create_directories(out + "/" + dir);
      for (int i = 0; i < perClass; ++i) {
        int w = width ? width : size(random), h = height ? height : size(random);
        Rgb image = pattern(label, w, h, random);
        Variant variant = kAll[counter++ % variantCount];
        std::string name = dir + "/img" + std::to_string(i) + extension(variant);
        std::string path = out + "/" + name;
        bool ok = variant == Variant::Png || variant == Variant::PngAlpha ||
                          variant == Variant::PngNamedJpeg
                      ? writePng(path, image, variant == Variant::PngAlpha)
                      : writeJpeg(path, image, variant, quality);
        if (!ok) {
          std::fprintf(stderr, "cannot write '%s'\n", path.c_str());
          return 1;
        }
        if (list)
          listFile << name << " " << label << "\n";
      }
    }
  }
  if (bad) {
    // A truncated JPEG, an empty file, a text file: each skipped with a
    // warning when the training split is read.
    std::string dir = out + "/train/class0/";
    std::ifstream whole(dir + "img0.JPEG", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(whole)), {});
    std::ofstream(dir + "truncated.JPEG", std::ios::binary)
        << bytes.substr(0, bytes.size() / 2);
    std::ofstream(dir + "empty.JPEG", std::ios::binary);
    std::ofstream(dir + "notes.txt") << "not an image\n";
  }
  return 0;
}
