//===- FusedKernels.cpp - fused blocks as loops over memrefs --------------===//
//
// A conv_block runs a chunk of images at a time: the group GEMMs into a
// chunk buffer, then the epilogue adds the bias as it reads that buffer
// while it is still in cache and writes only the block's output and what
// its gradient needs. With library convolutions the runtime's convolution
// fills the chunk buffer: the batch on a GPU, as many images as 1 MiB of
// output holds on the CPU.
// Every stage does the arithmetic of the single-op kernel it replaces, in
// the same order, so a fused step computes the same bits as an unfused one.
//
//===----------------------------------------------------------------------===//

#include "passes/lowering/FusedKernels.h"

#include "passes/lowering/KernelParts.h"

using namespace mlir;
using namespace alex;

static Value relu(LoopBuilder &lb, Value v) { return lb.fmax(v, lb.f32(0)); }

/// Stores `first` (a window position, window * window for none) as the
/// saved i32 argmax: the position, or -1.
static void storeArgmax(LoopBuilder &lb, Value first, int64_t window,
                        Value argmax, ValueRange at) {
  auto &b = lb.builder();
  Value none =
      lb.cmpi(arith::CmpIPredicate::eq, first, lb.index(window * window));
  Value position = arith::IndexCastOp::create(b, b.getI32Type(), first);
  lb.store(lb.select(none, lb.i32(-1), position), argmax, at);
}

