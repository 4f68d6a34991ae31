//===- KernelParts.h - loop-kernel parts of fused kernels -------*- C++ -*-===//
//
// The parts of the single-op loop kernels (LoopKernels.cpp) that the fused
// block kernels (FusedKernels.cpp) reuse, so an epilogue computes exactly
// what the chain of ops it replaces would.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_PASSES_LOWERING_KERNELPARTS_H
#define ALEX_PASSES_LOWERING_KERNELPARTS_H

#include "passes/lowering/LoopBuilder.h"
#include "runtime/RuntimeCalls.h"

#include <limits>
#include <map>
#include <tuple>

namespace alex {

/// The static shape of a buffer.
inline llvm::ArrayRef<int64_t> bufferShape(mlir::Value memref) {
  return mlir::cast<mlir::MemRefType>(memref.getType()).getShape();
}

/// A convolution's geometry.
struct ConvShape {
  int64_t channels, height, width; // input, per image
  int64_t filters, kernel, outHeight, outWidth;
  int64_t stride, pad, groups;
  int64_t channelsPerGroup() const { return channels / groups; }
  int64_t filtersPerGroup() const { return filters / groups; }
  int64_t patch() const { return channelsPerGroup() * kernel * kernel; }
  int64_t pixels() const { return outHeight * outWidth; }
};

/// The geometry of a convolution from its input and filter buffers and
/// the shape of its output (N x O x OH x OW).
ConvShape convShape(mlir::Value input, mlir::Value filter,
                    llvm::ArrayRef<int64_t> output, int64_t stride, int64_t pad,
                    int64_t groups);

/// What a CPU kernel hands from one stage to the next through the caches
/// (a fused update's block of gradient rows, a library convolution's
/// output before its epilogue), and enough that a stage's call costs
/// little next to its work (for the update's blocks 1 MiB timed as 2 and
/// 4 did; the library chunks' size was not varied).
constexpr int64_t kCpuHandOffBytes = int64_t(1) << 20;

/// How many images a convolution's GEMMs may take at once: at most
/// `maxColumns` GEMM columns and an im2col buffer of `maxColsFloats`.
struct ConvChunking {
  int64_t maxColumns, maxColsFloats;
  /// im2col copies a run of one output row a loop iteration (bounds found
  /// once, contiguous loads a CPU vectorizes), not one element: a GPU
  /// thread takes one element, so neighbouring threads write neighbours.
  bool im2colRuns;
  /// The most output a fused block's library convolution writes a call:
  /// its epilogue reads it back, and, like an im2col chunk's, from the
  /// caches only if it fits there.
  int64_t maxLibraryOutputBytes;

