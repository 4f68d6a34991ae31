//===- TestImages.h - seeded test images, every variant ---------*- C++ -*-===//
//
// Shared by alex-make-images and the runtime's unit tests: class patterns a
// small network can tell apart, encoded by libjpeg and libpng in each form
// the loader must read.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_TEST_UNIT_TESTIMAGES_H
#define ALEX_TEST_UNIT_TESTIMAGES_H

#include <cstdint>
#include <random>
#include <vector>

namespace alextest {

/// How one file is encoded.
enum class Variant {
  Jpeg420,
  Jpeg444,
  Progressive,
  Restarts,
  Grey,
  CmykAdobe, ///< Adobe's convention: inverted ink, APP14 marker.
  CmykPlain, ///< Ink as is, no Adobe marker.
  Ycck,
  Png,
  PngAlpha,
  PngNamedJpeg,
};

/// Every variant, in the order alex-make-images cycles through them.
extern const Variant kAllVariants[11];

/// An RGB image, channels interleaved.
struct Rgb {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;
};

/// Class `label`'s pattern (label % 4: horizontal stripes, vertical
/// stripes, checkerboard, disc) at a random scale, phase and pair of
/// colours, with some noise.
Rgb pattern(int label, int width, int height, std::mt19937 &random);

/// One colour everywhere.
Rgb flat(int width, int height, uint8_t r, uint8_t g, uint8_t b);

/// `image` encoded as `variant` (quality for JPEGs); empty on failure.
std::vector<uint8_t> encode(const Rgb &image, Variant variant, int quality);

/// Whether `variant` is a PNG (whatever its name).
bool isPng(Variant variant);

} // namespace alextest

#endif // ALEX_TEST_UNIT_TESTIMAGES_H
