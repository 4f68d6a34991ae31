//===- Bf16Bits.h - bfloat16's bits for the runtime's tests -----*- C++ -*-===//
//
// The tests' own conversions, independent of the compiler's and the
// runtime's: what a bf16 operand holds, from the definition.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_TEST_RUNTIME_BF16BITS_H
#define ALEX_TEST_RUNTIME_BF16BITS_H

#include <cstdint>
#include <cstring>

namespace alex::test {

/// float to bfloat16's bits, rounding to nearest even (finite values).
inline uint16_t toBf16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  bits += 0x7fff + ((bits >> 16) & 1);
  return uint16_t(bits >> 16);
}

inline float fromBf16(uint16_t half) {
  uint32_t bits = uint32_t(half) << 16;
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

} // namespace alex::test

#endif // ALEX_TEST_RUNTIME_BF16BITS_H
