//===- Precision.h - the arithmetic a model's GEMMs may use -----*- C++ -*-===//
//
// The one list of precisions: alexc's --precision, the export pass, the
// model descriptor (runtime/schemas/model.fbs), ModelInfo and the CUDA
// runtime all carry this type. Plain C++: the compiler and the runtime
// both include it.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_PRECISION_H
#define ALEXRT_PRECISION_H

#include <cstdint>
#include <optional>

namespace alexrt {

/// What GEMMs and convolutions may compute in; LRN, the loss and the
/// updates always run in fp32.
enum class Precision : uint8_t {
  FP32 = 0, ///< IEEE single precision throughout (strict; every target).
  TF32 = 1, ///< cuBLAS and cuDNN may use TF32 tensor cores (cuda only).
};

/// Every precision, in the order --help lists them.
inline constexpr Precision kPrecisions[] = {Precision::FP32, Precision::TF32};

/// Its name, as --precision and `info` spell it.
constexpr const char *precisionName(Precision precision) {
  switch (precision) {
  case Precision::FP32:
    return "fp32";
  case Precision::TF32:
    return "tf32";
  }
  return "?";
}

/// Whether only a GPU computes in it (a tensor-core format). A switch
/// without a default, as every rule of a precision: a new one is a
/// compiler warning at each.
constexpr bool needsGpu(Precision precision) {
  switch (precision) {
  case Precision::FP32:
    return false;
  case Precision::TF32:
    return true;
  }
  return false;
}

/// The precision a descriptor stores as `byte`, if it is one.
inline std::optional<Precision> precisionFromByte(uint8_t byte) {
  for (Precision precision : kPrecisions)
    if (uint8_t(precision) == byte)
      return precision;
  return std::nullopt;
}

} // namespace alexrt

#endif // ALEXRT_PRECISION_H
