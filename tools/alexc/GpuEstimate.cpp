//===- GpuEstimate.cpp - a roofline estimate of a GPU training step -------===//

#include "tools/alexc/GpuEstimate.h"

#include "dialect/AlexDialect.h"
#include "tools/alexc/StepCost.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <map>

using namespace mlir;
using namespace alex;

std::optional<GpuModel> alex::gpuModel(llvm::StringRef name) {
  GpuModel h100;
  h100.name = "H100 80GB SXM";
  h100.memoryBytesPerSecond = 3.0e12;
  h100.loopFlopsPerSecond = 67e12;
  h100.sgemmFlopsPerSecond = 52e12;
  h100.tf32FlopsPerSecond = 413e12;
  // ALEXNET.md's rules of thumb (2-4 us a launch, about 1 us a node).
  h100.launchSeconds = 3e-6;
  h100.graphNodeSeconds = 1e-6;
  h100.multiprocessors = 132;
  h100.threadsForPeak = 65536;
  h100.sources = "copy 3.0 TB/s, SGEMM 52 and TF32 413 TFLOP/s measured on "
                 "the project's H100 (ALEXNET.md); CUDA-core fp32 67 TFLOP/s "
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
                 "NVIDIA's datasheet; SGEMM 52 and TF32 413 TFLOP/s the "
                 "H100's measured rates; launch 3 us and graph node 1 us "
                 "rules of thumb; nothing measured on an H200";
  return h200;
}

namespace {

/// One kind of work of the step and what it costs.
struct Work {
  enum class Kind { Loops, Gemm, Copy };
  std::string layer;
  Kind kind = Kind::Loops;
  std::string what; ///< A GEMM's shape, for its table.
  int64_t launches = 0;
  double bytes = 0, flops = 0, seconds = 0;
  double threads = 0; ///< A loop kernel's threads (mapped iterations).
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

/// Loads from buffers this small are assumed to hit L1 or L2.
constexpr int64_t kCachedBytes = int64_t(1) << 20;

/// Bytes read and written and floating-point operations of one iteration
/// of a kernel's body, counting inner sequential loops' trips. Of the
/// conditionals side by side in a block only the costliest counts: they
/// are a multi-tensor kernel's branches, one taken by each thread, or
/// guards that hold.
void perIteration(Region &region, double times, double &bytes, double &flops) {
  double branchBytes = 0, branchFlops = 0;
  for (Operation &op : region.getOps()) {
    if (auto branch = dyn_cast<scf::IfOp>(op)) {
      double b = 0, f = 0;
      for (Region &arm : branch->getRegions())
        perIteration(arm, times, b, f);
      branchBytes = std::max(branchBytes, b);
      branchFlops = std::max(branchFlops, f);
      continue;
    }
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      // Small buffers (biases, a row's statistics) stay in cache.
      MemRefType type = load.getMemRefType();
      bool cached = type.hasStaticShape() &&
                    type.getNumElements() * type.getElementTypeBitWidth() / 8 <=
                        kCachedBytes;
      if (!cached)
        bytes += times * type.getElementTypeBitWidth() / 8;
    } else if (auto store = dyn_cast<memref::StoreOp>(op))
      bytes += times * store.getMemRefType().getElementTypeBitWidth() / 8;
    else if (isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp,
                 arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
                 arith::MinNumFOp, math::ExpOp, math::LogOp, math::PowFOp,
                 math::SqrtOp, math::RsqrtOp>(op))
      flops += times;
    double repeats = 1;
    if (auto loop = dyn_cast<scf::ForOp>(op))
      repeats = double(tripCount(loop));
    for (Region &nested : op.getRegions())
      perIteration(nested, times * repeats, bytes, flops);
  }
  bytes += branchBytes;
  flops += branchFlops;
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

/// Collects the step's work, `times` the enclosing loops' trips.
void collect(Region &region, int64_t times, const GpuModel &gpu, bool tf32,
             std::vector<Work> &work) {
  for (Operation &op : region.getOps()) {
    if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
      if (!loop->hasAttr(gpu::getMappingAttrName()))
        continue; // Not a kernel (the CPU target): not this model's subject.
      Work kernel{layerOf(loop.getLoc()), Work::Kind::Loops, "", times};
      double bytes = 0, flops = 0;
      perIteration(loop.getRegion(), 1, bytes, flops);
      double n = iterations(loop);
      kernel.bytes = n * bytes * double(times);
      kernel.flops = n * flops * double(times);
      kernel.threads = n;
      // A thread a mapped iteration; too few threads reach a share of the
      // ceilings.
      double share = std::min(1.0, n / double(gpu.threadsForPeak));
      kernel.seconds = double(times) *
                       std::max(n * bytes / (gpu.memoryBytesPerSecond * share),
                                n * flops / (gpu.loopFlopsPerSecond * share));
      work.push_back(kernel);
      continue;
    }
    if (auto call = dyn_cast<func::CallOp>(op)) {
      if (call.getCallee() == "alexrt_sgemm") {
        int64_t m = constantInt(call.getOperand(2)),
                n = constantInt(call.getOperand(3)),
                k = constantInt(call.getOperand(4));
        std::string shape;
        llvm::raw_string_ostream(shape)
            << "GEMM " << m << "x" << n << "x" << k
            << (constantInt(call.getOperand(0)) ? " A^T" : "")
            << (constantInt(call.getOperand(1)) ? " B^T" : "");
        Work gemm{layerOf(call.getLoc()), Work::Kind::Gemm, shape, times};
        gemm.flops = 2.0 * double(m) * double(n) * double(k) * double(times);
        gemm.bytes = 4.0 * double(m * k + k * n + m * n) * double(times);
        double peak = tf32 ? gpu.tf32FlopsPerSecond : gpu.sgemmFlopsPerSecond;
        gemm.seconds = std::max(gemm.flops / (peak * gemmShare(m, n, k, gpu)),
                                gemm.bytes / gpu.memoryBytesPerSecond);
        work.push_back(gemm);
      } else if (call.getCallee() == "alexrt_exchange_copy") {
        int64_t chunk = constantInt(call.getOperand(4)),
                count = constantInt(call.getOperand(5));
        Work copy{layerOf(call.getLoc()), Work::Kind::Copy, "", times};
        copy.bytes = 8.0 * double(chunk * count) * double(times);
        copy.seconds = copy.bytes / gpu.memoryBytesPerSecond;
        work.push_back(copy);
      }
      continue;
    }
    int64_t repeats = 1;
    if (auto loop = dyn_cast<scf::ForOp>(op))
      repeats = tripCount(loop);
    for (Region &nested : op.getRegions())
      collect(nested, times * repeats, gpu, tf32, work);
  }
}

std::string milliseconds(double seconds) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.3f", seconds * 1e3);
  return text;
}

} // namespace

