//===- ImageDecodeTest.cpp - JPEG/PNG variants, DCT scaling, resizing -----===//

#include "runtime/data/images/Decode.h"
#include "runtime/data/images/Resize.h"

#include "TestImages.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace alexrt;
using namespace alextest;

namespace {
/// The mean of each channel of `image`.
std::vector<double> channelMeans(const Image &image) {
  std::vector<double> sums(size_t(image.channels), 0.0);
  for (size_t i = 0; i < image.pixels.size(); ++i)
    sums[i % size_t(image.channels)] += image.pixels[i];
  for (double &sum : sums)
    sum /= double(image.height * image.width);
  return sums;
}

std::string errorOf(const std::vector<uint8_t> &bytes) {
  Image image;
  Status status = decodeImage(bytes.data(), bytes.size(), 3, 0, image);
  EXPECT_FALSE(status.ok());
  return status.message();
}
} // namespace

// Every encoding of one colour decodes to that colour (JPEG is lossy: a few
// levels). An inverted Adobe CMYK file read as plain CMYK, or the reverse,
// would come out as the complement.
TEST(Decode, EveryVariantGivesTheColour) {
  const uint8_t rgb[3] = {200, 100, 50};
  Rgb source = flat(48, 40, rgb[0], rgb[1], rgb[2]);
  double grey = (299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2]) / 1000;
  for (Variant variant : kAllVariants) {
    std::vector<uint8_t> bytes = encode(source, variant, 95);
    ASSERT_FALSE(bytes.empty());
    EXPECT_EQ(sniffImageFormat(bytes.data(), bytes.size()),
              isPng(variant) ? ImageFormat::Png : ImageFormat::Jpeg);
    Image image;
    Status status = decodeImage(bytes.data(), bytes.size(), 3, 0, image);
    ASSERT_TRUE(status.ok()) << int(variant) << ": " << status.message();
    EXPECT_EQ(image.width, 48);
    EXPECT_EQ(image.height, 40);
    EXPECT_EQ(image.channels, 3);
    std::vector<double> means = channelMeans(image);
    for (int c = 0; c < 3; ++c)
      EXPECT_NEAR(means[size_t(c)], variant == Variant::Grey ? grey : rgb[c],
                  4.0)
          << "variant " << int(variant) << " channel " << c;
  }
}

// One channel: luma from colour files (BT.601, within JPEG's loss).
TEST(Decode, GreyOutput) {
  Rgb source = flat(32, 24, 200, 100, 50);
  double luma = 0.299 * 200 + 0.587 * 100 + 0.114 * 50;
  for (Variant variant :
       {Variant::Jpeg420, Variant::CmykAdobe, Variant::Png, Variant::Grey}) {
    std::vector<uint8_t> bytes = encode(source, variant, 95);
    Image image;
    ASSERT_TRUE(decodeImage(bytes.data(), bytes.size(), 1, 0, image).ok());
    EXPECT_EQ(image.channels, 1);
    // libpng converts in linear light, so its grey differs slightly.
    EXPECT_NEAR(channelMeans(image)[0], luma, isPng(variant) ? 12.0 : 4.0)
        << int(variant);
  }
}

// A JPEG at least twice the wanted short side is decoded smaller in the
// DCT domain, never below that side.
TEST(Decode, DctScaling) {
  std::vector<uint8_t> bytes =
      encode(flat(200, 120, 10, 20, 30), Variant::Jpeg420, 90);
  auto decodedSize = [&](int64_t minShortSide) {
    Image image;
    EXPECT_TRUE(
        decodeImage(bytes.data(), bytes.size(), 3, minShortSide, image).ok());
    return std::make_pair(image.width, image.height);
  };
  EXPECT_EQ(decodedSize(0), std::make_pair(int64_t(200), int64_t(120)));
  EXPECT_EQ(decodedSize(61), std::make_pair(int64_t(200), int64_t(120)));
  EXPECT_EQ(decodedSize(60), std::make_pair(int64_t(100), int64_t(60)));
  EXPECT_EQ(decodedSize(30), std::make_pair(int64_t(50), int64_t(30)));
  EXPECT_EQ(decodedSize(1), std::make_pair(int64_t(25), int64_t(15)));
}

TEST(Decode, BadDataIsRefused) {
  std::vector<uint8_t> jpeg =
      encode(flat(64, 64, 1, 2, 3), Variant::Jpeg420, 90);
  std::vector<uint8_t> png = encode(flat(64, 64, 1, 2, 3), Variant::Png, 90);
  EXPECT_NE(errorOf({}).find("empty file"), std::string::npos);
  EXPECT_NE(errorOf({'h', 'e', 'l', 'l', 'o'}).find("not a JPEG or PNG"),
            std::string::npos);
  EXPECT_NE(errorOf(std::vector<uint8_t>(jpeg.begin(),
                                         jpeg.begin() + long(jpeg.size() / 2)))
                .find("truncated JPEG"),
            std::string::npos);
  EXPECT_NE(errorOf(std::vector<uint8_t>(png.begin(),
                                         png.begin() + long(png.size() / 2)))
                .find("bad PNG"),
            std::string::npos);
  // A header claiming 65,000 x 65,000 pixels: refused before allocating.
  std::vector<uint8_t> huge = jpeg;
  for (size_t i = 0; i + 8 < huge.size(); ++i)
    if (huge[i] == 0xFF && huge[i + 1] == 0xC0) { // SOF0: height, width
      huge[i + 5] = huge[i + 7] = 0xFD;
      huge[i + 6] = huge[i + 8] = 0xE8;
      break;
    }
  EXPECT_NE(errorOf(huge).find("implausibly large"), std::string::npos);
  Image image;
  EXPECT_NE(decodeImage(jpeg.data(), jpeg.size(), 4, 0, image)
                .message()
                .find("1 or 3 channels"),
            std::string::npos);
}

