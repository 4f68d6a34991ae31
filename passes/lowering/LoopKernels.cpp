//===- LoopKernels.cpp - each alex op as loops over memrefs ---------------===//
//
// One function per op. Convolutions are im2col + GEMM per chunk of images
// (side by side in the GEMM's columns) and group; their input gradient is
// GEMM + col2im written as a gather, so its loops are parallel without
// atomics. With library convolutions (GPU targets, and the CPU's bf16) they
// are instead calls to the runtime's alexrt_conv2d_*, over the whole batch
// or, a fused block's on the CPU, chunks of it. Dense layers are
// one GEMM each. Everything else is a parallel loop nest, with reductions as
// sequential inner loops so results do not depend on thread count.
//
//===----------------------------------------------------------------------===//

#include "passes/lowering/LoopKernels.h"

#include "passes/lowering/DeviceKernels.h"
#include "passes/lowering/FusedKernels.h"
#include "passes/lowering/KernelParts.h"

#include "dialect/AlexDialect.h"
#include "runtime/Random.h"
#include "runtime/RuntimeCalls.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace alex;

static llvm::ArrayRef<int64_t> shapeOf(Value memref) {
  return bufferShape(memref);
}

/// Element access by plain loads from `buffer`.
static auto loadsFrom(LoopBuilder &lb, Value buffer) {
  return [&lb, buffer](Value n, Value c, Value h, Value w) {
    return lb.load(buffer, {n, c, h, w});
  };
}

void alex::viewPlanesAsRows(LoopBuilder &lb,
                            llvm::SmallVectorImpl<int64_t> &shape,
                            llvm::ArrayRef<Value *> buffers) {
  llvm::SmallVector<ReassociationIndices> planes{{0}, {1}, {2, 3}};
  for (Value *buffer : buffers) {
    auto type = cast<MemRefType>(buffer->getType());
    if (type.getRank() != 4 ||
        !memref::CollapseShapeOp::isGuaranteedCollapsible(type, planes))
      return;
  }
  OpBuilder &b = lb.builder();
  for (Value *buffer : buffers) {
    llvm::ArrayRef<int64_t> s = shapeOf(*buffer);
    Value collapsed =
        memref::CollapseShapeOp::create(b, buffer->getLoc(), *buffer, planes);
    *buffer = memref::ExpandShapeOp::create(
        b, buffer->getLoc(), {s[0], s[1], 1, s[2] * s[3]}, collapsed, planes);
  }
  shape.assign({shape[0], shape[1], 1, shape[2] * shape[3]});
}

/// out[i] = fn(in0[i], in1[i], ...) over out's shape.
static void elementwise(LoopBuilder &lb, llvm::ArrayRef<Value> inputs,
                        Value out,
                        llvm::function_ref<Value(llvm::ArrayRef<Value>)> fn) {
  lb.parallel(shapeOf(out), [&](ValueRange ivs) {
    llvm::SmallVector<Value> loaded;
    for (Value input : inputs)
      loaded.push_back(lb.load(input, ivs));
    lb.store(fn(loaded), out, ivs);
  });
}

//===----------------------------------------------------------------------===//
// Local response normalization
//===----------------------------------------------------------------------===//

std::pair<Value, Value> LRNWindow::around(LoopBuilder &lb, Value c) const {
  int64_t radius = size / 2, perGroup = channels / groups;
  Value first = lb.index(0), end = lb.index(channels);
  if (groups > 1) {
    first = lb.mul(arith::DivUIOp::create(lb.builder(), c, lb.index(perGroup)),
                   perGroup);
    end = lb.add(first, perGroup);
  }
  return {lb.max(lb.add(c, -radius), first),
          lb.min(lb.add(c, radius + 1), end)};
}

Value LRNWindow::sum(LoopBuilder &lb, Value c,
                     llvm::function_ref<Value(Value)> term) const {
  auto [lower, upper] = around(lb, c);
  Value first = lb.add(c, -(size / 2)), last = lb.add(upper, -1);
  return lb.reduce(size, lb.f32(0), [&](Value i, Value acc) {
    Value j = lb.add(first, i);
    Value inside = lb.both(lb.cmpi(arith::CmpIPredicate::sge, j, lower),
                           lb.cmpi(arith::CmpIPredicate::slt, j, upper));
    // Clamped so the load stays in bounds; the select drops it.
    Value value = term(lb.min(lb.max(j, lower), last));
    return lb.select(inside, lb.fadd(acc, value), acc);
  });
}

Value alex::lrnScale(LoopBuilder &lb, ElementAt x, const LRNWindow &window,
                     ValueRange ivs, double alpha, double k) {
  Value sum = window.sum(lb, ivs[1], [&](Value j) {
    Value a = x(ivs[0], j, ivs[2], ivs[3]);
    return lb.fmul(a, a);
  });
  return lb.fadd(lb.f32(k), lb.fmul(lb.f32(alpha), sum));
}

static void lrn(LoopBuilder &lb, LRNOp op, Value x, Value y) {
  double beta = op.getBeta().convertToDouble();
  LRNWindow window{int64_t(op.getSize()), shapeOf(x)[1],
                   int64_t(op.getGroups())};
  llvm::SmallVector<int64_t> shape(shapeOf(y));
  viewPlanesAsRows(lb, shape, {&x, &y});
  lb.parallel(shape, [&](ValueRange ivs) {
    Value scale =
        lrnScale(lb, loadsFrom(lb, x), window, ivs,
                 op.getAlpha().convertToDouble(), op.getK().convertToDouble());
    lb.store(lb.fmul(lb.load(x, ivs), lb.powf(scale, -beta)), y, ivs);
  });
}

/// da[i] = db[i] s[i]^-beta - 2 alpha beta a[i] sum_j db[j] a[j] s[j]^(-beta-1)
/// over the window of i (windows are symmetric: i is in j's iff j in i's).
static void lrnGrad(LoopBuilder &lb, LRNGradOp op, Value dy, Value x,
                    Value dx) {
  double alpha = op.getAlpha().convertToDouble();
  double beta = op.getBeta().convertToDouble();
  LRNWindow window{int64_t(op.getSize()), shapeOf(x)[1],
                   int64_t(op.getGroups())};
  // One pow per element: p = s^-beta, and t = dy x s^(-beta-1) = dy x p / s
  // for the window sums.
  llvm::SmallVector<int64_t> shape(shapeOf(x));
  viewPlanesAsRows(lb, shape, {&dy, &x, &dx});
  // In the loops' shape, as the views they index with.
  auto type = MemRefType::get(shape, lb.builder().getF32Type());
  Value powers = lb.alloc(type), terms = lb.alloc(type);
  lb.parallel(shape, [&](ValueRange ivs) {
    Value scale = lrnScale(lb, loadsFrom(lb, x), window, ivs, alpha,
                           op.getK().convertToDouble());
    Value power = lb.powf(scale, -beta);
    lb.store(power, powers, ivs);
    Value dyx = lb.fmul(lb.load(dy, ivs), lb.load(x, ivs));
    lb.store(lb.fdiv(lb.fmul(dyx, power), scale), terms, ivs);
  });
  lb.parallel(shape, [&](ValueRange ivs) {
    Value sum = window.sum(lb, ivs[1], [&](Value j) {
      return lb.load(terms, {ivs[0], j, ivs[2], ivs[3]});
    });
    Value direct = lb.fmul(lb.load(dy, ivs), lb.load(powers, ivs));
    Value cross =
        lb.fmul(lb.f32(2 * alpha * beta), lb.fmul(lb.load(x, ivs), sum));
    lb.store(lb.fsub(direct, cross), dx, ivs);
  });
  memref::DeallocOp::create(lb.builder(), powers);
  memref::DeallocOp::create(lb.builder(), terms);
}

