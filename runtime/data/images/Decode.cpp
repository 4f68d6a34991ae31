//===- Decode.cpp - JPEG and PNG images to pixels, and back ---------------===//

#include "runtime/data/images/Decode.h"
#include "runtime/Recipe.h"

// jpeglib.h needs size_t and FILE declared first, and jerror.h needs
// jpeglib.h's configuration (which warnings exist).
#include <cstdio>
#include <jpeglib.h>

#include <jerror.h>
#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace alexrt;

/// Images larger than this many pixels are refused before any allocation
/// (a corrupt header must not ask for gigabytes).
static constexpr uint64_t kMaxPixels = uint64_t(1) << 28;

ImageFormat alexrt::sniffImageFormat(const uint8_t *data, size_t size) {
  static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
    return ImageFormat::Jpeg;
  if (size >= sizeof png && std::memcmp(data, png, sizeof png) == 0)
    return ImageFormat::Png;
  return ImageFormat::Unknown;
}

namespace {
/// libjpeg reports errors through a callback that must not return: it
/// jumps back to the decode function with the message saved.
struct JpegErrors {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  /// Room for "damaged JPEG data (...)" around a libjpeg message.
  char message[JMSG_LENGTH_MAX + 32];
  /// The first warning that left the pixels as encoded, if any.
  char warning[JMSG_LENGTH_MAX];
};

[[noreturn]] void jpegErrorExit(j_common_ptr info) {
  auto *errors = reinterpret_cast<JpegErrors *>(info->err);
  info->err->format_message(info, errors->message);
  std::longjmp(errors->jump, 1);
}

/// Whether libjpeg's warning `code` (jerror.h) means the pixels are not
/// the ones encoded. libjpeg reports damaged entropy-coded data as
/// warnings and carries on, filling what it cannot decode with grey or
/// with garbage:
/// - damaged: JWRN_JPEG_EOF (the file ends early), JWRN_HIT_MARKER (a
///   segment's data ends before its blocks), JWRN_HUFF_BAD_CODE and
///   JWRN_ARITH_BAD_CODE (bits that decode to no symbol), JWRN_MUST_RESYNC
///   (restart markers out of order), JWRN_BOGUS_PROGRESSION (progressive
///   scans that do not add up to the image), and
///   JWRN_EXTRANEOUS_DATA (a scan's blocks ended before its data): the
///   usual sign of damaged entropy-coded data, which decodes out of step
///   until the blocks run out (test/unit/FuzzData.cpp: 40 bytes of a
///   photo's data overwritten give it in 2 cases of 3, the other
///   warnings in the rest), and indistinguishable from padding before a
///   marker, so such a file is refused and named, not trained on;
/// - pixels intact: JWRN_NOT_SEQUENTIAL (a baseline scan header with zero
///   spectral fields, which some encoders write: libjpeg decodes it as
///   usual), JWRN_JFIF_MAJOR (a newer JFIF version), JWRN_BOGUS_ICC
///   (a bad colour profile, which alexc does not read) and
///   JWRN_ADOBE_XFORM (an unknown colour transform code: libjpeg assumes
///   the usual one), each named and counted by `prepare`.
bool damagesPixels(const jpeg_error_mgr &err) {
  switch (err.msg_code) {
  case JWRN_JPEG_EOF:
  case JWRN_HIT_MARKER:
  case JWRN_HUFF_BAD_CODE:
  case JWRN_ARITH_BAD_CODE:
  case JWRN_MUST_RESYNC:
  case JWRN_BOGUS_PROGRESSION:
  case JWRN_EXTRANEOUS_DATA:
    return true;
  default:
    return false;
  }
}

/// Warnings (level -1) that damage the pixels end the decode, as errors
/// do; others are kept (the first) for the caller to name; trace messages
/// (level >= 0) are dropped.
void jpegEmitMessage(j_common_ptr info, int level) {
  if (level != -1)
    return;
  auto *errors = reinterpret_cast<JpegErrors *>(info->err);
  if (info->err->msg_code == JWRN_JPEG_EOF) {
    std::strcpy(errors->message, "truncated JPEG (data ends early)");
    std::longjmp(errors->jump, 1);
  }
  char text[JMSG_LENGTH_MAX];
  info->err->format_message(info, text);
  if (damagesPixels(*info->err)) {
    std::snprintf(errors->message, sizeof errors->message,
                  "damaged JPEG data (%s)", text);
    std::longjmp(errors->jump, 1);
  }
  // "Warning: unknown JFIF revision number 2.01": the caller says warning.
  const char *said = text;
  if (std::strncmp(said, "Warning: ", 9) == 0)
    said += 9;
  if (!errors->warning[0])
    std::strcpy(errors->warning, said);
}

/// CMYK ink amounts (inverted, as Adobe writes them, when `inverted`) to
/// RGB: R = (255 - C) * (255 - K) / 255, and so on.
void cmykToRgb(const uint8_t *cmyk, int64_t count, bool inverted,
               uint8_t *rgb) {
  for (int64_t i = 0; i < count; ++i, cmyk += 4, rgb += 3) {
    int k = inverted ? cmyk[3] : 255 - cmyk[3];
    for (int c = 0; c < 3; ++c) {
      int ink = inverted ? cmyk[c] : 255 - cmyk[c];
      rgb[c] = uint8_t((ink * k + 127) / 255);
    }
  }
}

/// ITU-R BT.601 luma, as libjpeg's own RGB-to-gray conversion.
void rgbToGray(const uint8_t *rgb, int64_t count, uint8_t *gray) {
  for (int64_t i = 0; i < count; ++i, rgb += 3)
    gray[i] = uint8_t(
        (19595 * rgb[0] + 38470 * rgb[1] + 7471 * rgb[2] + 32768) >> 16);
}

/// The body of decodeJpeg. No C++ object with a destructor may live in
/// this frame: libjpeg's errors longjmp out of it.
bool decodeJpegFrame(jpeg_decompress_struct &info, JpegErrors &errors,
                     const uint8_t *data, size_t size, int64_t channels,
                     int64_t minShortSide, Image &image,
                     std::vector<uint8_t> &scratch) {
  if (setjmp(errors.jump))
    return false;
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, data, static_cast<unsigned long>(size));
  jpeg_read_header(&info, TRUE);
  if (uint64_t(info.image_width) * info.image_height > kMaxPixels) {
    std::snprintf(errors.message, sizeof errors.message,
                  "implausibly large JPEG (%ux%u)", info.image_width,
                  info.image_height);
    return false;
  }
  bool cmyk =
      info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
  if (cmyk)
    info.out_color_space = JCS_CMYK; // libjpeg turns YCCK into CMYK
  else
    info.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  // DCT-domain scaling: 1/2, 1/4, 1/8 while the short side stays large.
  unsigned shortSide = std::min(info.image_width, info.image_height);
  unsigned denominator = 1;
  while (minShortSide > 0 && denominator < 8 &&
         int64_t(shortSide / (denominator * 2)) >= minShortSide)
    denominator *= 2;
  info.scale_num = 1;
  info.scale_denom = denominator;
  jpeg_start_decompress(&info);