void alex::convBlock(LoopBuilder &lb, ConvBlockOp op, ArrayRef<Value> in,
                     ArrayRef<Value> out, const KernelContext &context) {
  Value x = in[0], w = in[1], b = in[2], y = out[0];
  LRNParamsAttr lrn = op.getLrnAttr();
  PoolParamsAttr pool = op.getPoolAttr();
  bool saving = out.size() > 1;
  Value activation = saving && lrn ? out[1] : Value();
  Value argmax = saving && pool ? out.back() : Value();

  llvm::ArrayRef<int64_t> conv = op.getConvOutputType().getShape();
  int64_t channels = conv[1], height = conv[2], width = conv[3];
  int64_t batch = bufferShape(x)[0];
  ConvShape s =
      convShape(x, w, conv, op.getStride(), op.getPad(), op.getGroups());
  bool library = context.convolvesInLibrary(lb.currentProducts());
  int64_t images = library ? imagesPerLibraryCall(s, batch, context.chunking)
                           : imagesPerGemm(s, batch, context.chunking);
  bool keep = !library && keepsCols(context.colsCache, images, batch);
  ConvOutput z{library
                   ? lb.alloc(MemRefType::get({images, channels, height, width},
                                              lb.builder().getF32Type()))
                   : chunkOutputBuffer(lb, s, images),
               library};
  Value cols =
      library ? Value() : colsBuffer(lb, s, images, lb.operandType(), keep);
  // LRN then pooling: the chunk's LRN output, between the two.
  Value normalized = lrn && pool ? chunkOutputBuffer(lb, s, images) : Value();
  // Element (image b of the chunk, c, h, w) of a chunk buffer.
  auto chunkAt = [&](Value buffer, Value bi, Value c, Value h, Value wi) {
    return lb.load(buffer, {c, bi, h, wi});
  };
  // relu(z + b) at a chunk position, z read through `from` (z or a view).
  auto activatedFrom = [&](const ConvOutput &from, Value bi, Value c, Value h,
                           Value wi) {
    return relu(lb, convolved(lb, from, b, bi, c, h, wi));
  };
  auto activated = [&](Value bi, Value c, Value h, Value wi) {
    return activatedFrom(z, bi, c, h, wi);
  };
  // The stages at one position, with each plane one row where the buffers
  // allow (viewPlanesAsRows): z and `others` are replaced by such views,
  // and `shape` (images, channels, height, width) by their loop's shape.
  // z's planes are contiguous in either layout (image- or channel-major).
  auto rowsOf = [&](ConvOutput &zRows, llvm::SmallVectorImpl<int64_t> &shape,
                    llvm::SmallVector<Value *> others) {
    zRows = z;
    others.push_back(&zRows.buffer);
    shape.assign({images, channels, height, width});
    viewPlanesAsRows(lb, shape, others);
  };

  forEachChunk(lb, batch, images, [&](Value n0) {
    if (library)
      callConvolution(lb, ConvCall::Forward, s, images, x, w, z.buffer,
                      images < batch ? n0 : Value());
    else
      convChunk(lb, s, x, w, n0, images, cols, z.buffer, context.chunking);
    if (!lrn && !pool) {
      ConvOutput zRows;
      Value yRows = y;
      llvm::SmallVector<int64_t> shape;
      rowsOf(zRows, shape, {&yRows});
      lb.parallel(shape, [&](ValueRange ivs) {
        lb.store(activatedFrom(zRows, ivs[0], ivs[1], ivs[2], ivs[3]), yRows,
                 {lb.add(n0, ivs[0]), ivs[1], ivs[2], ivs[3]});
      });
      return;
    }
    if (lrn) {
      double beta = lrn.getBeta().convertToDouble();
      LRNWindow window{lrn.getSize(), channels, lrn.getGroups()};
      ConvOutput zRows;
      Value activationRows = activation, normalizedRows = normalized, yRows = y;
      llvm::SmallVector<Value *> others{pool ? &normalizedRows : &yRows};
      if (activation)
        others.push_back(&activationRows);
      llvm::SmallVector<int64_t> shape;
      rowsOf(zRows, shape, others);
      auto activatedRows = [&](Value bi, Value c, Value h, Value wi) {
        return activatedFrom(zRows, bi, c, h, wi);
      };
      lb.parallel(shape, [&](ValueRange ivs) {
        Value bi = ivs[0], c = ivs[1], h = ivs[2], wi = ivs[3];
        Value n = lb.add(n0, bi);
        Value r = activatedRows(bi, c, h, wi);
        Value scale = lrnScale(lb, activatedRows, window, ivs,
                               lrn.getAlpha().convertToDouble(),
                               lrn.getK().convertToDouble());
        Value v = lb.fmul(r, lb.powf(scale, -beta));
        if (activation)
          lb.store(r, activationRows, {n, c, h, wi});
        if (pool)
          lb.store(v, normalizedRows, {c, bi, h, wi});
        else
          lb.store(v, yRows, {n, c, h, wi});
      });
    }
    if (!pool)
      return;
    auto normalizedAt = [&](Value bi, Value c, Value h, Value wi) {
      return chunkAt(normalized, bi, c, h, wi);
    };
    ElementAt source = lrn ? ElementAt(normalizedAt) : ElementAt(activated);
    int64_t window = pool.getWindow(), stride = pool.getStride();
    llvm::ArrayRef<int64_t> pooled = bufferShape(y);
    lb.parallel({images, channels, pooled[2], pooled[3]}, [&](ValueRange ivs) {
      Value bi = ivs[0], c = ivs[1], top = lb.mul(ivs[2], stride),
            left = lb.mul(ivs[3], stride);
      llvm::SmallVector<Value> at{lb.add(n0, bi), c, ivs[2], ivs[3]};
      if (!argmax) {
        lb.store(windowMax(lb, source, bi, c, top, left, window), y, at);
        return;
      }
      auto [best, first] =
          windowMaxAndArgmax(lb, source, bi, c, top, left, window);
      lb.store(best, y, at);
      storeArgmax(lb, first, window, argmax, at);
    });
  });

  if (keep)
    context.colsCache->keep(x, s, cols); // Freed by the cache's owner.
  else if (cols)
    memref::DeallocOp::create(lb.builder(), cols);
  for (Value buffer : {z.buffer, normalized})
    if (buffer)
      memref::DeallocOp::create(lb.builder(), buffer);
}

