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
#include <string_view>

namespace alexrt {

/// What GEMMs and convolutions may compute in; LRN, the loss and the
/// updates always run in fp32.
enum class Precision : uint8_t {
  FP32 = 0, ///< IEEE single precision throughout (strict; every target).
  TF32 = 1, ///< cuBLAS and cuDNN may use TF32 tensor cores (cuda only).
  BF16 = 2, ///< Products (GEMMs, convolutions) of bf16 operands with fp32
            ///< accumulation; the compiler converts the operands.
};

/// Every precision, in the order --help lists them.
inline constexpr Precision kPrecisions[] = {Precision::FP32, Precision::TF32,
                                            Precision::BF16};

/// Its name, as --precision and `info` spell it.
constexpr const char *precisionName(Precision precision) {
  switch (precision) {
  case Precision::FP32:
    return "fp32";
  case Precision::TF32:
    return "tf32";
  case Precision::BF16:
    return "bf16";
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
  case Precision::BF16:
    return false;
  }
  return false;
}

/// What is said of a precision that needsGpu, after its name, where the
/// target is not the GPU: by the frontend at the model's `precision` key,
/// and by alexc for --precision and for IR.
inline constexpr std::string_view kNeedsGpuReason =
    "needs --target=cuda (a GPU tensor-core format)";

/// Whether the compiler converts the operands of products (the GEMMs of
/// convolutions and dense layers, forward and backward) into this format,
/// marking each such op in the IR (--alex-mixed-precision). Not TF32: that
/// is a math mode of the GPU libraries on fp32 data.
constexpr bool convertsOperands(Precision precision) {
  switch (precision) {
  case Precision::FP32:
  case Precision::TF32:
    return false;
  case Precision::BF16:
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

/// The precision named `name` (as precisionName spells it), if any.
inline std::optional<Precision> precisionNamed(std::string_view name) {
  for (Precision precision : kPrecisions)
    if (name == precisionName(precision))
      return precision;
  return std::nullopt;
}

} // namespace alexrt

#endif // ALEXRT_PRECISION_H