  int64_t height = info.output_height, width = info.output_width;
  int components = info.output_components;
  image.resize(height, width, channels);
  scratch.resize(size_t(width * components));
  while (info.output_scanline < info.output_height) {
    int64_t y = info.output_scanline;
    JSAMPROW row = cmyk ? scratch.data() : image.row(y);
    jpeg_read_scanlines(&info, &row, 1);
    if (cmyk) {
      // Adobe applications store CMYK inverted and mark the file.
      uint8_t *out = image.row(y);
      if (channels == 3) {
        cmykToRgb(scratch.data(), width, info.saw_Adobe_marker, out);
      } else {
        uint8_t rgb[3];
        for (int64_t x = 0; x < width; ++x) {
          cmykToRgb(scratch.data() + 4 * x, 1, info.saw_Adobe_marker, rgb);
          rgbToGray(rgb, 1, out + x);
        }
      }
    }
  }
  jpeg_finish_decompress(&info);
  return true;
}

Status decodeJpeg(const uint8_t *data, size_t size, int64_t channels,
                  int64_t minShortSide, Image &image, std::string *warning) {
  jpeg_decompress_struct info;
  JpegErrors errors;
  info.err = jpeg_std_error(&errors.manager);
  errors.manager.error_exit = jpegErrorExit;
  errors.manager.emit_message = jpegEmitMessage;
  errors.message[0] = 0;
  errors.warning[0] = 0;
  std::vector<uint8_t> scratch;
  bool ok = decodeJpegFrame(info, errors, data, size, channels, minShortSide,
                            image, scratch);
  jpeg_destroy_decompress(&info);
  if (!ok)
    return Status::error(std::string("bad JPEG: ") + errors.message);
  if (warning)
    *warning = errors.warning;
  return Status::success();
}

