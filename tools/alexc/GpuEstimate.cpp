//===- GpuEstimate.cpp - a roofline estimate of a GPU training step -------===//

#include "tools/alexc/GpuEstimate.h"

#include "dialect/AlexDialect.h"
#include "runtime/ConvGeometry.h"
#include "runtime/RuntimeCalls.h"
#include "tools/alexc/StepCost.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <type_traits>

using namespace mlir;
using namespace alex;
using alexrt::calls::Conv2D;
using alexrt::calls::ExchangeCopy;
using alexrt::calls::GemmBf16;
using alexrt::calls::Sgemm;

std::optional<GpuModel> alex::gpuModel(llvm::StringRef name) {
  GpuModel h100;
  h100.name = "H100 80GB SXM";
  h100.memoryBytesPerSecond = 3.0e12;
  h100.loopFlopsPerSecond = 67e12;
  h100.sgemmFlopsPerSecond = 52e12;
  h100.tf32FlopsPerSecond = 413e12;
  h100.bf16FlopsPerSecond = 796e12;
  // docs/Anchors.md's rules of thumb (2-4 us a launch, about 1 us a node).
  h100.launchSeconds = 3e-6;
  h100.graphNodeSeconds = 1e-6;
  h100.multiprocessors = 132;
  h100.threadsForPeak = 65536;
  // sm_90's per-SM limits (CUDA C++ Programming Guide, compute capability
  // 9.0): 64K 32-bit registers, 2,048 threads, 32 blocks.
  h100.registersPerSM = 65536;
  h100.threadsPerSM = 2048;
  h100.blocksPerSM = 32;
  h100.sources =
      "copy 3.0 TB/s, SGEMM 52, TF32 413 and bf16 796 TFLOP/s measured on "
      "the project's H100 (docs/Anchors.md); CUDA-core fp32 67 TFLOP/s "
      "from NVIDIA's datasheet; launch 3 us and graph node 1 us "
      "rules of thumb";
  if (name == "h100")
    return h100;
  if (name != "h200")
    return std::nullopt;
  // The H100's arithmetic (by the datasheet) with HBM3e.
  GpuModel h200 = h100;
  h200.name = "H200 141GB";
  h200.memoryBytesPerSecond = 4.8e12;
  h200.sources = "memory 4.8 TB/s and CUDA-core fp32 67 TFLOP/s from "
                 "NVIDIA's datasheet; SGEMM 52, TF32 413 and bf16 796 "
                 "TFLOP/s the "
                 "H100's measured rates; launch 3 us and graph node 1 us "
                 "rules of thumb; nothing measured on an H200";
  return h200;
}

namespace {

/// One kind of work of the step and what it costs.
struct Work {
  enum class Kind { Loops, Gemm, Convolution, Copy };
  std::string layer;
  Kind kind = Kind::Loops;
  std::string what; ///< A GEMM's or convolution's shape, for its table.
  int64_t launches = 0;
  double bytes = 0, flops = 0, seconds = 0;
  /// Bytes and seconds when no load but small buffers' hits a cache.
  double bytesNoReuse = 0, secondsNoReuse = 0;
  double threads = 0; ///< A loop kernel's threads (mapped iterations).
  /// A loop kernel's resources (ptxas), if measured, and the threads of
  /// it the GPU keeps in flight.
  const KernelResources *resources = nullptr;
  double resident = 0;
};

/// The layer a kernel or call belongs to: its location's name.
std::string layerOf(Location loc) { return layerName(loc, "(other)"); }

int64_t constantInt(Value value) {
  if (auto constant = value.getDefiningOp<arith::ConstantOp>())
    if (auto integer = dyn_cast<IntegerAttr>(constant.getValue()))
      return integer.getInt();
  return 0;
}

int64_t tripCount(scf::ForOp loop) {
  std::optional<llvm::APInt> trips = loop.getStaticTripCount();
  return trips ? trips->getSExtValue() : 1;
}

/// Loads from buffers this small are assumed to hit L1 or L2 even without
/// reuse inside a kernel.
constexpr int64_t kCachedBytes = int64_t(1) << 20;

int64_t bufferBytes(MemRefType type) {
  return type.hasStaticShape()
             ? type.getNumElements() * type.getElementTypeBitWidth() / 8
             : std::numeric_limits<int64_t>::max();
}

/// What one iteration of a kernel's body moves and computes: bytes by the
/// buffer they are loaded from or stored to (for the roofline), bytes that
/// miss the caches when nothing is reused, and floating-point operations.
struct Iteration {
  llvm::DenseMap<Value, double> loaded, stored;
  double noReuseBytes = 0, flops = 0;