/// The gradient reaching element (n, c, h, w) of a pooling input: the sum,
/// over the windows containing it in row-major order, of the output
/// gradient of each window whose saved argmax is this element (and, when
/// `positive`, whose output is positive).
static Value gatherPoolGrad(LoopBuilder &lb, PoolParamsAttr pool, Value dy,
                            Value y, Value argmax, bool positive,
                            ValueRange ivs) {
  int64_t window = pool.getWindow(), stride = pool.getStride();
  llvm::ArrayRef<int64_t> pooled = bufferShape(dy);
  Value n = ivs[0], c = ivs[1], h = ivs[2], w = ivs[3];
  auto &b = lb.builder();
  // Windows o with o * stride <= i < o * stride + window.
  auto windows = [&](Value i, int64_t count) {
    Value first = arith::DivUIOp::create(
        b, lb.max(lb.add(i, stride - window), lb.index(0)), lb.index(stride));
    Value last = arith::DivUIOp::create(b, i, lb.index(stride));
    return std::make_pair(first, lb.min(lb.add(last, 1), lb.index(count)));
  };
  auto [firstY, endY] = windows(h, pooled[2]);
  auto [firstX, endX] = windows(w, pooled[3]);
  // At most ceil(window / stride) windows a dimension: that many steps
  // from the first, those past the end skipped by a select. A constant
  // trip count unrolls, and the loop over the width around it vectorizes.
  int64_t span = (window + stride - 1) / stride;
  return lb.reduce(span, lb.f32(0), [&](Value ty, Value acc) {
    Value oh = lb.add(firstY, ty);
    Value validY = lb.cmpi(arith::CmpIPredicate::slt, oh, endY);
    oh = lb.min(oh, lb.index(pooled[2] - 1));
    return lb.reduce(span, acc, [&](Value tx, Value inner) {
      Value ow = lb.add(firstX, tx);
      Value valid =
          lb.both(validY, lb.cmpi(arith::CmpIPredicate::slt, ow, endX));
      ow = lb.min(ow, lb.index(pooled[3] - 1));
      Value offset = lb.add(lb.mul(lb.sub(h, lb.mul(oh, stride)), window),
                            lb.sub(w, lb.mul(ow, stride)));
      Value position = arith::IndexCastOp::create(b, b.getI32Type(), offset);
      llvm::SmallVector<Value> at{n, c, oh, ow};
      Value picked = lb.both(valid, lb.cmpi(arith::CmpIPredicate::eq,
                                            lb.load(argmax, at), position));
      if (positive)
        picked = lb.both(picked, lb.cmpf(arith::CmpFPredicate::OGT,
                                         lb.load(y, at), lb.f32(0)));
      return lb.select(picked, lb.fadd(inner, lb.load(dy, at)), inner);
    });
  });
}

/// The same sums as gatherPoolGrad, scattered: `routed` (the pooling
/// input's shape) zeroed, then each output's gradient added to the element
/// its saved argmax names, one (image, channel) plane a thread and its
/// windows in row-major order, so each element gets its terms in
/// gatherPoolGrad's order. A CPU's scalar loop over the outputs, where
/// the gather is a vector loop of gathers over every input.
static void scatterPoolGrad(LoopBuilder &lb, PoolParamsAttr pool, Value dy,
                            Value y, Value argmax, bool positive,
                            Value routed) {
  int64_t window = pool.getWindow(), stride = pool.getStride();
  llvm::ArrayRef<int64_t> pooled = bufferShape(dy);
  llvm::ArrayRef<int64_t> shape = bufferShape(routed);
  auto &b = lb.builder();
  lb.parallel({shape[0], shape[1]}, [&](ValueRange plane) {
    Value n = plane[0], c = plane[1];
    lb.parallel({shape[2], shape[3]}, [&](ValueRange hw) {
      lb.store(lb.f32(0), routed, {n, c, hw[0], hw[1]});
    });
    // Sequential: overlapping windows add to the same elements.
    lb.loop(lb.index(0), lb.index(pooled[2]), [&](Value oh) {
      lb.loop(lb.index(0), lb.index(pooled[3]), [&](Value ow) {
        llvm::SmallVector<Value> at{n, c, oh, ow};
        Value position = lb.load(argmax, at);
        Value picked = lb.cmpi(arith::CmpIPredicate::sge, position, lb.i32(0));
        if (positive)
          picked = lb.both(picked, lb.cmpf(arith::CmpFPredicate::OGT,
                                           lb.load(y, at), lb.f32(0)));
        lb.when(picked, [&] {
          addAtWindowPosition(
              lb, routed, n, c, oh, ow,
              arith::IndexCastOp::create(b, b.getIndexType(), position), window,
              stride, lb.load(dy, at));
        });
      });
    });
  });
}

