//===- Image.h - a decoded 8-bit image, channels interleaved ----*- C++ -*-===//

#ifndef ALEXRT_DATA_IMAGES_IMAGE_H
#define ALEXRT_DATA_IMAGES_IMAGE_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace alexrt {

/// height x width x channels bytes, row-major, channels interleaved (RGB or
/// gray): the layout decoders produce.
struct Image {
  int64_t height = 0, width = 0, channels = 0;
  std::vector<uint8_t> pixels;

  void resize(int64_t h, int64_t w, int64_t c) {
    height = h;
    width = w;
    channels = c;
    pixels.resize(size_t(h * w * c));
  }
  const uint8_t *row(int64_t y) const {
    return pixels.data() + y * width * channels;
  }
  uint8_t *row(int64_t y) { return pixels.data() + y * width * channels; }
};

} // namespace alexrt

#endif // ALEXRT_DATA_IMAGES_IMAGE_H