  double bytes() const {
    double sum = 0;
    for (auto &[buffer, bytes] : loaded)
      sum += bytes;
    for (auto &[buffer, bytes] : stored)
      sum += bytes;
    return sum;
  }
  /// Adds `other`'s accesses by buffer; `widest`: per buffer the larger of
  /// the two instead of their sum.
  void addBuffers(const Iteration &other, bool widest) {
    auto merge = [&](llvm::DenseMap<Value, double> &into,
                     const llvm::DenseMap<Value, double> &from) {
      for (auto &[buffer, bytes] : from)
        into[buffer] =
            widest ? std::max(into[buffer], bytes) : into[buffer] + bytes;
    };
    merge(loaded, other.loaded);
    merge(stored, other.stored);
  }
};

/// Adds what one iteration of `region` moves and computes, `times` the
/// trips of the inner sequential loops around it. Of an if's arms the
/// costlier counts. Conditionals side by side are a multi-tensor kernel's
/// branches, each taken by its own threads, or guards that hold: every
/// thread pays for the costliest, and the roofline sees every buffer any
/// of them touches.
void perIteration(Region &region, double times, Iteration &iteration) {
  Iteration siblings, costliest;
  for (Operation &op : region.getOps()) {
    if (auto branch = dyn_cast<scf::IfOp>(op)) {
      Iteration taken;
      for (Region &arm : branch->getRegions()) {
        Iteration armCost;
        perIteration(arm, times, armCost);
        if (armCost.bytes() > taken.bytes() ||
            (armCost.bytes() == taken.bytes() && armCost.flops > taken.flops))
          taken = std::move(armCost);
      }
      siblings.addBuffers(taken, /*widest=*/true);
      if (taken.noReuseBytes > costliest.noReuseBytes ||
          (taken.noReuseBytes == costliest.noReuseBytes &&
           taken.flops > costliest.flops))
        costliest = std::move(taken);
      continue;
    }
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      MemRefType type = load.getMemRefType();
      double bytes = times * type.getElementTypeBitWidth() / 8;
      iteration.loaded[load.getMemRef()] += bytes;
      // Small buffers (biases, a row's statistics) stay in cache.
      if (bufferBytes(type) > kCachedBytes)
        iteration.noReuseBytes += bytes;
    } else if (auto store = dyn_cast<memref::StoreOp>(op)) {
      double bytes = times * store.getMemRefType().getElementTypeBitWidth() / 8;
      iteration.stored[store.getMemRef()] += bytes;
      iteration.noReuseBytes += bytes;
    } else if (isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp,
                   arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
                   arith::MinNumFOp, math::ExpOp, math::LogOp, math::PowFOp,
                   math::SqrtOp, math::RsqrtOp>(op))
      iteration.flops += times;
    double repeats = 1;
    if (auto loop = dyn_cast<scf::ForOp>(op))
      repeats = double(tripCount(loop));
    for (Region &nested : op.getRegions())
      perIteration(nested, times * repeats, iteration);
  }
  iteration.addBuffers(siblings, /*widest=*/false);
  iteration.noReuseBytes += costliest.noReuseBytes;
  iteration.flops += costliest.flops;
}

