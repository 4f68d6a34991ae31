//===- Random.h - counter-based random numbers (Philox4x32-10) --*- C++ -*-===//
//
// Every random number alexc draws (initialisation, dropout masks, shuffling,
// augmentation) is a pure function of (seed, stream, index): results do not
// depend on threads or order, and a training step can be replayed exactly.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_RANDOM_H
#define ALEXRT_RANDOM_H

#include <array>
#include <cmath>
#include <cstdint>

namespace alexrt {

/// Philox4x32-10 (Salmon et al., SC'11): four 32-bit words from a 128-bit
/// counter and a 64-bit key.
inline std::array<uint32_t, 4> philox4x32(std::array<uint32_t, 4> counter,
                                          std::array<uint32_t, 2> key) {
  constexpr uint32_t kMul0 = 0xD2511F53, kMul1 = 0xCD9E8D57;
  constexpr uint32_t kWeyl0 = 0x9E3779B9, kWeyl1 = 0xBB67AE85;
  for (int round = 0; round < 10; ++round) {
    uint64_t product0 = uint64_t(kMul0) * counter[0];
    uint64_t product1 = uint64_t(kMul1) * counter[2];
    counter = {
        uint32_t(product1 >> 32) ^ counter[1] ^ key[0], uint32_t(product1),
        uint32_t(product0 >> 32) ^ counter[3] ^ key[1], uint32_t(product0)};
    key[0] += kWeyl0;
    key[1] += kWeyl1;
  }
  return counter;
}

/// What a stream of random numbers is for; the top byte of its stream id,
/// so no two purposes ever share numbers.
enum class Purpose : uint64_t {
  Init = 1,
  Dropout,
  Shuffle,
  Augment,
  Synthetic,
  Crop,     ///< An image's crop and flip (runtime/data/images/Augment.h).
  Lighting, ///< An image's PCA lighting noise.
};

/// The stream id for `purpose` and a 56-bit `id` (a parameter index, a step).
inline uint64_t streamId(Purpose purpose, uint64_t id) {
  return (uint64_t(purpose) << 56) | (id & ((uint64_t(1) << 56) - 1));
}

/// Independent random streams under one seed; element `index` of stream
/// `stream` is always the same numbers.
class RandomStream {
public:
  RandomStream(uint64_t seed, uint64_t stream) : seed(seed), stream(stream) {}

  /// Four uniform 32-bit words for block `index`.
  std::array<uint32_t, 4> bits(uint64_t index) const {
    return philox4x32({uint32_t(index), uint32_t(index >> 32), uint32_t(stream),
                       uint32_t(stream >> 32)},
                      {uint32_t(seed), uint32_t(seed >> 32)});
  }

  /// A uniform float in [0, 1) for element `index`.
  float uniform(uint64_t index) const {
    return toUnit(bits(index / 4)[index % 4]);
  }

  /// A standard normal for element `index` (Box-Muller on one block, which
  /// yields two normals: elements 2k and 2k+1 share block k).
  float normal(uint64_t index) const {
    std::array<uint32_t, 4> words = bits(index / 2);
    double u1 = (double(words[0] >> 8) + 1.0) * 0x1p-24; // (0, 1]
    double u2 = double(words[1] >> 8) * 0x1p-24;         // [0, 1)
    double radius = std::sqrt(-2.0 * std::log(u1));
    double angle = 2.0 * M_PI * u2;
    return float(index % 2 ? radius * std::sin(angle)
                           : radius * std::cos(angle));
  }

  /// Top 24 bits as a float in [0, 1).
  static float toUnit(uint32_t word) { return float(word >> 8) * 0x1p-24f; }

private:
  uint64_t seed, stream;
};

} // namespace alexrt

#endif // ALEXRT_RANDOM_H
