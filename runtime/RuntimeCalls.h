//===- RuntimeCalls.h - alexrt.h's calls, as passes see them ----*- C++ -*-===//
//
// The names, operand positions and element types of the runtime functions
// (alexrt.h) that generated code calls, for the passes that emit the calls
// and the tools that read them back (alexc summary's step cost and GPU
// estimate). Plain C++, so the runtime side stays free of MLIR and LLVM;
// the static_asserts below tie every operand list to alexrt.h's
// prototypes, so a changed prototype fails here first.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_RUNTIMECALLS_H
#define ALEXRT_RUNTIMECALLS_H

#include "runtime/ConvGeometry.h"
#include "runtime/alexrt.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace alexrt::calls {

/// The operands of alexrt_sgemm and alexrt_gemm_bf16:
/// C = alpha * op(A) * op(B) + beta * C.
struct GemmOperands {
  enum Operand : unsigned {
    TransposeA,
    TransposeB,
    M,
    N,
    K,
    Alpha,
    A,
    Lda,
    B,
    Ldb,
    Beta,
    C,
    Ldc,
    OperandCount
  };
};

/// alexrt_sgemm: float32 A, B and C.
struct Sgemm : GemmOperands {
  static constexpr std::string_view name = "alexrt_sgemm";
  /// The element type of A, B and C.
  using Element = float;

  /// Whether `callee` is this function.
  static constexpr bool is(std::string_view callee) { return callee == name; }
};

/// alexrt_gemm_bf16: bf16 A and B, float32 C.
struct GemmBf16 : GemmOperands {
  static constexpr std::string_view name = "alexrt_gemm_bf16";
  /// A's and B's elements: bfloat16's bits.
  using Operand16 = uint16_t;
  /// C's elements, and the accumulation.
  using Element = float;

  /// Whether `callee` is this function.
  static constexpr bool is(std::string_view callee) { return callee == name; }
};

/// alexrt_conv2d_forward, _backward_data and _backward_filter, and their
/// _bf16 forms: two input tensors, the output, then ALEXRT_CONV2D_SHAPE's
/// integers.
struct Conv2D {
  enum class Direction { Forward, BackwardData, BackwardFilter };
  enum Operand : unsigned {
    FirstInput,
    SecondInput,
    Output,
    Batch, ///< The first of ConvGeometry's eleven integers, in its order.
    Channels,
    Height,
    Width,
    Filters,
    Kernel,
    OutHeight,
    OutWidth,
    Stride,
    Pad,
    Groups,
    OperandCount
  };
  /// The element type of the outputs, and of the fp32 functions' inputs.
  using Element = float;
  /// The _bf16 functions' inputs: bfloat16's bits.
  using Operand16 = uint16_t;

  /// The function computing `direction`, on bf16 inputs when `bf16`.
  static constexpr std::string_view name(Direction direction,
                                         bool bf16 = false) {
    switch (direction) {
    case Direction::Forward:
      return bf16 ? "alexrt_conv2d_forward_bf16" : "alexrt_conv2d_forward";
    case Direction::BackwardData:
      return bf16 ? "alexrt_conv2d_backward_data_bf16"
                  : "alexrt_conv2d_backward_data";
    case Direction::BackwardFilter:
      return bf16 ? "alexrt_conv2d_backward_filter_bf16"
                  : "alexrt_conv2d_backward_filter";
    }
    return {};
  }
  /// The call's ConvGeometry, `integer(operand)` reading an integer operand.
  template <typename ReadInteger>
  static ConvGeometry geometry(ReadInteger integer) {
    return {integer(Batch),     integer(Channels), integer(Height),
            integer(Width),     integer(Filters),  integer(Kernel),
            integer(OutHeight), integer(OutWidth), integer(Stride),
            integer(Pad),       integer(Groups)};
  }
  /// The direction `callee` computes, in either precision; none if it is
  /// no convolution.
  static constexpr std::optional<Direction> direction(std::string_view callee) {
    for (bool bf16 : {false, true})
      for (Direction d : {Direction::Forward, Direction::BackwardData,
                          Direction::BackwardFilter})
        if (callee == name(d, bf16))
          return d;
    return std::nullopt;
  }
};

/// alexrt_exchange_copy: `count` chunks of `chunk` elements between devices.
struct ExchangeCopy {
  static constexpr std::string_view name = "alexrt_exchange_copy";
  enum Operand : unsigned {
    Destination,
    DestinationStride,
    Source,
    SourceStride,
    Chunk,
    Count,
    OperandCount
  };
  /// The element type of both buffers.
  using Element = float;

  /// Whether `callee` is this function.
  static constexpr bool is(std::string_view callee) { return callee == name; }
};