/// A kernel's device-memory traffic, `threads` iterations of `iteration`.
/// The roofline: each byte of a buffer the kernel touches crosses once
/// (neighbouring threads' windows and repeated reads hit L1 or L2), so a
/// buffer costs its accesses up to its size. Without reuse: every access
/// crosses, but for loads from buffers of at most kCachedBytes.
void traffic(const Iteration &iteration, double threads, double &roofline,
             double &noReuse) {
  roofline = 0;
  for (const auto *accesses : {&iteration.loaded, &iteration.stored})
    for (auto &[buffer, bytes] : *accesses)
      roofline +=
          std::min(threads * bytes,
                   double(bufferBytes(cast<MemRefType>(buffer.getType()))));
  noReuse = threads * iteration.noReuseBytes;
}

double iterations(scf::ParallelOp loop) {
  double count = 1;
  for (auto [lower, upper, step] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    auto l = getConstantIntValue(lower), u = getConstantIntValue(upper),
         s = getConstantIntValue(step);
    if (l && u && s && *s > 0)
      count *= double((*u - *l + *s - 1) / *s);
  }
  return count;
}

/// The share of the GPU a GEMM keeps busy: 128 x 128 output tiles run in
/// waves of one tile an SM, and a GEMM with few tiles but a long inner
/// dimension is assumed split along it (cuBLAS's split-K), one split per
/// 2,048 of k, up to a wave.
double gemmShare(int64_t m, int64_t n, int64_t k, const GpuModel &gpu) {
  int64_t sms = gpu.multiprocessors;
  int64_t tiles = ((m + 127) / 128) * ((n + 127) / 128);
  int64_t splits =
      std::clamp<int64_t>(k / 2048, 1, std::max<int64_t>(1, sms / tiles));
  int64_t units = tiles * splits;
  int64_t waves = (units + sms - 1) / sms;
  return double(units) / double(waves * sms);
}

/// A library convolution (alexrt_conv2d_*: cuDNN) as the implicit GEMM it
/// amounts to: each group's GEMM (forward: filters x output pixels of the
/// batch x patch; input gradient: channels x input pixels x filters *
/// K^2; filter gradient: filters x patch x output pixels, split along its
/// long k) at the GEMM rate and wave share, reading its two operands and
/// writing its result once, no im2col matrix in memory.
Work convolution(func::CallOp call, Conv2D::Direction direction, int64_t times,
                 const GpuModel &gpu, double peak) {
  alexrt::ConvGeometry s = Conv2D::geometry(
      [&](Conv2D::Operand i) { return constantInt(call.getOperand(i)); });
  int64_t outPixels = s.batch * s.outPixels();
  bool forward = direction == Conv2D::Direction::Forward,
       data = direction == Conv2D::Direction::BackwardData;
  // Each group's GEMM, the groups' tiles side by side.
  int64_t m = data ? s.channelsPerGroup() : s.filtersPerGroup();
  int64_t n = forward ? outPixels : data ? s.batch * s.inPixels() : s.patch();
  int64_t k = forward ? s.patch()
              : data  ? s.filtersPerGroup() * s.kernel * s.kernel
                      : outPixels;
  std::string shape;
  llvm::raw_string_ostream(shape)
      << "conv "
      << (forward ? "forward"
          : data  ? "input grad"
                  : "filter grad")
      << " " << s.batch << "x" << s.channels << "x" << s.height << "x"
      << s.width << " k" << s.kernel << " s" << s.stride << " g" << s.groups
      << " -> " << s.filters << "x" << s.outHeight << "x" << s.outWidth;
  Work conv{layerOf(call.getLoc()), Work::Kind::Convolution, shape, times};
  conv.flops = 2.0 * double(outPixels) * double(s.filters) * double(s.patch()) *
               double(times);
  int64_t input = s.batch * s.channels * s.inPixels(),
          output = s.batch * s.filters * s.outPixels(),
          filters = s.filters * s.patch();
  conv.bytes = double(sizeof(Conv2D::Element)) *
               double(input + output + filters) * double(times);
  conv.seconds =
      std::max(conv.flops / (peak * gemmShare(m * s.groups, n, k, gpu)),
               conv.bytes / gpu.memoryBytesPerSecond);
  return conv;
}