void alex::convBlockGrad(LoopBuilder &lb, ConvBlockGradOp op,
                         ArrayRef<Value> in, ArrayRef<Value> out,
                         const KernelContext &context) {
  Value dy = in[0], y = in[1], dz = out[0], db = out[1];
  LRNParamsAttr lrn = op.getLrnAttr();
  PoolParamsAttr pool = op.getPoolAttr();
  Value activation = lrn ? in[2] : Value();
  Value argmax = pool ? in.back() : Value();
  llvm::ArrayRef<int64_t> shape = bufferShape(dz);

  // On the CPU the pooling gradient is scattered into dz first, and the
  // passes below read it there (each element before they write it); GPU
  // threads gather theirs.
  bool scattered = pool && !context.gpuKernels;
  if (scattered)
    scatterPoolGrad(lb, pool, dy, y, argmax, !lrn, dz);

  // Each plane one row (viewPlanesAsRows) where no pass below needs
  // another position of it than its own: without pooling, or with its
  // gradient scattered into dz (a GPU thread gathers its element's from
  // the windows around its (h, w)). Views of what the passes read: dy
  // (dz's shape without pooling), y for the ReLU mask without LRN, the
  // activation with it. After a scatter without LRN nothing is left to do.
  llvm::SmallVector<int64_t> loopShape(shape);
  Value dzRows = dz, dyRows = dy, yRows = y, activationRows = activation;
  if (!pool || (scattered && lrn)) {
    llvm::SmallVector<Value *> views{&dzRows};
    if (!pool)
      views.push_back(&dyRows);
    if (!pool && !lrn)
      views.push_back(&yRows);
    if (activation)
      views.push_back(&activationRows);
    viewPlanesAsRows(lb, loopShape, views);
  }

  // The gradient of the ReLU output (with LRN) or of the pre-activation
  // (without: the ReLU mask is the output's sign).
  auto incoming = [&](ValueRange ivs) -> Value {
    if (scattered)
      return lb.load(dzRows, ivs);
    if (pool)
      return gatherPoolGrad(lb, pool, dy, y, argmax, !lrn, ivs);
    if (lrn)
      return lb.load(dyRows, ivs);
    Value positive =
        lb.cmpf(arith::CmpFPredicate::OGT, lb.load(yRows, ivs), lb.f32(0));
    return lb.select(positive, lb.load(dyRows, ivs), lb.f32(0));
  };

  if (!lrn) {
    if (!scattered)
      lb.parallel(loopShape, [&](ValueRange ivs) {
        lb.store(incoming(ivs), dzRows, ivs);
      });
  } else {
    // As alex.lrn_grad: dz first holds the direct term dl * s^-beta, `terms`
    // dl * a * s^(-beta-1) for the window sums; then the ReLU mask.
    double alpha = lrn.getAlpha().convertToDouble();
    double beta = lrn.getBeta().convertToDouble();
    LRNWindow window{lrn.getSize(), shape[1], lrn.getGroups()};
    Value terms =
        lb.alloc(MemRefType::get(loopShape, lb.builder().getF32Type()));
    lb.parallel(loopShape, [&](ValueRange ivs) {
      Value dl = incoming(ivs);
      Value a = lb.load(activationRows, ivs);
      Value scale = lrnScale(
          lb,
          [&](Value n, Value c, Value h, Value w) {
            return lb.load(activationRows, {n, c, h, w});
          },
          window, ivs, alpha, lrn.getK().convertToDouble());
      Value power = lb.powf(scale, -beta);
      lb.store(lb.fmul(dl, power), dzRows, ivs);
      lb.store(lb.fdiv(lb.fmul(lb.fmul(dl, a), power), scale), terms, ivs);
    });
    lb.parallel(loopShape, [&](ValueRange ivs) {
      Value sum = window.sum(lb, ivs[1], [&](Value j) {
        return lb.load(terms, {ivs[0], j, ivs[2], ivs[3]});
      });
      Value a = lb.load(activationRows, ivs);
      Value cross = lb.fmul(lb.f32(2 * alpha * beta), lb.fmul(a, sum));
      Value dr = lb.fsub(lb.load(dzRows, ivs), cross);
      Value positive = lb.cmpf(arith::CmpFPredicate::OGT, a, lb.f32(0));
      lb.store(lb.select(positive, dr, lb.f32(0)), dzRows, ivs);
    });
    memref::DeallocOp::create(lb.builder(), terms);
  }
  biasGrad(lb, dz, db);
}

void alex::denseBlock(LoopBuilder &lb, DenseBlockOp op, ArrayRef<Value> in,
                      ArrayRef<Value> out) {
  Value y = out[0];
  Value mask = op.getMask() ? in[3] : Value();
  dense(lb, in[0], in[1], in[2], y);
  lb.parallel(bufferShape(y), [&](ValueRange ivs) {
    Value v = relu(lb, lb.load(y, ivs));
    if (mask)
      v = lb.fmul(v, lb.load(mask, ivs));
    lb.store(v, y, ivs);
  });
}

void alex::denseBlockGrad(LoopBuilder &lb, DenseBlockGradOp op,
                          ArrayRef<Value> in, ArrayRef<Value> out) {
  Value dy = in[0], y = in[1], dz = out[0];
  Value mask = op.getMask() ? in[2] : Value();
  lb.parallel(bufferShape(dz), [&](ValueRange ivs) {
    Value g = lb.load(dy, ivs);
    if (mask)
      g = lb.fmul(g, lb.load(mask, ivs));
    Value positive =
        lb.cmpf(arith::CmpFPredicate::OGT, lb.load(y, ivs), lb.f32(0));
    lb.store(lb.select(positive, g, lb.f32(0)), dz, ivs);
  });
  biasGrad(lb, dz, out[1]);
}
