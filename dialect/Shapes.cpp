//===- Shapes.cpp - shape rules of the alex ops ---------------------------===//

#include "dialect/Shapes.h"

#include "mlir/IR/BuiltinTypeInterfaces.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace alex;

static bool isKnown(int64_t dim) { return !ShapedType::isDynamic(dim); }

std::string alex::formatNumber(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", value);
  return text;
}

std::string alex::formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(
      shape, os,
      [&](int64_t dim) {
        if (isKnown(dim))
          os << dim;
        else
          os << '?';
      },
      "x");
  if (shape.empty())
    os << "scalar";
  return text;
}

static LogicalResult expectRank(llvm::ArrayRef<int64_t> shape, size_t rank,
                                llvm::StringRef what, ErrorEmitter emitError) {
  if (shape.size() == rank)
    return success();
  return emitError() << what << " must have rank " << rank << ", got "
                     << formatShape(shape) << " (rank " << shape.size() << ")";
}

static LogicalResult expectPositive(int64_t value, llvm::StringRef what,
                                    ErrorEmitter emitError) {
  if (value > 0)
    return success();
  return emitError() << what << " must be positive, got " << value;
}

/// Both dimensions known and different.
static bool conflict(int64_t a, int64_t b) {
  return isKnown(a) && isKnown(b) && a != b;
}

/// (size + 2*pad - window) / stride + 1, or dynamic when size is.
static int64_t slidingOutput(int64_t size, int64_t window, int64_t stride,
                             int64_t pad) {
  if (!isKnown(size) || !isKnown(window))
    return ShapedType::kDynamic;
  return (size + 2 * pad - window) / stride + 1;
}

FailureOr<Shape> alex::inferConv2DShape(llvm::ArrayRef<int64_t> input,
                                        llvm::ArrayRef<int64_t> filter,
                                        llvm::ArrayRef<int64_t> bias,
                                        int64_t stride, int64_t pad,
                                        int64_t groups,
                                        ErrorEmitter emitError) {
  if (failed(expectRank(input, 4, "input", emitError)) ||
      failed(expectRank(filter, 4, "filter", emitError)) ||
      failed(expectRank(bias, 1, "bias", emitError)) ||
      failed(expectPositive(stride, "stride", emitError)) ||
      failed(expectPositive(groups, "groups", emitError)))
    return failure();
  if (pad < 0)
    return emitError() << "pad must be non-negative, got " << pad;

  int64_t channels = input[1], filters = filter[0];
  if (isKnown(channels) && channels % groups != 0)
    return emitError() << "input channels (" << channels
                       << ") are not divisible by groups (" << groups << ")";
  if (isKnown(filters) && filters % groups != 0)
    return emitError() << "output channels (" << filters
                       << ") are not divisible by groups (" << groups << ")";
  if (isKnown(channels) && conflict(filter[1], channels / groups))
    return emitError() << "filter " << formatShape(filter) << " must read "
                       << channels / groups
                       << " channels per group (input channels " << channels
                       << " / groups " << groups << ")";
  if (conflict(bias[0], filters))
    return emitError() << "bias has " << bias[0] << " elements but there are "
                       << filters << " output channels";
  for (int i = 2; i < 4; ++i) {
    if (isKnown(filter[i]) && filter[i] <= 0)
      return emitError() << "kernel size must be positive, got "
                         << formatShape(filter.drop_front(2));
    if (isKnown(input[i]) && isKnown(filter[i]) &&
        filter[i] > input[i] + 2 * pad)
      return emitError() << "kernel " << formatShape(filter.drop_front(2))
                         << " is larger than the padded input "
                         << input[2] + 2 * pad << "x" << input[3] + 2 * pad;
  }
  return Shape{input[0], filters,
               slidingOutput(input[2], filter[2], stride, pad),
               slidingOutput(input[3], filter[3], stride, pad)};
}