/// One alexrt_sgemm or alexrt_gemm_bf16 call of m x n x k (GEMM, with
/// the operand positions and element types of its RuntimeCalls.h entry).
template <typename Gemm>
Work gemm(func::CallOp call, int64_t times, const GpuModel &gpu, double peak,
          size_t operandBytes) {
  int64_t m = constantInt(call.getOperand(Gemm::M)),
          n = constantInt(call.getOperand(Gemm::N)),
          k = constantInt(call.getOperand(Gemm::K));
  std::string shape;
  llvm::raw_string_ostream os(shape);
  os << "GEMM " << m << "x" << n << "x" << k;
  os << (constantInt(call.getOperand(Gemm::TransposeA)) ? " A^T" : "")
     << (constantInt(call.getOperand(Gemm::TransposeB)) ? " B^T" : "");
  if constexpr (std::is_same_v<Gemm, GemmBf16>)
    os << " bf16";
  Work gemm{layerOf(call.getLoc()), Work::Kind::Gemm, shape, times};
  gemm.flops = 2.0 * double(m) * double(n) * double(k) * double(times);
  gemm.bytes = (double(operandBytes) * double(m * k + k * n) +
                double(sizeof(typename Gemm::Element)) * double(m * n)) *
               double(times);
  gemm.seconds = std::max(gemm.flops / (peak * gemmShare(m, n, k, gpu)),
                          gemm.bytes / gpu.memoryBytesPerSecond);
  return gemm;
}

/// One alexrt_exchange_copy between devices, at memory bandwidth.
Work copy(func::CallOp call, int64_t times, const GpuModel &gpu) {
  int64_t chunk = constantInt(call.getOperand(ExchangeCopy::Chunk)),
          count = constantInt(call.getOperand(ExchangeCopy::Count));
  Work copy{layerOf(call.getLoc()), Work::Kind::Copy, "", times};
  // Each element read once and written once.
  copy.bytes = 2.0 * double(sizeof(ExchangeCopy::Element)) *
               double(chunk * count) * double(times);
  copy.seconds = copy.bytes / gpu.memoryBytesPerSecond;
  return copy;
}

/// The step's kernels as measured (registers, launch order), if they were.
struct Measured {
  const std::vector<KernelResources> *kernels = nullptr;
  size_t next = 0; ///< The next loop kernel's index.
};

/// How the estimate names the GEMMs of `precision`.
const char *gemmKind(alexrt::Precision precision) {
  switch (precision) {
  case alexrt::Precision::FP32:
    return "fp32";
  case alexrt::Precision::TF32:
    return "TF32";
  case alexrt::Precision::BF16:
    return "bf16";
  }
  return "?";
}

