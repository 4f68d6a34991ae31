//===- Decode.h - JPEG and PNG images to pixels, and back -------*- C++ -*-===//
//
// libjpeg(-turbo) and libpng do the work. The format is told by content, not
// by name (ImageNet holds a PNG named .JPEG); grayscale, CMYK and YCCK
// JPEGs (Adobe's inverted CMYK too) and every PNG kind become RGB or gray.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_DATA_IMAGES_DECODE_H
#define ALEXRT_DATA_IMAGES_DECODE_H

#include "runtime/data/images/Image.h"
#include "runtime/support/Status.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace alexrt {

enum class ImageFormat { Jpeg, Png, Unknown };

/// What the first bytes say the data is.
ImageFormat sniffImageFormat(const uint8_t *data, size_t size);

/// Decodes a JPEG or PNG into `channels` (1: gray, 3: RGB) channels. A JPEG
/// whose short side is at least twice `minShortSide` (> 0) is decoded at
/// 1/2, 1/4 or 1/8 scale in the DCT domain, its short side kept at least
/// `minShortSide`. PNG alpha is dropped (as PIL's convert("RGB") does).
/// Errors say what is wrong with the data ("truncated JPEG", "damaged
/// JPEG data (Corrupt JPEG data: bad Huffman code)", ...); the caller adds
/// the file's name. A JPEG whose decoder warned that its data is damaged
/// is refused (Decode.cpp says which warnings are which); with `warning`,
/// the first warning that left the pixels intact is returned there (empty
/// if none).
Status decodeImage(const uint8_t *data, size_t size, int64_t channels,
                   int64_t minShortSide, Image &image,
                   std::string *warning = nullptr);

/// Encodes a 1- or 3-channel image as a baseline JPEG (4:2:0 for colour).
Status encodeJpeg(const Image &image, int quality, std::vector<uint8_t> &out);

/// Encodes a 1- or 3-channel image as an 8-bit grey or RGB PNG.
Status encodePng(const Image &image, std::vector<uint8_t> &out);

} // namespace alexrt

#endif // ALEXRT_DATA_IMAGES_DECODE_H