StepEstimate alex::printGpuEstimate(func::FuncOp function, const GpuModel &gpu,
                                    bool tf32, llvm::raw_ostream &os) {
  std::vector<Work> work;
  collect(function.getBody(), 1, gpu, tf32, work);
  int64_t kernels = 0, gemms = 0, copies = 0;
  double busy = 0, eager = 0, graph = 0;
  for (const Work &w : work) {
    int64_t &counter = w.kind == Work::Kind::Loops  ? kernels
                       : w.kind == Work::Kind::Gemm ? gemms
                                                    : copies;
    counter += w.launches;
    busy += w.seconds;
    // The host issues a launch at most every launchSeconds: a kernel
    // shorter than that leaves the GPU waiting for the next.
    double each = w.seconds / double(w.launches);
    eager += double(w.launches) * std::max(each, gpu.launchSeconds);
    graph += double(w.launches) * std::max(each, gpu.graphNodeSeconds);
  }
  os << "    on " << gpu.name << " (" << (tf32 ? "TF32" : "fp32")
     << " GEMMs; estimate, see docs/GpuModel.md): " << kernels + gemms + copies
     << " launches (" << kernels << " loop kernels, " << gemms << " GEMMs, "
     << copies << " copies)\n"
     << "      GPU busy " << milliseconds(busy) << " ms; step "
     << milliseconds(eager) << " ms launched one by one, "
     << milliseconds(graph) << " ms as one CUDA graph\n";

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
    layer.flops += w.kind == Work::Kind::Gemm ? w.flops : 0;
    layer.bytes += w.bytes;
  }
  os << "      layer                     launches   est. ms   GEMM GFLOP\n";
  for (const Work &layer : layers)
    os << "      " << llvm::left_justify(layer.layer, 24) << " "
       << llvm::right_justify(std::to_string(layer.launches), 9) << " "
       << llvm::right_justify(milliseconds(layer.seconds), 9) << " "
       << llvm::right_justify(
              (llvm::Twine(int64_t(layer.flops / 1e9 + 0.5))).str(), 12)
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
  os << "      costliest loop kernels (threads, MB moved, est. ms):\n";
  for (const Work &kernel : loops)
    os << "        " << llvm::left_justify(kernel.layer, 24) << " "
       << llvm::right_justify(std::to_string(int64_t(kernel.threads)), 9) << " "
       << llvm::right_justify(
              std::to_string(
                  int64_t(kernel.bytes / double(kernel.launches) / 1e6)),
              7)
       << " " << milliseconds(kernel.seconds) << "\n";

  // GEMM shapes, most time first.
  std::map<std::string, Work> shapes;
  for (const Work &w : work)
    if (w.kind == Work::Kind::Gemm) {
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
  os << "      GEMM shapes (m x n x k): " << sorted.size() << "\n";
  for (const Work &shape : sorted)
    os << "        " << llvm::left_justify(shape.what, 28) << " x"
       << llvm::left_justify(std::to_string(shape.launches), 6) << " "
       << milliseconds(shape.seconds) << " ms\n";
  return {busy, eager, graph};
}