/// Collects the step's work, `times` the enclosing loops' trips.
void collect(Region &region, int64_t times, const GpuModel &gpu,
             alexrt::Precision precision, Measured &measured,
             std::vector<Work> &work) {
  for (Operation &op : region.getOps()) {
    if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
      if (!loop->hasAttr(gpu::getMappingAttrName()))
        continue; // Not a kernel (the CPU target): not this model's subject.
      Work kernel{layerOf(loop.getLoc()), Work::Kind::Loops, "", times};
      Iteration iteration;
      perIteration(loop.getRegion(), 1, iteration);
      double n = iterations(loop), roofline, noReuse;
      traffic(iteration, n, roofline, noReuse);
      kernel.bytes = roofline * double(times);
      kernel.bytesNoReuse = noReuse * double(times);
      kernel.flops = n * iteration.flops * double(times);
      kernel.threads = n;
      // A thread a mapped iteration, as many in flight as the SMs hold
      // with the kernel's registers; too few reach a share of the
      // ceilings.
      double inFlight = n;
      if (measured.kernels) {
        kernel.resources = &(*measured.kernels)[measured.next++];
        kernel.resident =
            double(gpu.multiprocessors *
                   residentThreadsPerSM(gpu, kernel.resources->registers,
                                        kernel.resources->blockThreads));
        inFlight = std::min(n, kernel.resident);
      }
      double share = std::min(1.0, inFlight / double(gpu.threadsForPeak));
      auto seconds = [&](double bytes) {
        return double(times) *
               std::max(bytes / (gpu.memoryBytesPerSecond * share),
                        n * iteration.flops / (gpu.loopFlopsPerSecond * share));
      };
      kernel.seconds = seconds(roofline);
      kernel.secondsNoReuse = seconds(noReuse);
      work.push_back(kernel);
      continue;
    }
    if (auto call = dyn_cast<func::CallOp>(op)) {
      // A bf16 model's products are alexrt_gemm_bf16 calls; what is left
      // on alexrt_sgemm computes in fp32.
      double peak = gpu.gemmFlopsPerSecond(alexrt::convertsOperands(precision)
                                               ? alexrt::Precision::FP32
                                               : precision);
      llvm::StringRef callee = call.getCallee();
      std::optional<Work> library;
      if (Sgemm::is(callee))
        library = gemm<Sgemm>(call, times, gpu, peak, sizeof(Sgemm::Element));
      else if (GemmBf16::is(callee))
        library = gemm<GemmBf16>(
            call, times, gpu, gpu.gemmFlopsPerSecond(alexrt::Precision::BF16),
            sizeof(GemmBf16::Operand16));
      else if (std::optional<Conv2D::Direction> direction =
                   Conv2D::direction(callee))
        library = convolution(call, *direction, times, gpu, peak);
      else if (ExchangeCopy::is(callee))
        library = copy(call, times, gpu);
      if (library) {
        // Each byte read or written once, cache or not.
        library->bytesNoReuse = library->bytes;
        library->secondsNoReuse = library->seconds;
        work.push_back(*library);
      }
      continue;
    }
    int64_t repeats = 1;
    if (auto loop = dyn_cast<scf::ForOp>(op))
      repeats = tripCount(loop);
    for (Region &nested : op.getRegions())
      collect(nested, times * repeats, gpu, precision, measured, work);
  }
}

/// The function's loop kernels (mapped parallel loops, in the order
/// collect meets them and kernel outlining launches them).
size_t countLoopKernels(func::FuncOp function) {
  size_t count = 0;
  function.walk<WalkOrder::PreOrder>([&](scf::ParallelOp loop) {
    if (!loop->hasAttr(gpu::getMappingAttrName()))
      return WalkResult::advance();
    ++count;
    return WalkResult::skip();
  });
  return count;
}

/// Every loop kernel's registers and spills (ptxas) and the share of an
/// SM's threads it keeps in flight, in launch order.
void printKernelResources(const std::vector<Work> &work, const GpuModel &gpu,
                          llvm::raw_ostream &os) {
  int64_t spilling = 0, most = 0;
  for (const Work &w : work)
    if (w.resources) {
      spilling += w.resources->spillStores + w.resources->spillLoads > 0;
      most = std::max(most, w.resources->registers);
    }
  os << "      loop kernels' resources (ptxas, sm_90): at most " << most
     << " registers a thread; "
     << (spilling ? std::to_string(spilling) + " kernels spill"
                  : std::string("no spills"))
     << "\n        kernel                          layer                    "
        "  block  regs  spill st/ld B  threads in flight/SM\n";
  for (const Work &w : work) {
    if (!w.resources)
      continue;
    const KernelResources &k = *w.resources;
    int64_t resident = residentThreadsPerSM(gpu, k.registers, k.blockThreads);
    std::string spills;
    llvm::raw_string_ostream(spills) << k.spillStores << "/" << k.spillLoads;
    std::string occupancy;
    llvm::raw_string_ostream(occupancy)
        << resident << " ("
        << llvm::format("%.0f",
                        100.0 * double(resident) / double(gpu.threadsPerSM))
        << "%)";
    os << "        " << llvm::left_justify(k.name, 31) << " "
       << llvm::left_justify(w.layer, 24) << " "
       << llvm::right_justify(std::to_string(k.blockThreads), 6) << " "
       << llvm::right_justify(std::to_string(k.registers), 5) << " "
       << llvm::right_justify(spills, 13) << "  "
       << llvm::right_justify(occupancy, 20) << "\n";
  }
}