//===----------------------------------------------------------------------===//
// Max-pooling
//===----------------------------------------------------------------------===//

Value alex::windowMax(LoopBuilder &lb, ElementAt x, Value n, Value c, Value top,
                      Value left, int64_t window) {
  Value lowest = lb.f32(-std::numeric_limits<float>::infinity());
  return lb.reduce(window, lowest, [&](Value ky, Value acc) {
    return lb.reduce(window, acc, [&](Value kx, Value inner) {
      return lb.fmax(inner, x(n, c, lb.add(top, ky), lb.add(left, kx)));
    });
  });
}

std::pair<Value, Value> alex::windowMaxAndArgmax(LoopBuilder &lb, ElementAt x,
                                                 Value n, Value c, Value top,
                                                 Value left, int64_t window) {
  // Each element read once: beside the maximum, the first position of the
  // largest value by strict comparison. Without NaNs that is the first
  // position equal to the maximum (-0 equals +0 for both); with one, the
  // maximum is NaN and nothing equals it.
  Value best, strict, first;
  for (int64_t p = 0; p < window * window; ++p) {
    Value v = x(n, c, lb.add(top, p / window), lb.add(left, p % window));
    if (p == 0) {
      best = strict = v;
      first = lb.index(0);
      continue;
    }
    best = lb.fmax(best, v);
    Value greater = lb.cmpf(arith::CmpFPredicate::OGT, v, strict);
    first = lb.select(greater, lb.index(p), first);
    strict = lb.select(greater, v, strict);
  }
  Value nan = lb.cmpf(arith::CmpFPredicate::UNO, best, best);
  return {best, lb.select(nan, lb.index(window * window), first)};
}

void alex::addAtWindowPosition(LoopBuilder &lb, Value dx, Value n, Value c,
                               Value oh, Value ow, Value position,
                               int64_t window, int64_t stride, Value g) {
  auto &b = lb.builder();
  Value h = lb.add(lb.mul(oh, stride),
                   arith::DivUIOp::create(b, position, lb.index(window)));
  Value w = lb.add(lb.mul(ow, stride),
                   arith::RemUIOp::create(b, position, lb.index(window)));
  llvm::SmallVector<Value> at{n, c, h, w};
  lb.store(lb.fadd(lb.load(dx, at), g), dx, at);
}

static void maxPool(LoopBuilder &lb, MaxPoolOp op, Value x, Value y) {
  int64_t window = op.getWindow(), stride = op.getStride();
  lb.parallel(shapeOf(y), [&](ValueRange ivs) {
    lb.store(windowMax(lb, loadsFrom(lb, x), ivs[0], ivs[1],
                       lb.mul(ivs[2], stride), lb.mul(ivs[3], stride), window),
             y, ivs);
  });
}

/// Each window adds its gradient to its first maximum (row-major). Windows
/// overlap, so one (image, channel) plane is one sequential task: planes
/// run in parallel without racing.
static void maxPoolGrad(LoopBuilder &lb, MaxPoolGradOp op, Value dy, Value x,
                        Value dx) {
  int64_t window = op.getWindow(), stride = op.getStride();
  llvm::ArrayRef<int64_t> in = shapeOf(x), out = shapeOf(dy);
  lb.parallel(in, [&](ValueRange ivs) { lb.store(lb.f32(0), dx, ivs); });
  lb.parallel({in[0], in[1]}, [&](ValueRange plane) {
    Value n = plane[0], c = plane[1];
    lb.loop(lb.index(0), lb.index(out[2]), [&](Value oh) {
      lb.loop(lb.index(0), lb.index(out[3]), [&](Value ow) {
        Value top = lb.mul(oh, stride), left = lb.mul(ow, stride);
        Value first =
            windowMaxAndArgmax(lb, loadsFrom(lb, x), n, c, top, left, window)
                .second;
        Value none = lb.index(window * window);
        // A window of NaNs has no maximum: its gradient goes nowhere.
        lb.when(lb.cmpi(arith::CmpIPredicate::ne, first, none), [&] {
          addAtWindowPosition(lb, dx, n, c, oh, ow, first, window, stride,
                              lb.load(dy, {n, c, oh, ow}));
        });
      });
    });
  });
}

//===----------------------------------------------------------------------===//
// Convolution: im2col + GEMM, or the runtime's library calls
//===----------------------------------------------------------------------===//

ConvShape alex::convShape(Value input, Value filter,
                          llvm::ArrayRef<int64_t> output, int64_t stride,
                          int64_t pad, int64_t groups) {
  auto in = shapeOf(input), f = shapeOf(filter);
  return {in[1],     in[2],     in[3],  f[0], f[2],
          output[2], output[3], stride, pad,  groups};
}

/// The largest divisor of `batch` that is at most `limit`, or 1.
static int64_t chunkOf(int64_t batch, int64_t limit) {
  for (int64_t images = std::min(batch, limit); images > 1; --images)
    if (batch % images == 0)
      return images;
  return 1;
}

int64_t alex::imagesPerGemm(const ConvShape &s, int64_t batch,
                            const ConvChunking &chunking) {
  return chunkOf(batch,
                 std::min(chunking.maxColumns / s.pixels(),
                          chunking.maxColsFloats / (s.pixels() * s.patch())));
}