  /// A CPU: GEMMs get efficient from a few thousand columns on; past that,
  /// a larger im2col buffer only leaves the caches (2 MiB). oneDNN's
  /// direct convolutions take one or two images at the speed of sixteen
  /// (conv1 and conv2 of the paper net), so a fused block's epilogue reads
  /// a chunk of 1 MiB from the caches, not a batch from memory.
  static ConvChunking cpu() {
    return {2048, int64_t(1) << 19, true, kCpuHandOffBytes};
  }
  /// A GPU: one GEMM per group over as many images as a 1 GiB im2col
  /// buffer holds (the paper net's whole batch of 128 for every layer), so
  /// a layer is a few launches, not a few per image, and its columns can
  /// be kept for the weight gradient.
  static ConvChunking gpu() {
    int64_t all = std::numeric_limits<int64_t>::max();
    return {all, int64_t(1) << 28, false, all};
  }
};

/// The im2col of whole batches a step's forward convolutions made, kept
/// for their weight gradients (gpu-kernels: there the GEMM takes the batch
/// at once, and rebuilding the columns is one of the step's largest
/// passes over memory). The owner deallocates what it holds.
class ConvColsCache {
public:
  /// The columns of all of `x` for convolutions shaped `s`, if kept.
  mlir::Value find(mlir::Value x, const ConvShape &s) const {
    auto found = kept.find(key(x, s));
    return found == kept.end() ? mlir::Value() : found->second;
  }
  /// Keeps `cols`, the columns of all of `x` (every group's).
  void keep(mlir::Value x, const ConvShape &s, mlir::Value cols) {
    kept[key(x, s)] = cols;
  }
  /// Every buffer kept.
  llvm::SmallVector<mlir::Value> buffers() const {
    llvm::SmallVector<mlir::Value> all;
    for (const auto &[k, cols] : kept)
      all.push_back(cols);
    return all;
  }

private:
  using Key = std::tuple<void *, int64_t, int64_t, int64_t, int64_t, int64_t,
                         int64_t, int64_t>;
  static Key key(mlir::Value x, const ConvShape &s) {
    return {x.getAsOpaquePointer(),
            s.groups,
            s.channelsPerGroup(),
            s.kernel,
            s.stride,
            s.pad,
            s.outHeight,
            s.outWidth};
  }
  std::map<Key, mlir::Value> kept;
};

/// Whether a convolution's im2col of the whole batch can be kept for its
/// weight gradient: one chunk, and a cache to keep it in.
inline bool keepsCols(const ConvColsCache *cache, int64_t images,
                      int64_t batch) {
  return cache && images == batch;
}

/// Images a convolution's GEMMs take at once: the largest divisor of
/// `batch` within `chunking`'s limits (at least 1).
int64_t imagesPerGemm(const ConvShape &s, int64_t batch,
                      const ConvChunking &chunking);

/// The patch-by-pixel matrices of images n0 .. n0 + images - 1, group `g`
/// (zero outside the image), side by side into `cols`, a colsBuffer (into
/// group g's matrix if it holds every group's).
void im2col(LoopBuilder &lb, const ConvShape &s, mlir::Value x, mlir::Value n0,
            int64_t images, mlir::Value g, mlir::Value cols,
            const ConvChunking &chunking);

/// A patch x (images * pixels) buffer of `element`s for im2col (the GEMM
/// operand type) or a GEMM's result (f32), reused group after group; with
/// `everyGroup`, groups x patch x (images * pixels): one matrix a group,
/// all kept (for a ConvColsCache).
mlir::Value colsBuffer(LoopBuilder &lb, const ConvShape &s, int64_t images,
                       mlir::Type element, bool everyGroup = false);

/// Group g's matrix in a colsBuffer, as a GEMM operand.
LoopBuilder::Matrix colsOf(LoopBuilder &lb, const ConvShape &s, int64_t images,
                           mlir::Value cols, mlir::Value g);

/// A filters x images x OH x OW buffer: a chunk's convolution outputs, one
/// GEMM row a filter, the images side by side.
mlir::Value chunkOutputBuffer(LoopBuilder &lb, const ConvShape &s,
                              int64_t images);

/// z (a chunkOutputBuffer) = each group's GEMM over the im2col of images
/// n0 .. n0 + images - 1 (`cols` a colsBuffer), without the bias: the
/// pass that reads z adds it (convolved), saving a pass over z.
void convChunk(LoopBuilder &lb, const ConvShape &s, mlir::Value x,
               mlir::Value w, mlir::Value n0, int64_t images, mlir::Value cols,
               mlir::Value z, const ConvChunking &chunking);

/// A convolution's output before its bias: a chunkOutputBuffer (filter
/// major, the GEMMs' rows) or, from a library convolution, its chunk's
/// images x O x OH x OW.
struct ConvOutput {
  mlir::Value buffer;
  bool imageMajor = false;
  /// Element (image b of the chunk, channel c, h, w).
  mlir::Value load(LoopBuilder &lb, mlir::Value b, mlir::Value c, mlir::Value h,
                   mlir::Value w) const {
    return imageMajor ? lb.load(buffer, {b, c, h, w})
                      : lb.load(buffer, {c, b, h, w});
  }
};

/// Element (image b of the chunk, channel c, h, w) of z plus channel c's
/// bias: the convolution's output.
mlir::Value convolved(LoopBuilder &lb, const ConvOutput &z, mlir::Value bias,
                      mlir::Value b, mlir::Value c, mlir::Value h,
                      mlir::Value w);

/// Which of the runtime's library convolutions (alexrt.h) to call.
using ConvCall = alexrt::calls::Conv2D::Direction;

/// Calls alexrt_conv2d_forward (a = x, b = w, out = y), _backward_data
/// (dy, w, dx) or _backward_filter (x, dy, dw) for `images` images shaped
/// `s`, all of a, b and out's; for bf16 products their _bf16 forms, after
/// loops that round a and b (LoopBuilder::bf16Pointer). With `firstImage`,
/// a forward call for x's images from that one on, into `out`.
void callConvolution(LoopBuilder &lb, ConvCall call, const ConvShape &s,
                     int64_t images, mlir::Value a, mlir::Value b,
                     mlir::Value out, mlir::Value firstImage = {});

/// Images per library convolution call of a fused block: the most, a
/// divisor of `batch`, whose output `chunking.maxLibraryOutputBytes` holds
/// (one if none does).
int64_t imagesPerLibraryCall(const ConvShape &s, int64_t batch,
                             const ConvChunking &chunking);

/// Runs body(n0) for the first image of every chunk of `images`,
/// sequentially (each calls multithreaded GEMMs).
void forEachChunk(LoopBuilder &lb, int64_t batch, int64_t images,
                  llvm::function_ref<void(mlir::Value)> body);

/// Each (n, c) plane of 4-D `buffers` as one row, N x C x 1 x (H W), for
/// loops whose work at a position needs no other position of its plane
/// (LRN, ReLU, its gradients): they then run along a whole plane, which a
/// CPU's vectors fill, not along rows of 13 or 27. `shape` becomes the
/// views' shape. Changes nothing unless every buffer's planes are
/// contiguous.
void viewPlanesAsRows(LoopBuilder &lb, llvm::SmallVectorImpl<int64_t> &shape,
                      llvm::ArrayRef<mlir::Value *> buffers);

/// Reads the element (n, c, h, w) of a 4-D value: a load, or a load and
/// the arithmetic of an earlier epilogue stage.
using ElementAt = llvm::function_ref<mlir::Value(mlir::Value n, mlir::Value c,
                                                 mlir::Value h, mlir::Value w)>;

/// An LRN's channel window: `size` channels centred on `c`, cut at the
/// edges of c's group (`channels` split into `groups` equal groups).
struct LRNWindow {
  int64_t size, channels, groups;
  /// [lower, upper) for channel `c`.
  std::pair<mlir::Value, mlir::Value> around(LoopBuilder &lb,
                                             mlir::Value c) const;
  /// The sum of term(j) over the channels j of c's window, in order. It
  /// runs `size` steps, those outside the window skipped by a select: a
  /// constant trip count the compiler unrolls, so the loop around it (over
  /// the width) vectorizes; the additions are the same, in the same order.
  mlir::Value sum(LoopBuilder &lb, mlir::Value c,
                  llvm::function_ref<mlir::Value(mlir::Value j)> term) const;
};

/// k + alpha * sum of squares of `x` over the channel window of `ivs`
/// (n, c, h, w).
mlir::Value lrnScale(LoopBuilder &lb, ElementAt x, const LRNWindow &window,
                     mlir::ValueRange ivs, double alpha, double k);

/// The maximum of the window x[n, c, top.., left..] (NaN if any is NaN).
mlir::Value windowMax(LoopBuilder &lb, ElementAt x, mlir::Value n,
                      mlir::Value c, mlir::Value top, mlir::Value left,
                      int64_t window);

/// windowMax, and the position (row * window + column) of the first
/// element of the window equal to it, in row-major order, or window *
/// window if none is (a NaN maximum): each element read once.
std::pair<mlir::Value, mlir::Value>
windowMaxAndArgmax(LoopBuilder &lb, ElementAt x, mlir::Value n, mlir::Value c,
                   mlir::Value top, mlir::Value left, int64_t window);

/// dx[n, c, h, w] += g for (h, w) the element at `position` (row * window
/// + column, an index) of the window of pooled output (oh, ow): where a
/// max-pooling gradient goes.
void addAtWindowPosition(LoopBuilder &lb, mlir::Value dx, mlir::Value n,
                         mlir::Value c, mlir::Value oh, mlir::Value ow,
                         mlir::Value position, int64_t window, int64_t stride,
                         mlir::Value g);

/// y = x w^T + b: the bias, then one GEMM accumulating onto it.
void dense(LoopBuilder &lb, mlir::Value x, mlir::Value w, mlir::Value b,
           mlir::Value y);

/// db[c] = the sum of dy over every dimension but 1.
void biasGrad(LoopBuilder &lb, mlir::Value dy, mlir::Value db);

} // namespace alex

#endif // ALEX_PASSES_LOWERING_KERNELPARTS_H