std::string milliseconds(double seconds) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.3f", seconds * 1e3);
  return text;
}

} // namespace

int64_t alex::residentThreadsPerSM(const GpuModel &gpu, int64_t registers,
                                   int64_t blockThreads) {
  if (blockThreads <= 0)
    return 0;
  int64_t warpsPerBlock = (blockThreads + 31) / 32;
  // Registers go to a warp in units of 256.
  int64_t warpRegisters =
      std::max<int64_t>(1, (registers * 32 + 255) / 256) * 256;
  int64_t warpsByRegisters = gpu.registersPerSM / warpRegisters;
  int64_t blocks =
      std::min({warpsByRegisters / warpsPerBlock,
                gpu.threadsPerSM / (warpsPerBlock * 32), gpu.blocksPerSM});
  return blocks * blockThreads;
}

StepEstimate alex::printGpuEstimate(func::FuncOp function, const GpuModel &gpu,
                                    alexrt::Precision precision,
                                    llvm::raw_ostream &os,
                                    const std::vector<KernelResources> *ptxas) {
  Measured measured;
  // Measured kernels pair with loop kernels by launch order: only when the
  // counts agree.
  if (ptxas && ptxas->size() == countLoopKernels(function))
    measured.kernels = ptxas;
  std::vector<Work> work;
  collect(function.getBody(), 1, gpu, precision, measured, work);
  int64_t kernels = 0, gemms = 0, convolutions = 0, copies = 0;
  StepEstimate step;
  double byKind[4] = {0, 0, 0, 0};
  for (const Work &w : work) {
    byKind[int(w.kind)] += w.seconds;
    int64_t &counter = w.kind == Work::Kind::Loops         ? kernels
                       : w.kind == Work::Kind::Gemm        ? gemms
                       : w.kind == Work::Kind::Convolution ? convolutions
                                                           : copies;
    counter += w.launches;
    // The host issues a launch at most every launchSeconds: a kernel
    // shorter than that leaves the GPU waiting for the next.
    auto launched = [&](double seconds, double launch) {
      return double(w.launches) *
             std::max(seconds / double(w.launches), launch);
    };
    step.busy += w.seconds;
    step.eager += launched(w.seconds, gpu.launchSeconds);
    step.graph += launched(w.seconds, gpu.graphNodeSeconds);
    step.busyNoReuse += w.secondsNoReuse;
    step.graphNoReuse += launched(w.secondsNoReuse, gpu.graphNodeSeconds);
  }
  os << "    on " << gpu.name << " (" << gemmKind(precision)
     << " GEMMs; estimate, see docs/GpuModel.md): "
     << kernels + gemms + convolutions + copies << " launches (" << kernels
     << " loop kernels, " << gemms << " GEMMs, "
     << (convolutions ? std::to_string(convolutions) + " convolutions, " : "")
     << copies << " copies)\n"
     << "      GPU busy " << milliseconds(step.busy) << " ms; step "
     << milliseconds(step.eager) << " ms launched one by one, "
     << milliseconds(step.graph) << " ms as one CUDA graph\n"
     << "      no reuse in the caches (an upper bound): GPU busy "
     << milliseconds(step.busyNoReuse) << " ms, "
     << milliseconds(step.graphNoReuse) << " ms as one CUDA graph\n"
     << "      GPU busy by kind: loop kernels "
     << milliseconds(byKind[int(Work::Kind::Loops)]) << " ms, GEMMs "
     << milliseconds(byKind[int(Work::Kind::Gemm)]) << " ms, convolutions "
     << milliseconds(byKind[int(Work::Kind::Convolution)]) << " ms, copies "
     << milliseconds(byKind[int(Work::Kind::Copy)]) << " ms\n";

  // By layer, in the order the step first reaches them.
  std::vector<Work> layers;
  std::map<std::string, size_t> layerIndex;
  for (const Work &w : work) {
    auto [at, added] = layerIndex.try_emplace(w.layer, layers.size());
    if (added)
      layers.emplace_back();
    Work &layer = layers[at->second];
    layer.layer = w.layer;
    layer.launches += w.launches;
    layer.seconds += w.seconds;
    layer.secondsNoReuse += w.secondsNoReuse;
    layer.flops += w.kind != Work::Kind::Loops ? w.flops : 0;
    layer.bytes += w.bytes;
  }
  os << "      layer                     launches   est. ms  no reuse  "
        "GEMM/conv "
        "GFLOP\n";
  for (const Work &layer : layers)
    os << "      " << llvm::left_justify(layer.layer, 24) << " "
       << llvm::right_justify(std::to_string(layer.launches), 9) << " "
       << llvm::right_justify(milliseconds(layer.seconds), 9) << " "
       << llvm::right_justify(milliseconds(layer.secondsNoReuse), 9) << " "
       << llvm::right_justify(
              (llvm::Twine(int64_t(layer.flops / 1e9 + 0.5))).str(), 16)
       << "\n";

  // The costliest loop kernels.
  std::vector<Work> loops;
  for (const Work &w : work)
    if (w.kind == Work::Kind::Loops)
      loops.push_back(w);
  llvm::stable_sort(loops, [](const Work &a, const Work &b) {
    return a.seconds > b.seconds;
  });
  loops.resize(std::min<size_t>(loops.size(), 8));
  os << "      costliest loop kernels (threads; MB moved and est. ms, then "
        "without reuse"
     << (measured.kernels ? "; registers a thread" : "") << "):\n";
  // Text, not a FormattedString over a string that dies with the lambda.
  auto megabytes = [](double bytes, int64_t launches) {
    std::string text;
    llvm::raw_string_ostream(text) << llvm::right_justify(
        std::to_string(int64_t(bytes / double(launches) / 1e6)), 7);
    return text;
  };
  for (const Work &kernel : loops) {
    os << "        " << llvm::left_justify(kernel.layer, 24) << " "
       << llvm::right_justify(std::to_string(int64_t(kernel.threads)), 9) << " "
       << megabytes(kernel.bytes, kernel.launches) << " "
       << milliseconds(kernel.seconds) << " "
       << megabytes(kernel.bytesNoReuse, kernel.launches) << " "
       << milliseconds(kernel.secondsNoReuse);
    if (kernel.resources)
      os << " "
         << llvm::right_justify(std::to_string(kernel.resources->registers), 4);
    os << "\n";
  }
  if (measured.kernels)
    printKernelResources(work, gpu, os);
  else if (ptxas)
    os << "      kernels' registers: not used (ptxas measured " << ptxas->size()
       << " kernels, the step has " << countLoopKernels(function) << ")\n";

  // GEMM and convolution shapes, most time first.
  std::map<std::string, Work> shapes;
  for (const Work &w : work)
    if (w.kind == Work::Kind::Gemm || w.kind == Work::Kind::Convolution) {
      Work &shape = shapes[w.what];
      shape.what = w.what;
      shape.launches += w.launches;
      shape.seconds += w.seconds;
    }
  std::vector<Work> sorted;
  for (auto &[name, shape] : shapes)
    sorted.push_back(shape);
  llvm::sort(sorted, [](const Work &a, const Work &b) {
    return a.seconds > b.seconds;
  });
  os << "      GEMM (m x n x k) and convolution shapes: " << sorted.size()
     << "\n";
  for (const Work &shape : sorted)
    os << "        " << llvm::left_justify(shape.what, 52) << " x"
       << llvm::left_justify(std::to_string(shape.launches), 6) << " "
       << milliseconds(shape.seconds) << " ms\n";
  return step;
}