/// cols[(c*K + ky)*K + kx, b*OH*OW + oh*OW + ow] = x[n0 + b, g*Cg + c,
/// oh*s - p + ky, ow*s - p + kx], zero outside the image.
void alex::im2col(LoopBuilder &lb, const ConvShape &s, Value x, Value n0,
                  int64_t images, Value g, Value cols,
                  const ConvChunking &chunking) {
  int64_t k = s.kernel;
  Type element = getElementTypeOrSelf(cols.getType());
  Value zero = lb.index(0);
  auto inRange = [&](Value i, int64_t size) {
    return lb.both(lb.cmpi(arith::CmpIPredicate::sge, i, zero),
                   lb.cmpi(arith::CmpIPredicate::slt, i, lb.index(size)));
  };
  auto store = [&](Value value, Value row, Value col) {
    if (bufferShape(cols).size() == 3)
      lb.store(value, cols, {g, row, col});
    else
      lb.store(value, cols, {row, col});
  };
  if (!chunking.im2colRuns) {
    lb.parallel(
        {images, s.channelsPerGroup(), k, k, s.outHeight, s.outWidth},
        [&](ValueRange ivs) {
          Value b = ivs[0], c = ivs[1], ky = ivs[2], kx = ivs[3], oh = ivs[4],
                ow = ivs[5];
          Value iy = lb.add(lb.mul(oh, s.stride), lb.add(ky, -s.pad));
          Value ix = lb.add(lb.mul(ow, s.stride), lb.add(kx, -s.pad));
          Value inside = lb.both(inRange(iy, s.height), inRange(ix, s.width));
          // Clamp so the load stays in bounds; select drops it.
          Value cy = lb.min(lb.max(iy, zero), lb.index(s.height - 1));
          Value cx = lb.min(lb.max(ix, zero), lb.index(s.width - 1));
          Value channel = lb.add(lb.mul(g, s.channelsPerGroup()), c);
          Value v = lb.load(x, {lb.add(n0, b), channel, cy, cx});
          Value row = lb.add(lb.mul(lb.add(lb.mul(c, k), ky), k), kx);
          Value col = lb.add(
              lb.mul(lb.add(lb.mul(b, s.outHeight), oh), s.outWidth), ow);
          store(lb.convertTo(lb.select(inside, v, lb.f32(0)), element), row,
                col);
        });
    return;
  }
  // One output row's run a iteration: the columns ow in [first, end) read
  // the image (ix = ow*s - p + kx inside it), those before and after are
  // padding. For stride 1 the reads are contiguous.
  lb.parallel(
      {images, s.channelsPerGroup(), k, k, s.outHeight}, [&](ValueRange ivs) {
        Value b = ivs[0], c = ivs[1], ky = ivs[2], kx = ivs[3], oh = ivs[4];
        Value iy = lb.add(lb.mul(oh, s.stride), lb.add(ky, -s.pad));
        Value stride = lb.index(s.stride);
        // first = ceil((p - kx) / s), at least 0.
        Value before = lb.max(lb.sub(lb.index(s.pad), kx), zero);
        Value first = arith::DivUIOp::create(
            lb.builder(), lb.add(before, s.stride - 1), stride);
        // end = floor((W - 1 + p - kx) / s) + 1, none if that is negative,
        // and no row at all outside the image.
        Value last = lb.sub(lb.index(s.width - 1 + s.pad), kx);
        Value end = lb.add(
            arith::DivUIOp::create(lb.builder(), lb.max(last, zero), stride),
            1);
        Value any = lb.both(inRange(iy, s.height),
                            lb.cmpi(arith::CmpIPredicate::sge, last, zero));
        end = lb.select(any, lb.min(end, lb.index(s.outWidth)), zero);
        first = lb.min(first, end);
        Value channel = lb.add(lb.mul(g, s.channelsPerGroup()), c);
        Value image = lb.add(n0, b);
        Value row = lb.add(lb.mul(lb.add(lb.mul(c, k), ky), k), kx);
        Value rowStart = lb.mul(lb.add(lb.mul(b, s.outHeight), oh), s.outWidth);
        Value padding = lb.convertTo(lb.f32(0), element);
        lb.loop(zero, first,
                [&](Value ow) { store(padding, row, lb.add(rowStart, ow)); });
        lb.loop(first, end, [&](Value ow) {
          Value ix = lb.add(lb.mul(ow, s.stride), lb.sub(kx, lb.index(s.pad)));
          Value v = lb.load(x, {image, channel, iy, ix});
          store(lb.convertTo(v, element), row, lb.add(rowStart, ow));
        });
        lb.loop(end, lb.index(s.outWidth),
                [&](Value ow) { store(padding, row, lb.add(rowStart, ow)); });
      });
}

void alex::forEachChunk(LoopBuilder &lb, int64_t batch, int64_t images,
                        llvm::function_ref<void(Value)> body) {
  lb.loop(lb.index(0), lb.index(batch), body, images);
}

/// Runs body(n0, g) for every chunk of images and every group,
/// sequentially (each step calls a multithreaded GEMM).
static void forEachChunkAndGroup(LoopBuilder &lb, int64_t batch, int64_t images,
                                 int64_t groups,
                                 llvm::function_ref<void(Value, Value)> body) {
  forEachChunk(lb, batch, images, [&](Value n0) {
    lb.loop(lb.index(0), lb.index(groups), [&](Value g) { body(n0, g); });
  });
}

Value alex::colsBuffer(LoopBuilder &lb, const ConvShape &s, int64_t images,
                       Type element, bool everyGroup) {
  int64_t columns = images * s.pixels();
  if (everyGroup)
    return lb.alloc(MemRefType::get({s.groups, s.patch(), columns}, element));
  return lb.alloc(MemRefType::get({s.patch(), columns}, element));
}

LoopBuilder::Matrix alex::colsOf(LoopBuilder &lb, const ConvShape &s,
                                 int64_t images, Value cols, Value g) {
  int64_t columns = images * s.pixels();
  Value first = bufferShape(cols).size() == 3 ? lb.mul(g, s.patch() * columns)
                                              : lb.index(0);
  return {cols, first, columns};
}

Value alex::chunkOutputBuffer(LoopBuilder &lb, const ConvShape &s,
                              int64_t images) {
  return lb.alloc(MemRefType::get({s.filters, images, s.outHeight, s.outWidth},
                                  lb.builder().getF32Type()));
}

void alex::convChunk(LoopBuilder &lb, const ConvShape &s, Value x, Value w,
                     Value n0, int64_t images, Value cols, Value z,
                     const ConvChunking &chunking) {
  int64_t columns = images * s.pixels();
  lb.loop(lb.index(0), lb.index(s.groups), [&](Value g) {
    im2col(lb, s, x, n0, images, g, cols, chunking);
    lb.gemm(false, false, s.filtersPerGroup(), columns, s.patch(), 1.0,
            {w, lb.mul(g, s.filtersPerGroup() * s.patch()), s.patch()},
            colsOf(lb, s, images, cols, g), 0.0,
            {z, lb.mul(g, s.filtersPerGroup() * columns), columns});
  });
}

Value alex::convolved(LoopBuilder &lb, const ConvOutput &z, Value bias, Value b,
                      Value c, Value h, Value w) {
  return lb.fadd(z.load(lb, b, c, h, w), lb.load(bias, {c}));
}

int64_t alex::imagesPerLibraryCall(const ConvShape &s, int64_t batch,
                                   const ConvChunking &chunking) {
  int64_t perImage = s.filters * s.pixels() * int64_t(sizeof(float));
  return chunkOf(batch, chunking.maxLibraryOutputBytes / perImage);
}