FailureOr<Shape> alex::inferMaxPoolShape(llvm::ArrayRef<int64_t> input,
                                         int64_t window, int64_t stride,
                                         ErrorEmitter emitError) {
  if (failed(expectRank(input, 4, "input", emitError)) ||
      failed(expectPositive(window, "window", emitError)) ||
      failed(expectPositive(stride, "stride", emitError)))
    return failure();
  for (int i = 2; i < 4; ++i)
    if (isKnown(input[i]) && window > input[i])
      return emitError() << "window " << window << "x" << window
                         << " is larger than the input " << input[2] << "x"
                         << input[3];
  return Shape{input[0], input[1], slidingOutput(input[2], window, stride, 0),
               slidingOutput(input[3], window, stride, 0)};
}

FailureOr<Shape> alex::inferFlattenShape(llvm::ArrayRef<int64_t> input,
                                         ErrorEmitter emitError) {
  if (input.size() < 2)
    return emitError() << "input must have rank >= 2, got "
                       << formatShape(input);
  int64_t features = 1;
  for (int64_t dim : input.drop_front()) {
    if (!isKnown(dim)) {
      features = ShapedType::kDynamic;
      break;
    }
    features *= dim;
  }
  return Shape{input[0], features};
}

FailureOr<Shape> alex::inferDenseShape(llvm::ArrayRef<int64_t> input,
                                       llvm::ArrayRef<int64_t> weight,
                                       llvm::ArrayRef<int64_t> bias,
                                       ErrorEmitter emitError) {
  if (failed(expectRank(input, 2, "input", emitError)) ||
      failed(expectRank(weight, 2, "weight", emitError)) ||
      failed(expectRank(bias, 1, "bias", emitError)))
    return failure();
  if (conflict(weight[1], input[1]))
    return emitError() << "weight " << formatShape(weight) << " must read "
                       << input[1] << " input features";
  if (conflict(bias[0], weight[0]))
    return emitError() << "bias has " << bias[0] << " elements but there are "
                       << weight[0] << " output features";
  return Shape{input[0], weight[0]};
}

LogicalResult alex::verifyLossShapes(llvm::ArrayRef<int64_t> logits,
                                     llvm::ArrayRef<int64_t> labels,
                                     ErrorEmitter emitError) {
  if (failed(expectRank(logits, 2, "logits", emitError)) ||
      failed(expectRank(labels, 1, "labels", emitError)))
    return failure();
  if (conflict(logits[0], labels[0]))
    return emitError() << "logits hold " << logits[0] << " examples but labels "
                       << labels[0];
  return success();
}

LogicalResult alex::verifyLRN(llvm::ArrayRef<int64_t> input, int64_t size,
                              double alpha, double beta, double k,
                              int64_t groups, ErrorEmitter emitError) {
  if (failed(expectRank(input, 4, "input", emitError)) ||
      failed(expectPositive(size, "size", emitError)))
    return failure();
  if (size % 2 == 0)
    return emitError() << "size must be odd so the window is centred on its "
                          "channel, got "
                       << size;
  if (!(alpha >= 0) || !std::isfinite(alpha))
    return emitError() << "alpha must be finite and non-negative, got "
                       << formatNumber(alpha);
  if (!(beta >= 0) || !std::isfinite(beta))
    return emitError() << "beta must be finite and non-negative, got "
                       << formatNumber(beta);
  if (!(k > 0) || !std::isfinite(k))
    return emitError() << "k must be finite and positive, got "
                       << formatNumber(k);
  if (failed(expectPositive(groups, "groups", emitError)))
    return failure();
  if (!ShapedType::isDynamic(input[1]) && input[1] % groups != 0)
    return emitError() << "groups (" << groups << ") must divide the "
                       << input[1] << " input channels";
  return success();
}

LogicalResult alex::verifyDropoutRate(double rate, ErrorEmitter emitError) {
  if (rate >= 0 && rate < 1)
    return success();
  return emitError() << "dropout rate must be in [0, 1), got "
                     << formatNumber(rate);
}
