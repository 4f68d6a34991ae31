//===- ConvolutionBf16.cpp - alexrt_conv2d_*_bf16 on oneDNN's convolutions ===//
//
// The CPU target's bf16 convolutions: oneDNN's direct convolutions
// (jit_bf16:avx512_core_bf16 on Debian's 2.6), which read the image where
// im2col would copy each pixel kernel^2 times. On alexnet-fmnist's shapes
// at batch 16 they ran conv3-5's three directions at 600-900 GFLOP/s on
// this project's machine, where those layers ran at 346-460 as im2col and
// bf16 GEMMs (`bench --profile`).
//
// Those kernels want blocked layouts (16 channels innermost); alexc's
// tensors are packed N x C x H x W. Each call reorders its operands into
// the primitive's layouts and its result back: copies the size of the
// tensors, not of their im2col matrices. The operands arrive in bf16
// (generated code rounds them, where --emit=loops shows it): the reorders
// change only the layout. Results are f32, accumulated in f32.
//
//===----------------------------------------------------------------------===//

#include "runtime/alexrt.h"

#include "runtime/ConvGeometry.h"
#include "runtime/cpu/Onednn.h"
#include "runtime/support/Fatal.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

using alexrt::ConvGeometry;
using dnnl::memory;

namespace {

enum class Direction { Forward, BackwardData, BackwardFilter };

// Onednn.h's engine and streams, as C++ handles that do not own them.
dnnl::engine &cpuEngine() {
  static dnnl::engine engine(alexrt::onednn::engine(), /*weak=*/true);
  return engine;
}
dnnl::stream &threadStream() {
  thread_local dnnl::stream stream(alexrt::onednn::threadStream(),
                                   /*weak=*/true);
  return stream;
}

memory::dims imageDims(const ConvGeometry &s) {
  return {s.batch, s.channels, s.height, s.width};
}
memory::dims outputDims(const ConvGeometry &s) {
  return {s.batch, s.filters, s.outHeight, s.outWidth};
}
/// Grouped filters get oneDNN's leading groups dimension: the same bytes
/// as alexc's O x C/groups x K x K.
memory::dims filterDims(const ConvGeometry &s) {
  if (s.groups == 1)
    return {s.filters, s.channels, s.kernel, s.kernel};
  return {s.groups, s.filtersPerGroup(), s.channelsPerGroup(), s.kernel,
          s.kernel};
}

/// Row-major, as alexc's buffers are.
memory::desc packed(const memory::dims &dims, memory::data_type type) {
  using tag = memory::format_tag;
  return {dims, type, dims.size() == 4 ? tag::abcd : tag::abcde};
}
memory::desc anyLayout(const memory::dims &dims, memory::data_type type) {
  return {dims, type, memory::format_tag::any};
}

/// One tensor of a call: its packed layout (alexc's), the primitive's, and
/// the reorder between them when they differ.
struct Tensor {
  int argument;
  memory::desc packed, blocked;
  std::optional<dnnl::reorder> reorder;