void alex::callConvolution(LoopBuilder &lb, ConvCall call, const ConvShape &s,
                           int64_t images, Value a, Value b, Value out,
                           Value firstImage) {
  // The runtime takes packed tensors: alexc's buffers and views of whole
  // rows of them are.
  for ([[maybe_unused]] Value tensor : {a, b, out})
    assert(memref::isStaticShapeAndContiguousRowMajor(
               cast<MemRefType>(tensor.getType())) &&
           "a library convolution's tensors are packed");
  using Conv2D = alexrt::calls::Conv2D;
  Value zero = lb.index(0);
  Value args[Conv2D::OperandCount];
  // bf16 products take bf16 inputs, rounded here (alexrt_conv2d_*_bf16).
  bool bf16 = alexrt::convertsOperands(lb.currentProducts());
  assert((!firstImage || call == ConvCall::Forward) &&
         "only forward calls take a chunk of the images");
  if (bf16)
    args[Conv2D::FirstInput] = firstImage
                                   ? lb.bf16Pointer(a, 0, firstImage, images)
                                   : lb.bf16Pointer(a, 0);
  else
    args[Conv2D::FirstInput] = lb.pointer(
        a, firstImage ? lb.mul(firstImage, s.channels * s.height * s.width)
                      : zero);
  args[Conv2D::SecondInput] = bf16 ? lb.bf16Pointer(b, 1) : lb.pointer(b, zero);
  args[Conv2D::Output] = lb.pointer(out, zero);
  args[Conv2D::Batch] = lb.i64(images);
  args[Conv2D::Channels] = lb.i64(s.channels);
  args[Conv2D::Height] = lb.i64(s.height);
  args[Conv2D::Width] = lb.i64(s.width);
  args[Conv2D::Filters] = lb.i64(s.filters);
  args[Conv2D::Kernel] = lb.i64(s.kernel);
  args[Conv2D::OutHeight] = lb.i64(s.outHeight);
  args[Conv2D::OutWidth] = lb.i64(s.outWidth);
  args[Conv2D::Stride] = lb.i64(s.stride);
  args[Conv2D::Pad] = lb.i64(s.pad);
  args[Conv2D::Groups] = lb.i64(s.groups);
  lb.call(Conv2D::name(call, bf16), args);
}

namespace {
/// Group g's rows of a chunk of an N x O x OH x OW buffer (dy), as one GEMM
/// operand of (images * pixels) columns: in place for one image, else
/// gathered into a buffer the rows of the images side by side. The buffer
/// is allocated where the ChunkRows is made and deallocated wherever the
/// builder is when it goes out of scope (after the kernel's loops).
class ChunkRows {
public:
  ChunkRows(LoopBuilder &lb, const ConvShape &s, int64_t images)
      : lb(lb), s(s), images(images) {
    if (images > 1)
      buffer = lb.alloc(MemRefType::get(
          {s.filtersPerGroup(), images, s.pixels()}, lb.operandType()));
  }
  ~ChunkRows() {
    if (buffer)
      memref::DeallocOp::create(lb.builder(), buffer);
  }

  LoopBuilder::Matrix of(Value y, Value n0, Value g) {
    Value first = lb.add(lb.mul(n0, s.filters), lb.mul(g, s.filtersPerGroup()));
    if (!buffer)
      return {y, lb.mul(first, s.pixels()), s.pixels()};
    lb.parallel({s.filtersPerGroup(), images, s.outHeight, s.outWidth},
                [&](ValueRange ivs) {
                  Value f = ivs[0], b = ivs[1], h = ivs[2], w = ivs[3];
                  Value channel = lb.add(lb.mul(g, s.filtersPerGroup()), f);
                  Value v = lb.load(y, {lb.add(n0, b), channel, h, w});
                  lb.store(lb.convertTo(v, lb.operandType()), buffer,
                           {f, b, lb.add(lb.mul(h, s.outWidth), w)});
                });
    return {buffer, lb.index(0), images * s.pixels()};
  }

private:
  LoopBuilder &lb;
  const ConvShape &s;
  int64_t images;
  Value buffer;
};
} // namespace

static void conv2d(LoopBuilder &lb, Conv2DOp op, Value x, Value w, Value b,
                   Value y, const KernelContext &context) {
  ConvShape s =
      convShape(x, w, shapeOf(y), op.getStride(), op.getPad(), op.getGroups());
  int64_t batch = shapeOf(x)[0];
  if (context.convolvesInLibrary(lb.currentProducts())) {
    // Into y, then its bias in place.
    callConvolution(lb, ConvCall::Forward, s, batch, x, w, y);
    lb.parallel(shapeOf(y), [&](ValueRange ivs) {
      lb.store(lb.fadd(lb.load(y, ivs), lb.load(b, {ivs[1]})), y, ivs);
    });
    return;
  }
  ConvColsCache *cache = context.colsCache;
  int64_t images = imagesPerGemm(s, batch, context.chunking);
  bool keep = keepsCols(cache, images, batch);
  Value z = chunkOutputBuffer(lb, s, images),
        cols = colsBuffer(lb, s, images, lb.operandType(), keep);
  forEachChunk(lb, batch, images, [&](Value n0) {
    convChunk(lb, s, x, w, n0, images, cols, z, context.chunking);
    lb.parallel(
        {images, s.filters, s.outHeight, s.outWidth}, [&](ValueRange ivs) {
          Value v = convolved(lb, {z}, b, ivs[0], ivs[1], ivs[2], ivs[3]);
          lb.store(v, y, {lb.add(n0, ivs[0]), ivs[1], ivs[2], ivs[3]});
        });
  });
  if (keep)
    cache->keep(x, s, cols); // Freed by the cache's owner.
  else
    memref::DeallocOp::create(lb.builder(), cols);
  memref::DeallocOp::create(lb.builder(), z);
}

/// dW_g^T += cols dy_g^T, with the chunk's images side by side along the
/// GEMM's inner dimension, then one pass transposes into dW: oneDNN runs
/// this orientation as fast or faster (alexnet-fmnist's conv2, 2400 x 256 x
/// 676: 2.1 against 2.9 ms an image on this project's machine).
static void conv2dGradFilter(LoopBuilder &lb, Conv2DGradFilterOp op, Value x,
                             Value dy, Value dw, const KernelContext &context) {
  ConvShape s = convShape(x, dw, shapeOf(dy), op.getStride(), op.getPad(),
                          op.getGroups());
  int64_t batch = shapeOf(x)[0];
  if (context.convolvesInLibrary(lb.currentProducts()))
    return callConvolution(lb, ConvCall::BackwardFilter, s, batch, x, dy, dw);
  const ConvColsCache *cache = context.colsCache;
  int64_t images = imagesPerGemm(s, batch, context.chunking);
  int64_t columns = images * s.pixels(), filters = s.filtersPerGroup();
  Value transposed = lb.alloc(MemRefType::get({s.groups, s.patch(), filters},
                                              lb.builder().getF32Type()));
  lb.parallel(shapeOf(transposed),
              [&](ValueRange ivs) { lb.store(lb.f32(0), transposed, ivs); });
  // The forward's columns of the whole batch, else built chunk by chunk.
  Value kept = keepsCols(cache, images, batch) ? cache->find(x, s) : Value();
  if (kept && getElementTypeOrSelf(kept.getType()) != lb.operandType())
    kept = Value(); // Kept by a forward of another precision.
  Value cols = kept ? kept : colsBuffer(lb, s, images, lb.operandType());
  ChunkRows rows(lb, s, images);
  forEachChunkAndGroup(lb, batch, images, s.groups, [&](Value n0, Value g) {
    if (!kept)
      im2col(lb, s, x, n0, images, g, cols, context.chunking);
    lb.gemm(false, true, s.patch(), filters, columns, 1.0,
            colsOf(lb, s, images, cols, g), rows.of(dy, n0, g), 1.0,
            {transposed, lb.mul(g, s.patch() * filters), filters});
  });
  int64_t k = s.kernel;
  lb.parallel(
      {s.groups, filters, s.channelsPerGroup(), k, k}, [&](ValueRange ivs) {
        Value g = ivs[0], f = ivs[1], c = ivs[2], ky = ivs[3], kx = ivs[4];
        Value row = lb.add(lb.mul(lb.add(lb.mul(c, k), ky), k), kx);
        lb.store(lb.load(transposed, {g, row, f}), dw,
                 {lb.add(lb.mul(g, filters), f), c, ky, kx});
      });
  if (!kept)
    memref::DeallocOp::create(lb.builder(), cols);
  memref::DeallocOp::create(lb.builder(), transposed);
}