/// The calls whose operands nothing reads back: names only.
inline constexpr std::string_view kRunDevices = "alexrt_run_devices";
inline constexpr std::string_view kDeviceBarrier = "alexrt_device_barrier";
inline constexpr std::string_view kReplicaIndex = "alexrt_replica_index";
inline constexpr std::string_view kReplicaSumStart = "alexrt_replica_sum_start";
inline constexpr std::string_view kReplicaSumWait = "alexrt_replica_sum_wait";
inline constexpr std::string_view kProfileMark = "alexrt_profile_mark";
inline constexpr std::string_view kGlobalMemory = "alexrt_global_memory";

/// The count a CPU bf16 step stamps its weight copies with: no operands,
/// an int64_t result.
struct ParametersGeneration {
  static constexpr std::string_view name = "alexrt_parameters_generation";
  using Result = int64_t;
};

namespace detail {
template <typename F> struct Arity;
template <typename R, typename... Args> struct Arity<R(Args...)> {
  static constexpr size_t value = sizeof...(Args);
};
template <typename F, size_t I> struct Param;
template <typename R, typename... Args, size_t I> struct Param<R(Args...), I> {
  using type = std::tuple_element_t<I, std::tuple<Args...>>;
};
/// Whether operand I of F points to elements of type Element.
template <typename F, size_t I, typename Element>
inline constexpr bool pointsTo = std::is_same_v<
    std::remove_const_t<std::remove_pointer_t<typename Param<F, I>::type>>,
    Element>;
/// Whether F has Conv2D's operands, its two inputs pointing to In and its
/// output to Conv2D::Element.
template <typename F, typename In>
inline constexpr bool
    convolutionTakes = Arity<F>::value == Conv2D::OperandCount &&
                       (pointsTo<F, Conv2D::FirstInput, In> &&
                        pointsTo<F, Conv2D::SecondInput, In> &&
                        pointsTo<F, Conv2D::Output, Conv2D::Element>);
} // namespace detail

static_assert(detail::Arity<decltype(alexrt_sgemm)>::value ==
                  Sgemm::OperandCount,
              "alexrt_sgemm's operands changed in alexrt.h");
static_assert(detail::Arity<decltype(alexrt_gemm_bf16)>::value ==
                  GemmBf16::OperandCount,
              "alexrt_gemm_bf16's operands changed in alexrt.h");
static_assert(detail::pointsTo<decltype(alexrt_gemm_bf16), GemmBf16::A,
                               GemmBf16::Operand16> &&
                  detail::pointsTo<decltype(alexrt_gemm_bf16), GemmBf16::C,
                                   GemmBf16::Element>,
              "alexrt_gemm_bf16's element types changed in alexrt.h");
static_assert(detail::Arity<decltype(alexrt_exchange_copy)>::value ==
                  ExchangeCopy::OperandCount,
              "alexrt_exchange_copy's operands changed in alexrt.h");
static_assert(
    detail::pointsTo<decltype(alexrt_sgemm), Sgemm::A, Sgemm::Element> &&
        detail::pointsTo<decltype(alexrt_sgemm), Sgemm::C, Sgemm::Element>,
    "alexrt_sgemm's element type changed in alexrt.h");
static_assert(
    detail::convolutionTakes<decltype(alexrt_conv2d_forward),
                             Conv2D::Element> &&
        detail::convolutionTakes<decltype(alexrt_conv2d_backward_data),
                                 Conv2D::Element> &&
        detail::convolutionTakes<decltype(alexrt_conv2d_backward_filter),
                                 Conv2D::Element>,
    "alexrt_conv2d_*'s operands changed in alexrt.h");
static_assert(
    detail::convolutionTakes<decltype(alexrt_conv2d_forward_bf16),
                             Conv2D::Operand16> &&
        detail::convolutionTakes<decltype(alexrt_conv2d_backward_data_bf16),
                                 Conv2D::Operand16> &&
        detail::convolutionTakes<decltype(alexrt_conv2d_backward_filter_bf16),
                                 Conv2D::Operand16>,
    "alexrt_conv2d_*_bf16's operands changed in alexrt.h");
static_assert(
    detail::pointsTo<decltype(alexrt_exchange_copy), ExchangeCopy::Destination,
                     ExchangeCopy::Element>,
    "alexrt_exchange_copy's element type changed in alexrt.h");
static_assert(std::is_same_v<decltype(alexrt_parameters_generation),
                             ParametersGeneration::Result()>,
              "alexrt_parameters_generation's type changed in alexrt.h");

} // namespace alexrt::calls

#endif // ALEXRT_RUNTIMECALLS_H