TEST(Encode, RoundTrip) {
  std::mt19937 random(5);
  Rgb source = pattern(3, 40, 30, random);
  Image image;
  image.resize(30, 40, 3);
  image.pixels = source.pixels;
  std::vector<uint8_t> jpeg;
  ASSERT_TRUE(encodeJpeg(image, 95, jpeg).ok());
  Image back;
  ASSERT_TRUE(decodeImage(jpeg.data(), jpeg.size(), 3, 0, back).ok());
  ASSERT_EQ(back.pixels.size(), image.pixels.size());
  double error = 0;
  for (size_t i = 0; i < image.pixels.size(); ++i)
    error += std::fabs(double(back.pixels[i]) - image.pixels[i]);
  EXPECT_LT(error / double(image.pixels.size()), 6.0);
}

namespace {
/// The antialiased bilinear resize written the slow, obvious way: every
/// output pixel of the full resized image is a weighted sum over all source
/// pixels with triangle weights (half-width max(scale, 1)) per axis.
double reference(const Image &in, int64_t outH, int64_t outW, int64_t y,
                 int64_t x, int64_t c) {
  auto weights = [](int64_t inSize, int64_t outSize, int64_t i) {
    double scale = double(inSize) / double(outSize);
    double support = std::max(scale, 1.0), centre = (i + 0.5) * scale;
    std::vector<double> w(static_cast<size_t>(inSize));
    double total = 0;
    for (int64_t j = 0; j < inSize; ++j) {
      w[size_t(j)] =
          std::max(0.0, 1.0 - std::fabs((j + 0.5 - centre) / support));
      total += w[size_t(j)];
    }
    for (double &v : w)
      v /= total;
    return w;
  };
  std::vector<double> wy = weights(in.height, outH, y);
  std::vector<double> wx = weights(in.width, outW, x);
  double sum = 0;
  for (int64_t j = 0; j < in.height; ++j)
    for (int64_t i = 0; i < in.width; ++i)
      sum += wy[size_t(j)] * wx[size_t(i)] *
             in.pixels[size_t((j * in.width + i) * in.channels + c)];
  return sum;
}
} // namespace

// Shrinking and enlarging, landscape and portrait: the central square of
// the resized image, against the reference, within rounding: Pillow's
// two passes each round to a byte (half a level each). Sizes and offsets
// are torchvision's Resize and CenterCrop (test/e2e/torchvision-agree.test
// checks the bytes against Pillow itself).
TEST(Resize, CentralSquareMatchesReference) {
  std::mt19937 random(11);
  struct Case {
    int64_t height, width, side;
  } cases[] = {{60, 90, 24}, {90, 60, 24},   {37, 53, 37}, {20, 30, 41},
               {50, 50, 17}, {301, 199, 64}, {24, 35, 24}};
  for (const Case &test : cases) {
    Image image;
    image.resize(test.height, test.width, 3);
    for (uint8_t &pixel : image.pixels)
      pixel = uint8_t(random() % 256);
    Image square = resizeCentralSquare(image, test.side);
    ASSERT_EQ(square.height, test.side);
    ASSERT_EQ(square.width, test.side);
    // The resized size: the short side is `side`, the long one truncated.
    int64_t outH = test.side, outW = test.side;
    if (test.height <= test.width)
      outW = test.width * test.side / test.height;
    else
      outH = test.height * test.side / test.width;
    // Python's round((size - side) / 2.0): halves go to the even neighbour.
    auto centred = [&](int64_t size) {
      return int64_t(std::nearbyint(double(size - test.side) / 2.0));
    };
    int64_t offY = centred(outH), offX = centred(outW);
    for (int64_t y = 0; y < test.side; y += 3)
      for (int64_t x = 0; x < test.side; x += 2)
        for (int64_t c = 0; c < 3; ++c)
          ASSERT_NEAR(square.pixels[size_t((y * test.side + x) * 3 + c)],
                      reference(image, outH, outW, y + offY, x + offX, c),
                      1.0 + 1e-3)
              << test.height << "x" << test.width << "->" << test.side << " at "
              << y << "," << x << "," << c;
  }
}

// Shrinking a fine checkerboard averages it (no aliasing): grey, not a
// moire of black and white.
TEST(Resize, Antialiases) {
  Image image;
  image.resize(256, 256, 1);
  for (int64_t y = 0; y < 256; ++y)
    for (int64_t x = 0; x < 256; ++x)
      image.pixels[size_t(y * 256 + x)] = ((x + y) % 2) ? 255 : 0;
  Image square = resizeCentralSquare(image, 32);
  for (uint8_t pixel : square.pixels)
    EXPECT_NEAR(pixel, 127.5, 1.0);
}