/// dcols = W_g^T dy_g for a chunk of images, then each input pixel gathers
/// the columns it fed.
static void conv2dGradInput(LoopBuilder &lb, Conv2DGradInputOp op, Value dy,
                            Value w, Value dx, const KernelContext &context) {
  ConvShape s = convShape(dx, w, shapeOf(dy), op.getStride(), op.getPad(),
                          op.getGroups());
  int64_t k = s.kernel;
  int64_t batch = shapeOf(dx)[0];
  if (context.convolvesInLibrary(lb.currentProducts()))
    return callConvolution(lb, ConvCall::BackwardData, s, batch, dy, w, dx);
  int64_t images = imagesPerGemm(s, batch, context.chunking);
  int64_t columns = images * s.pixels();
  Value cols = colsBuffer(lb, s, images, lb.builder().getF32Type());
  ChunkRows rows(lb, s, images);
  forEachChunkAndGroup(lb, batch, images, s.groups, [&](Value n0, Value g) {
    lb.gemm(true, false, s.patch(), columns, s.filtersPerGroup(), 1.0,
            {w, lb.mul(g, s.filtersPerGroup() * s.patch()), s.patch()},
            rows.of(dy, n0, g), 0.0, {cols, lb.index(0), columns});
    lb.parallel(
        {images, s.channelsPerGroup(), s.height, s.width}, [&](ValueRange ivs) {
          Value b = ivs[0], c = ivs[1], iy = ivs[2], ix = ivs[3];
          Value zero = lb.index(0), strideValue = lb.index(s.stride);
          auto source = [&](Value i, Value ki, int64_t count) {
            Value t = lb.sub(lb.add(i, s.pad), ki);
            Value clamped = lb.max(t, zero);
            Value o =
                arith::DivUIOp::create(lb.builder(), clamped, strideValue);
            Value rem =
                arith::RemUIOp::create(lb.builder(), clamped, strideValue);
            Value valid =
                lb.both(lb.both(lb.cmpi(arith::CmpIPredicate::sge, t, zero),
                                lb.cmpi(arith::CmpIPredicate::eq, rem, zero)),
                        lb.cmpi(arith::CmpIPredicate::slt, o, lb.index(count)));
            return std::make_pair(valid, lb.min(o, lb.index(count - 1)));
          };
          Value imageColumn = lb.mul(b, s.pixels());
          Value sum = lb.reduce(k, lb.f32(0), [&](Value ky, Value acc) {
            return lb.reduce(k, acc, [&](Value kx, Value inner) {
              auto [validY, oh] = source(iy, ky, s.outHeight);
              auto [validX, ow] = source(ix, kx, s.outWidth);
              Value row = lb.add(lb.mul(lb.add(lb.mul(c, k), ky), k), kx);
              Value col =
                  lb.add(imageColumn, lb.add(lb.mul(oh, s.outWidth), ow));
              Value v = lb.load(cols, {row, col});
              return lb.fadd(inner,
                             lb.select(lb.both(validY, validX), v, lb.f32(0)));
            });
          });
          lb.store(sum, dx,
                   {lb.add(n0, b), lb.add(lb.mul(g, s.channelsPerGroup()), c),
                    iy, ix});
        });
  });
  memref::DeallocOp::create(lb.builder(), cols);
}

//===----------------------------------------------------------------------===//
// Dense layers
//===----------------------------------------------------------------------===//

void alex::dense(LoopBuilder &lb, Value x, Value w, Value b, Value y) {
  int64_t n = shapeOf(x)[0], k = shapeOf(x)[1], m = shapeOf(w)[0];
  // y^T = b + W x^T, then one pass transposes: oneDNN runs this form of
  // the GEMM several times faster than x W^T (16 x 4096 x 4096: 4.1 ms
  // against 18 ms on this project's machine; bench/RESULTS-cpu.md).
  Value transposed =
      lb.alloc(MemRefType::get({m, n}, lb.builder().getF32Type()));
  lb.parallel({m, n}, [&](ValueRange ivs) {
    lb.store(lb.load(b, {ivs[0]}), transposed, ivs);
  });
  Value zero = lb.index(0);
  lb.gemm(false, true, m, n, k, 1.0, {w, zero, k}, {x, zero, k}, 1.0,
          {transposed, zero, n});
  lb.parallel({n, m}, [&](ValueRange ivs) {
    lb.store(lb.load(transposed, {ivs[1], ivs[0]}), y, ivs);
  });
  memref::DeallocOp::create(lb.builder(), transposed);
}

/// bias_grad: sum over every dimension but 1.
void alex::biasGrad(LoopBuilder &lb, Value dy, Value db) {
  llvm::ArrayRef<int64_t> shape = shapeOf(dy);
  int64_t batch = shape[0], channels = shape[1];
  Type f32 = lb.builder().getF32Type();
  if (shape.size() == 2) {
    // A sum over the batch, one channel a thread.
    lb.parallel({channels}, [&](ValueRange c) {
      Value sum = lb.reduce(batch, lb.f32(0), [&](Value n, Value acc) {
        return lb.fadd(acc, lb.load(dy, {n, c[0]}));
      });
      lb.store(sum, db, c);
    });
    return;
  }
  // Columns of an image's plane first, one (image, channel, column) a
  // thread: neighbouring threads read neighbouring elements, a GPU's loads
  // coalesce and a CPU's vectorize. Then each (channel, column) over the
  // images, then each channel over its columns. Every stage has threads
  // enough for its work, and each sum has a fixed order.
  int64_t columns = shape.back();
  Value parts = lb.alloc(MemRefType::get({batch, channels, columns}, f32));
  lb.parallel({batch, channels, columns}, [&](ValueRange ivs) {
    // Nested sequential sums over the plane's other dimensions, outermost
    // first.
    std::function<Value(llvm::SmallVector<Value>, Value)> sumFrom =
        [&](llvm::SmallVector<Value> at, Value acc) -> Value {
      if (at.size() == shape.size() - 1) {
        at.push_back(ivs[2]);
        return lb.fadd(acc, lb.load(dy, at));
      }
      return lb.reduce(shape[at.size()], acc, [&](Value i, Value inner) {
        llvm::SmallVector<Value> next = at;
        next.push_back(i);
        return sumFrom(next, inner);
      });
    };
    lb.store(sumFrom({ivs[0], ivs[1]}, lb.f32(0)), parts, ivs);
  });
  Value columnSums = lb.alloc(MemRefType::get({channels, columns}, f32));
  lb.parallel({channels, columns}, [&](ValueRange ivs) {
    Value sum = lb.reduce(batch, lb.f32(0), [&](Value n, Value acc) {
      return lb.fadd(acc, lb.load(parts, {n, ivs[0], ivs[1]}));
    });
    lb.store(sum, columnSums, ivs);
  });
  lb.parallel({channels}, [&](ValueRange c) {
    Value sum = lb.reduce(columns, lb.f32(0), [&](Value column, Value acc) {
      return lb.fadd(acc, lb.load(columnSums, {c[0], column}));
    });
    lb.store(sum, db, c);
  });
  memref::DeallocOp::create(lb.builder(), columnSums);
  memref::DeallocOp::create(lb.builder(), parts);
}