Status decodePng(const uint8_t *data, size_t size, int64_t channels,
                 Image &image) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, data, size))
    return Status::error(std::string("bad PNG: ") + png.message);
  if (uint64_t(png.width) * png.height > kMaxPixels) {
    png_image_free(&png);
    return Status::error("implausibly large PNG (" + std::to_string(png.width) +
                         "x" + std::to_string(png.height) + ")");
  }
  // Read with alpha, then drop it: no compositing, as PIL's convert().
  png.format = channels == 1 ? PNG_FORMAT_GA : PNG_FORMAT_RGBA;
  int64_t stored = channels + 1;
  std::vector<uint8_t> withAlpha(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, withAlpha.data(), 0, nullptr))
    return Status::error(std::string("bad PNG: ") + png.message);
  image.resize(png.height, png.width, channels);
  int64_t count = image.height * image.width;
  for (int64_t i = 0; i < count; ++i)
    for (int64_t c = 0; c < channels; ++c)
      image.pixels[size_t(i * channels + c)] =
          withAlpha[size_t(i * stored + c)];
  return Status::success();
}
} // namespace

Status alexrt::decodeImage(const uint8_t *data, size_t size, int64_t channels,
                           int64_t minShortSide, Image &image,
                           std::string *warning) {
  if (warning)
    warning->clear();
  if (!isPictureChannels(channels))
    return Status::error("images are decoded to 1 or 3 channels, not " +
                         std::to_string(channels));
  if (size == 0)
    return Status::error("empty file");
  switch (sniffImageFormat(data, size)) {
  case ImageFormat::Jpeg:
    return decodeJpeg(data, size, channels, minShortSide, image, warning);
  case ImageFormat::Png:
    return decodePng(data, size, channels, image);
  case ImageFormat::Unknown:
    break;
  }
  return Status::error("not a JPEG or PNG image");
}

namespace {
bool encodeJpegFrame(jpeg_compress_struct &info, JpegErrors &errors,
                     const Image &image, int quality, unsigned char **buffer,
                     unsigned long *size) {
  if (setjmp(errors.jump))
    return false;
  jpeg_create_compress(&info);
  jpeg_mem_dest(&info, buffer, size);
  info.image_width = JDIMENSION(image.width);
  info.image_height = JDIMENSION(image.height);
  info.input_components = int(image.channels);
  info.in_color_space = image.channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, quality, TRUE);
  jpeg_start_compress(&info, TRUE);
  while (info.next_scanline < info.image_height) {
    JSAMPROW row =
        const_cast<uint8_t *>(image.row(int64_t(info.next_scanline)));
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  return true;
}
} // namespace

Status alexrt::encodeJpeg(const Image &image, int quality,
                          std::vector<uint8_t> &out) {
  jpeg_compress_struct info;
  JpegErrors errors;
  info.err = jpeg_std_error(&errors.manager);
  errors.manager.error_exit = jpegErrorExit;
  unsigned char *buffer = nullptr;
  unsigned long size = 0;
  bool ok = encodeJpegFrame(info, errors, image, quality, &buffer, &size);
  jpeg_destroy_compress(&info);
  if (ok)
    out.assign(buffer, buffer + size);
  std::free(buffer);
  if (!ok)
    return Status::error(std::string("cannot encode JPEG: ") + errors.message);
  return Status::success();
}

Status alexrt::encodePng(const Image &image, std::vector<uint8_t> &out) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = png_uint_32(image.width);
  png.height = png_uint_32(image.height);
  png.format = image.channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  if (png_image_write_to_memory(&png, nullptr, &size, 0, image.pixels.data(), 0,
                                nullptr)) {
    out.resize(size);
    if (png_image_write_to_memory(&png, out.data(), &size, 0,
                                  image.pixels.data(), 0, nullptr)) {
      out.resize(size);
      return Status::success();
    }
  }
  return Status::error(std::string("cannot encode PNG: ") + png.message);
}