  Tensor(int argument, const memory::desc &packed, const memory::desc &blocked,
         bool isOutput)
      : argument(argument), packed(packed), blocked(blocked) {
    if (packed == blocked)
      return;
    memory::desc from = isOutput ? blocked : packed,
                 to = isOutput ? packed : blocked;
    reorder.emplace(
        dnnl::reorder::primitive_desc(cpuEngine(), from, cpuEngine(), to));
  }
};

/// The output's index among a call's tensors.
constexpr unsigned kOutput = 2;

/// A direction and shape's primitive and its three tensors (two inputs
/// and the output, in the order of alexrt_conv2d_*_bf16's operands).
struct Convolution {
  dnnl::primitive primitive;
  std::vector<Tensor> tensors;
};

Convolution makeConvolution(Direction direction, const ConvGeometry &s) {
  using type = memory::data_type;
  memory::dims strides = {s.stride, s.stride}, padding = {s.pad, s.pad};
  memory::dims image = imageDims(s), output = outputDims(s),
               filters = filterDims(s);
  auto algorithm = dnnl::algorithm::convolution_direct;
  // The backward primitives are made with the forward's as a hint.
  dnnl::convolution_forward::primitive_desc forward(
      {dnnl::prop_kind::forward_training, algorithm,
       anyLayout(image, type::bf16), anyLayout(filters, type::bf16),
       anyLayout(output, type::f32), strides, padding, padding},
      cpuEngine());
  Convolution conv;
  switch (direction) {
  case Direction::Forward:
    conv.primitive = dnnl::convolution_forward(forward);
    conv.tensors = {
        {DNNL_ARG_SRC, packed(image, type::bf16), forward.src_desc(), false},
        {DNNL_ARG_WEIGHTS, packed(filters, type::bf16), forward.weights_desc(),
         false},
        {DNNL_ARG_DST, packed(output, type::f32), forward.dst_desc(), true}};
    break;
  case Direction::BackwardData: {
    dnnl::convolution_backward_data::primitive_desc data(
        {algorithm, anyLayout(image, type::f32), anyLayout(filters, type::bf16),
         anyLayout(output, type::bf16), strides, padding, padding},
        cpuEngine(), forward);
    conv.primitive = dnnl::convolution_backward_data(data);
    conv.tensors = {{DNNL_ARG_DIFF_DST, packed(output, type::bf16),
                     data.diff_dst_desc(), false},
                    {DNNL_ARG_WEIGHTS, packed(filters, type::bf16),
                     data.weights_desc(), false},
                    {DNNL_ARG_DIFF_SRC, packed(image, type::f32),
                     data.diff_src_desc(), true}};
    break;
  }
  case Direction::BackwardFilter: {
    dnnl::convolution_backward_weights::primitive_desc weights(
        {algorithm, anyLayout(image, type::bf16), anyLayout(filters, type::f32),
         anyLayout(output, type::bf16), strides, padding, padding},
        cpuEngine(), forward);
    conv.primitive = dnnl::convolution_backward_weights(weights);
    conv.tensors = {
        {DNNL_ARG_SRC, packed(image, type::bf16), weights.src_desc(), false},
        {DNNL_ARG_DIFF_DST, packed(output, type::bf16), weights.diff_dst_desc(),
         false},
        {DNNL_ARG_DIFF_WEIGHTS, packed(filters, type::f32),
         weights.diff_weights_desc(), true}};
    break;
  }
  }
  return conv;
}

/// The calling thread's primitive for a direction and shape, made on its
/// first call. Per thread, as alexrt_gemm_bf16's: Debian's oneDNN runs a
/// primitive on the thread that made it, with that thread's OpenMP
/// threads (a device thread's share). Never destroyed, like the engine
/// they are made for.
const Convolution &convolutionFor(Direction direction, const ConvGeometry &s) {
  thread_local auto &primitives =
      *new std::map<std::pair<Direction, ConvGeometry>, Convolution>;
  auto key = std::make_pair(direction, s);
  auto found = primitives.find(key);
  if (found == primitives.end())
    found = primitives.emplace(key, makeConvolution(direction, s)).first;
  return found->second;
}

/// The calling thread's buffer for tensor `slot` in a blocked layout, at
/// least `bytes` long and 64-byte aligned (as oneDNN allocates): kept
/// between calls, so no call pages in fresh memory; a device thread's are
/// its own. They grow to the largest tensor of their slot, outside the
/// memory plan: at most a layer's input, output or filters per device.
void *blockedBuffer(unsigned slot, size_t bytes) {
  struct Buffer {
    std::unique_ptr<void, decltype(&std::free)> data{nullptr, &std::free};
    size_t bytes = 0;
  };
  thread_local Buffer buffers[3];
  Buffer &buffer = buffers[slot];
  if (buffer.bytes < bytes) {
    size_t rounded = (bytes + 63) / 64 * 64;
    buffer.data.reset(std::aligned_alloc(64, rounded));
    if (!buffer.data)
      alexrt::fatal("alexrt_conv2d_*_bf16: out of memory for " +
                    std::to_string(rounded) + " bytes of blocked tensors");
    buffer.bytes = rounded;
  }
  return buffer.data.get();
}

void convolve(const char *name, Direction direction, const ConvGeometry &s,
              const void *first, const void *second, float *out) {
  try {
    const Convolution &conv = convolutionFor(direction, s);
    dnnl::stream &stream = threadStream();
    void *data[3] = {const_cast<void *>(first), const_cast<void *>(second),
                     out};
    // Each tensor where the caller has it, and where the primitive reads
    // or writes it: the same memory, or a blocked copy.
    memory packed[3], used[3];
    std::unordered_map<int, memory> arguments;
    for (unsigned i = 0; i < 3; ++i) {
      const Tensor &tensor = conv.tensors[i];
      packed[i] = memory(tensor.packed, cpuEngine(), data[i]);
      used[i] = !tensor.reorder
                    ? packed[i]
                    : memory(tensor.blocked, cpuEngine(),
                             blockedBuffer(i, tensor.blocked.get_size()));
      if (tensor.reorder && i != kOutput)
        tensor.reorder->execute(stream, packed[i], used[i]);
      arguments.emplace(tensor.argument, used[i]);
    }
    conv.primitive.execute(stream, arguments);
    if (conv.tensors[kOutput].reorder)
      conv.tensors[kOutput].reorder->execute(stream, used[kOutput],
                                             packed[kOutput]);
    stream.wait();
  } catch (const dnnl::error &error) {
    // A shape alexc never generates, or a CPU without bf16 products (the
    // binary checks cpuHasBf16 before the first step).
    alexrt::fatal(std::string(name) + ": oneDNN failed: " + error.what() +
                  " (status " + std::to_string(int(error.status)) + ")");
  }
}

} // namespace

extern "C" void alexrt_conv2d_forward_bf16(const uint16_t *x, const uint16_t *w,
                                           float *y, ALEXRT_CONV2D_SHAPE) {
  convolve(__func__, Direction::Forward, ALEXRT_CONV2D_GEOMETRY, x, w, y);
}

extern "C" void alexrt_conv2d_backward_data_bf16(const uint16_t *dy,
                                                 const uint16_t *w, float *dx,
                                                 ALEXRT_CONV2D_SHAPE) {
  convolve(__func__, Direction::BackwardData, ALEXRT_CONV2D_GEOMETRY, dy, w,
           dx);
}

extern "C" void alexrt_conv2d_backward_filter_bf16(const uint16_t *x,
                                                   const uint16_t *dy,
                                                   float *dw,
                                                   ALEXRT_CONV2D_SHAPE) {
  convolve(__func__, Direction::BackwardFilter, ALEXRT_CONV2D_GEOMETRY, x, dy,
           dw);
}