//===----------------------------------------------------------------------===//
// Loss
//===----------------------------------------------------------------------===//

/// Classes a thread takes of a row for the softmax's statistics.
static constexpr int64_t kClassesPerPart = 32;

/// Each row's log-sum-exp, for a stable softmax: parts of the row side by
/// side (each its maximum and sum of exp(l - max)), then each row's parts
/// combined, so a batch of a thousand classes is thousands of threads.
/// Returns a batch-long buffer the caller deallocates.
static Value logSumExp(LoopBuilder &lb, Value logits) {
  int64_t batch = shapeOf(logits)[0], classes = shapeOf(logits)[1];
  int64_t part = std::min(classes, kClassesPerPart);
  int64_t parts = (classes + part - 1) / part;
  Type f32 = lb.builder().getF32Type();
  Value stats = lb.alloc(MemRefType::get({batch, parts, 2}, f32));
  Value zero = lb.index(0), one = lb.index(1);
  lb.parallel({batch, parts}, [&](ValueRange ivs) {
    Value n = ivs[0], first = lb.mul(ivs[1], part);
    // Within the row: the last part may be short.
    auto inRow = [&](Value i, Value acc, auto fn) -> Value {
      Value c = lb.add(first, i);
      if (classes % part == 0)
        return fn(lb.load(logits, {n, c}));
      Value inside = lb.cmpi(arith::CmpIPredicate::ult, c, lb.index(classes));
      Value clamped = lb.min(c, lb.index(classes - 1));
      return lb.select(inside, fn(lb.load(logits, {n, clamped})), acc);
    };
    Value max = lb.reduce(
        part, lb.f32(-std::numeric_limits<float>::infinity()),
        [&](Value i, Value acc) {
          return inRow(i, acc, [&](Value l) { return lb.fmax(acc, l); });
        });
    Value sum = lb.reduce(part, lb.f32(0), [&](Value i, Value acc) {
      return inRow(i, acc, [&](Value l) {
        return lb.fadd(acc, math::ExpOp::create(lb.builder(), lb.fsub(l, max)));
      });
    });
    lb.store(max, stats, {n, ivs[1], zero});
    lb.store(sum, stats, {n, ivs[1], one});
  });
  Value result = lb.alloc(MemRefType::get({batch}, f32));
  lb.parallel({batch}, [&](ValueRange row) {
    Value n = row[0];
    Value max =
        lb.reduce(parts, lb.f32(-std::numeric_limits<float>::infinity()),
                  [&](Value p, Value acc) {
                    return lb.fmax(acc, lb.load(stats, {n, p, zero}));
                  });
    Value sum = lb.reduce(parts, lb.f32(0), [&](Value p, Value acc) {
      Value rescale = math::ExpOp::create(
          lb.builder(), lb.fsub(lb.load(stats, {n, p, zero}), max));
      return lb.fadd(acc, lb.fmul(lb.load(stats, {n, p, one}), rescale));
    });
    lb.store(lb.fadd(math::LogOp::create(lb.builder(), sum), max), result, row);
  });
  memref::DeallocOp::create(lb.builder(), stats);
  return result;
}

static Value labelIndex(LoopBuilder &lb, Value labels, Value n) {
  return arith::IndexCastOp::create(lb.builder(), lb.builder().getIndexType(),
                                    lb.load(labels, {n}));
}

static void softmaxCrossEntropy(LoopBuilder &lb, Value logits, Value labels,
                                Value loss) {
  int64_t batch = shapeOf(logits)[0];
  Value logSums = logSumExp(lb, logits);
  // Each row's loss on its own thread, then their sum in row order.
  Value rows = lb.alloc(MemRefType::get({batch}, lb.builder().getF32Type()));
  lb.parallel({batch}, [&](ValueRange row) {
    Value n = row[0];
    Value picked = lb.load(logits, {n, labelIndex(lb, labels, n)});
    lb.store(lb.fsub(lb.load(logSums, row), picked), rows, row);
  });
  Value total = lb.reduce(batch, lb.f32(0), [&](Value n, Value acc) {
    return lb.fadd(acc, lb.load(rows, {n}));
  });
  lb.store(lb.fdiv(total, lb.f32(double(batch))), loss, {});
  memref::DeallocOp::create(lb.builder(), rows);
  memref::DeallocOp::create(lb.builder(), logSums);
}

static void softmaxCrossEntropyGrad(LoopBuilder &lb, Value logits, Value labels,
                                    Value grad) {
  auto shape = shapeOf(logits);
  Value logSums = logSumExp(lb, logits);
  Value scale = lb.f32(1.0 / double(shape[0]));
  lb.parallel(shape, [&](ValueRange ivs) {
    Value n = ivs[0], c = ivs[1];
    Value p = math::ExpOp::create(
        lb.builder(), lb.fsub(lb.load(logits, ivs), lb.load(logSums, {n})));
    Value isLabel =
        lb.cmpi(arith::CmpIPredicate::eq, c, labelIndex(lb, labels, n));
    Value target = lb.select(isLabel, lb.f32(1), lb.f32(0));
    lb.store(lb.fmul(lb.fsub(p, target), scale), grad, ivs);
  });
  memref::DeallocOp::create(lb.builder(), logSums);
}

//===----------------------------------------------------------------------===//
// Dropout masks: Philox4x32-10 in arith, matching runtime/Random.h
//===----------------------------------------------------------------------===//

static std::array<Value, 4>
philox(LoopBuilder &lb, std::array<Value, 4> counter, uint64_t seed) {
  auto &b = lb.builder();
  uint32_t key0 = uint32_t(seed), key1 = uint32_t(seed >> 32);
  Value mul0 = lb.i32(0xD2511F53), mul1 = lb.i32(0xCD9E8D57);
  for (int round = 0; round < 10; ++round) {
    auto product0 = arith::MulUIExtendedOp::create(b, mul0, counter[0]);
    auto product1 = arith::MulUIExtendedOp::create(b, mul1, counter[2]);
    Value k0 = lb.i32(int32_t(key0)), k1 = lb.i32(int32_t(key1));
    counter = {
        arith::XOrIOp::create(
            b, arith::XOrIOp::create(b, product1.getHigh(), counter[1]), k0),
        product1.getLow(),
        arith::XOrIOp::create(
            b, arith::XOrIOp::create(b, product0.getHigh(), counter[3]), k1),
        product0.getLow()};
    key0 += 0x9E3779B9;
    key1 += 0xBB67AE85;
  }
  return counter;
}

