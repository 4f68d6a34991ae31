//===- TestImages.cpp - seeded test images encoded in every variant -------===//

#include "TestImages.h"

#include <cstdio>
#include <jpeglib.h>
#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace alextest;

const Variant alextest::kAllVariants[11] = {
    Variant::Jpeg420,   Variant::Jpeg444,     Variant::Progressive,
    Variant::Restarts,  Variant::Grey,        Variant::CmykAdobe,
    Variant::CmykPlain, Variant::Ycck,        Variant::Png,
    Variant::PngAlpha,  Variant::PngNamedJpeg};

bool alextest::isPng(Variant variant) {
  return variant == Variant::Png || variant == Variant::PngAlpha ||
         variant == Variant::PngNamedJpeg;
}

Rgb alextest::flat(int width, int height, uint8_t r, uint8_t g, uint8_t b) {
  Rgb image{width, height, {}};
  for (int i = 0; i < width * height; ++i)
    image.pixels.insert(image.pixels.end(), {r, g, b});
  return image;
}

Rgb alextest::pattern(int label, int width, int height, std::mt19937 &random) {
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

namespace {
std::vector<uint8_t> encodeJpeg(const Rgb &image, Variant variant,
                                int quality) {
  jpeg_compress_struct info;
  jpeg_error_mgr errors;
  info.err = jpeg_std_error(&errors);
  jpeg_create_compress(&info);
  unsigned char *buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&info, &buffer, &size);
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
  std::vector<uint8_t> bytes(buffer, buffer + size);
  std::free(buffer);
  return bytes;
}

std::vector<uint8_t> encodePng(const Rgb &image, bool alpha) {
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
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&png, nullptr, &size, 0, pixels.data(), 0,
                                 nullptr))
    return {};
  std::vector<uint8_t> bytes(size);
  if (!png_image_write_to_memory(&png, bytes.data(), &size, 0, pixels.data(), 0,
                                 nullptr))
    return {};
  bytes.resize(size);
  return bytes;
}
} // namespace

std::vector<uint8_t> alextest::encode(const Rgb &image, Variant variant,
                                      int quality) {
  if (isPng(variant))
    return encodePng(image, variant == Variant::PngAlpha);
  return encodeJpeg(image, variant, quality);
}