static void dropoutMask(LoopBuilder &lb, DropoutMaskOp op, Value step,
                        Value mask, const KernelContext &context) {
  auto &b = lb.builder();
  double rate = op.getRate().convertToDouble();
  llvm::ArrayRef<int64_t> shape = shapeOf(mask);
  // Stream: streamId(Purpose::Dropout, step * 256 + mask stream).
  Value stepValue = lb.load(step, {});
  Value stream = arith::OrIOp::create(
      b,
      arith::AddIOp::create(b, arith::MulIOp::create(b, stepValue, lb.i64(256)),
                            lb.i64(int64_t(op.getStream()))),
      lb.i64(int64_t(uint64_t(alexrt::Purpose::Dropout) << 56)));
  auto low32 = [&](Value v) {
    return arith::TruncIOp::create(b, b.getI32Type(), v);
  };
  auto high32 = [&](Value v) {
    return low32(arith::ShRUIOp::create(b, v, lb.i64(32)));
  };
  // A device's block of columns draws the one-device mask's numbers, and a
  // replica's rows the global batch's.
  llvm::SmallVector<int64_t> dims(shape);
  int64_t firstColumn = 0;
  if (std::optional<llvm::ArrayRef<int64_t>> columns = op.getColumns()) {
    firstColumn = (*columns)[0];
    dims[1] = (*columns)[1];
  }
  Value firstRow = lb.index(0);
  if (context.replicas > 1) {
    Value replica = lb.call(alexrt::calls::kReplicaIndex, {}, b.getI32Type());
    firstRow = lb.mul(arith::IndexCastOp::create(b, b.getIndexType(), replica),
                      shape[0]);
  }
  lb.parallel(shape, [&](ValueRange ivs) {
    Value linear = lb.index(0);
    for (auto [i, dim, iv] : llvm::enumerate(dims, ivs))
      linear = lb.add(lb.mul(linear, dim), i == 0   ? lb.add(iv, firstRow)
                                           : i == 1 ? lb.add(iv, firstColumn)
                                                    : iv);
    Value i = arith::IndexCastOp::create(b, b.getI64Type(), linear);
    Value block = arith::ShRUIOp::create(b, i, lb.i64(2));
    std::array<Value, 4> words =
        philox(lb, {low32(block), high32(block), low32(stream), high32(stream)},
               context.seed);
    Value lane = low32(arith::AndIOp::create(b, i, lb.i64(3)));
    Value word = words[3];
    for (int w = 2; w >= 0; --w)
      word = lb.select(lb.cmpi(arith::CmpIPredicate::eq, lane, lb.i32(w)),
                       words[w], word);
    Value top24 = arith::ShRUIOp::create(b, word, lb.i32(8));
    Value unit = lb.fmul(arith::UIToFPOp::create(b, b.getF32Type(), top24),
                         lb.f32(0x1p-24));
    Value keep = lb.cmpf(arith::CmpFPredicate::OGE, unit, lb.f32(rate));
    lb.store(lb.select(keep, lb.f32(1.0 / (1.0 - rate)), lb.f32(0)), mask, ivs);
  });
}

//===----------------------------------------------------------------------===//
// SGD
//===----------------------------------------------------------------------===//

/// The paper's update of element `ivs` of one parameter, its gradient read
/// at `gradAt` (`ivs` if empty).
static void sgdStep(LoopBuilder &lb, const SGDUpdateBuffers &u, Value rate,
                    ValueRange ivs, ValueRange gradAt = {}) {
  SGDUpdateOp op = u.op;
  if (std::optional<llvm::APFloat> scale = op.getLrMult())
    rate = lb.fmul(rate, lb.f32(scale->convertToDouble()));
  double m = op.getMomentum().convertToDouble();
  double decay = op.getWeightDecay().convertToDouble();
  Value decayRate = lb.fmul(lb.f32(decay), rate);
  Value w = lb.load(u.param, ivs);
  Value v =
      lb.fsub(lb.fsub(lb.fmul(lb.f32(m), lb.load(u.momentum, ivs)),
                      lb.fmul(decayRate, w)),
              lb.fmul(rate, lb.load(u.grad, gradAt.empty() ? ivs : gradAt)));
  lb.store(v, u.momentum, ivs);
  Value updated = lb.fadd(w, v);
  lb.store(updated, u.param, ivs);
  if (u.bf16Copy)
    lb.store(lb.convertTo(updated, lb.builder().getBF16Type()), u.bf16Copy,
             ivs);
}

static void sgdUpdate(LoopBuilder &lb, const SGDUpdateBuffers &u) {
  Value rate = lb.load(u.lr, {});
  // As rows where every buffer can be (the same indices address each).
  SGDUpdateBuffers view = u;
  llvm::SmallVector<Value *> buffers{&view.param, &view.momentum, &view.grad};
  if (view.bf16Copy)
    buffers.push_back(&view.bf16Copy);
  // A filter's 3 or 5 taps make a poor innermost loop for a CPU's vectors,
  // its whole row a good one.
  auto packed = [](Value *buffer) {
    return memref::isStaticShapeAndContiguousRowMajor(
        cast<MemRefType>(buffer->getType()));
  };
  if (llvm::all_of(buffers, packed))
    for (Value *buffer : buffers)
      *buffer = lb.withLongRows(*buffer);
  lb.parallel(shapeOf(view.param),
              [&](ValueRange ivs) { sgdStep(lb, view, rate, ivs); });
}

void alex::sgdUpdates(LoopBuilder &lb, llvm::ArrayRef<SGDUpdateBuffers> all) {
  // Element i of the concatenation belongs to the parameter whose range
  // holds it: one launch for every parameter (a GPU's "multi-tensor
  // apply"), each element updated as alone.
  int64_t total = 0;
  for (const SGDUpdateBuffers &u : all)
    total += cast<MemRefType>(u.param.getType()).getNumElements();
  lb.parallel({total}, [&](ValueRange linear) {
    int64_t first = 0;
    for (const SGDUpdateBuffers &u : all) {
      llvm::ArrayRef<int64_t> shape = shapeOf(u.param);
      int64_t count = cast<MemRefType>(u.param.getType()).getNumElements();
      Value inside = lb.both(
          lb.cmpi(arith::CmpIPredicate::sge, linear[0], lb.index(first)),
          lb.cmpi(arith::CmpIPredicate::slt, linear[0],
                  lb.index(first + count)));
      lb.when(inside, [&] {
        Value rest = lb.sub(linear[0], lb.index(first));
        llvm::SmallVector<Value> ivs(shape.size());
        for (size_t d = shape.size(); d-- > 0;) {
          ivs[d] =
              arith::RemUIOp::create(lb.builder(), rest, lb.index(shape[d]));
          rest = arith::DivUIOp::create(lb.builder(), rest, lb.index(shape[d]));
        }
        sgdStep(lb, u, lb.load(u.lr, {}), ivs);
      });
      first += count;
    }
  });
}

void alex::denseGradWeightWithUpdate(
    LoopBuilder &lb, DenseGradWeightOp op, Value dy, Value x,
    const SGDUpdateBuffers &u,
    std::optional<std::pair<int32_t, int32_t>> profileRegions) {
  LoopBuilder::KernelScope kernel(lb, productPrecision(op));
  // dW (M x K) = dy^T (M x N) * x (N x K), `rows` of M a block: as many as
  // the budget holds, the last block what is left.
  int64_t n = shapeOf(dy)[0], m = shapeOf(dy)[1], k = shapeOf(x)[1];
  int64_t rows = std::clamp<int64_t>(
      kCpuHandOffBytes / (k * int64_t(sizeof(float))), 1, m);
  Value block = lb.alloc(MemRefType::get({rows, k}, lb.builder().getF32Type()));
  SGDUpdateBuffers blockUpdate = u;
  blockUpdate.grad = block;
  Value rate = lb.load(u.lr, {});
  Value zero = lb.index(0);
  // Rows [first, first + count) of dW into the block's first rows, then
  // their update.
  auto gradientAndUpdate = [&](Value first, int64_t count) {
    lb.gemm(true, false, count, k, n, 1.0, {dy, first, m}, {x, zero, k}, 0.0,
            {block, zero, k});
    if (profileRegions)
      lb.call(alexrt::calls::kProfileMark, {lb.i32(profileRegions->first)});
    lb.parallel({count, k}, [&](ValueRange ivs) {
      sgdStep(lb, blockUpdate, rate, {lb.add(first, ivs[0]), ivs[1]}, ivs);
    });
    if (profileRegions)
      lb.call(alexrt::calls::kProfileMark, {lb.i32(profileRegions->second)});
  };
  int64_t whole = m / rows * rows;
  lb.loop(
      zero, lb.index(whole),
      [&](Value first) { gradientAndUpdate(first, rows); }, rows);
  if (whole < m)
    gradientAndUpdate(lb.index(whole), m - whole);
  memref::DeallocOp::create(lb.builder(), block);
}

LogicalResult alex::emitKernel(LoopBuilder &lb, Operation *op,
                               llvm::ArrayRef<Value> in,
                               llvm::ArrayRef<Value> out,
                               const KernelContext &context) {
  alexrt::Precision precision = productPrecision(op);
  if (alexrt::convertsOperands(precision) && context.libraryConvolutions &&
      context.gpuKernels &&
      isa<Conv2DOp, Conv2DGradInputOp, Conv2DGradFilterOp, ConvBlockOp>(op))
    return op->emitOpError()
           << "computes in " << alexrt::precisionName(precision)
           << ", which the GPU targets' library convolutions do not take "
              "(cuDNN's write bf16 outputs): lower it without "
              "library-convolutions (im2col and GEMMs)";
  LoopBuilder::KernelScope kernel(lb, precision);
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](ReluOp) {
        elementwise(lb, in, out[0], [&](llvm::ArrayRef<Value> v) {
          return lb.fmax(v[0], lb.f32(0));
        });
        return success();
      })
      .Case([&](ReluGradOp) {
        elementwise(lb, in, out[0], [&](llvm::ArrayRef<Value> v) {
          Value positive = lb.cmpf(arith::CmpFPredicate::OGT, v[1], lb.f32(0));
          return lb.select(positive, v[0], lb.f32(0));
        });
        return success();
      })
      .Case([&](MulOp) {
        elementwise(lb, in, out[0], [&](llvm::ArrayRef<Value> v) {
          return lb.fmul(v[0], v[1]);
        });
        return success();
      })
      .Case([&](AddOp) {
        elementwise(lb, in, out[0], [&](llvm::ArrayRef<Value> v) {
          return lb.fadd(v[0], v[1]);
        });
        return success();
      })
      .Case([&](LRNOp lrnOp) {
        lrn(lb, lrnOp, in[0], out[0]);
        return success();
      })
      .Case([&](LRNGradOp gradOp) {
        lrnGrad(lb, gradOp, in[0], in[1], out[0]);
        return success();
      })
      .Case([&](MaxPoolOp pool) {
        maxPool(lb, pool, in[0], out[0]);
        return success();
      })
      .Case([&](MaxPoolGradOp grad) {
        maxPoolGrad(lb, grad, in[0], in[1], out[0]);
        return success();
      })
      .Case([&](Conv2DOp conv) {
        conv2d(lb, conv, in[0], in[1], in[2], out[0], context);
        return success();
      })
      .Case([&](Conv2DGradFilterOp grad) {
        conv2dGradFilter(lb, grad, in[0], in[1], out[0], context);
        return success();
      })
      .Case([&](Conv2DGradInputOp grad) {
        conv2dGradInput(lb, grad, in[0], in[1], out[0], context);
        return success();
      })
      .Case([&](DenseOp) {
        alex::dense(lb, in[0], in[1], in[2], out[0]);
        return success();
      })
      .Case([&](DenseGradInputOp) {
        // dx (N x K) = dy (N x M) * W (M x K)
        int64_t n = shapeOf(in[0])[0], m = shapeOf(in[0])[1],
                k = shapeOf(in[1])[1];
        Value zero = lb.index(0);
        lb.gemm(false, false, n, k, m, 1.0, {in[0], zero, m}, {in[1], zero, k},
                0.0, {out[0], zero, k});
        return success();
      })
      .Case([&](DenseGradWeightOp) {
        // dW (M x K) = dy^T (M x N) * x (N x K)
        int64_t n = shapeOf(in[0])[0], m = shapeOf(in[0])[1],
                k = shapeOf(in[1])[1];
        Value zero = lb.index(0);
        lb.gemm(true, false, m, k, n, 1.0, {in[0], zero, m}, {in[1], zero, k},
                0.0, {out[0], zero, k});
        return success();
      })
      .Case([&](BiasGradOp) {
        biasGrad(lb, in[0], out[0]);
        return success();
      })
      .Case([&](SoftmaxCrossEntropyOp) {
        softmaxCrossEntropy(lb, in[0], in[1], out[0]);
        return success();
      })
      .Case([&](SoftmaxCrossEntropyGradOp) {
        softmaxCrossEntropyGrad(lb, in[0], in[1], out[0]);
        return success();
      })
      .Case([&](DropoutMaskOp maskOp) {
        dropoutMask(lb, maskOp, in[0], out[0], context);
        return success();
      })
      .Case([&](SGDUpdateOp update) {
        sgdUpdate(lb, {update, in[0], in[1], in[2], in[3],
                       in.size() > 4 ? in[4] : Value()});
        return success();
      })
      .Case([&](TakeBlockOp take) {
        takeBlock(lb, take, in[0], out[0]);
        return success();
      })
      .Case([&](AllGatherOp gather) {
        allGather(lb, gather, in[0], out[0], context);
        return success();
      })
      .Case([&](ReduceScatterOp scatter) {
        reduceScatter(lb, scatter, in[0], out[0], context);
        return success();
      })
      .Case([&](ConvBlockOp block) {
        convBlock(lb, block, in, out, context);
        return success();
      })
      .Case([&](ConvBlockGradOp grad) {
        convBlockGrad(lb, grad, in, out, context);
        return success();
      })
      .Case([&](DenseBlockOp block) {
        denseBlock(lb, block, in, out);
        return success();
      })
      .Case([&](DenseBlockGradOp grad) {
        denseBlockGrad(lb, grad, in, out);
        return success();
      })
      .Default([&](Operation *other) {
        return other->emitOpError() << "has no loop kernel";
      });
}
