//===- bf16gemm.cpp - The machine's bf16 GEMM peak, on oneDNN's matmul ----===//
//
// The ceiling a bf16 training step is held against, as sgemm.cpp's square
// GEMM is the fp32 one: oneDNN's matmul primitive with bf16 A and B and an
// f32 C (products of bf16 operands, fp32 accumulation), the primitive
// alexrt_gemm_bf16 calls (Debian's oneDNN 2.6 exports no bf16 gemm
// function). Timed twice: on row-major operands, as alexc passes them, and
// with B in the layout the primitive prefers (reordered once, outside the
// timing), in case that layout is the faster. Prints one JSON line a layout;
// exits 1 where the CPU has no bf16 instructions (oneDNN would emulate them,
// which is no bf16 peak).
//
//   bf16gemm THREADS [SQUARE]
//
//===----------------------------------------------------------------------===//

#include <dnnl.hpp>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

namespace {
using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

/// Round to nearest even: the conversion alexc's loops do.
uint16_t toBf16(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  bits += 0x7fff + ((bits >> 16) & 1);
  return uint16_t(bits >> 16);
}

/// Median seconds of 3 runs of C = A B after one warm-up, and the
/// implementation oneDNN picked.
double timeMatmul(long n, bool rowMajorB, const char **implementation) {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  dnnl::memory::dims dims = {n, n};
  dnnl::memory::desc a(dims, dt::bf16, tag::ab),
      plainB(dims, dt::bf16, tag::ab), c(dims, dt::f32, tag::ab);
  dnnl::memory::desc b =
      rowMajorB ? plainB : dnnl::memory::desc(dims, dt::bf16, tag::any);
  dnnl::matmul::primitive_desc primitiveDesc(dnnl::matmul::desc(a, b, c),
                                             engine);
  *implementation = primitiveDesc.impl_info_str();
  dnnl::matmul matmul(primitiveDesc);

  std::vector<uint16_t> values(size_t(n) * size_t(n));
  std::mt19937 random(1);
  for (uint16_t &x : values)
    x = toBf16(float(random() % 1000) / 1000.0f);
  dnnl::memory aMemory(a, engine, values.data()),
      plainBMemory(plainB, engine, values.data()), cMemory(c, engine);
  dnnl::memory bMemory = plainBMemory;
  if (primitiveDesc.weights_desc() != plainB) {
    bMemory = dnnl::memory(primitiveDesc.weights_desc(), engine);
    dnnl::reorder(plainBMemory, bMemory).execute(stream, plainBMemory, bMemory);
    stream.wait();
  }

  std::vector<double> runs;
  for (int r = 0; r <= 3; ++r) {
    auto start = std::chrono::steady_clock::now();
    matmul.execute(stream, {{DNNL_ARG_SRC, aMemory},
                            {DNNL_ARG_WEIGHTS, bMemory},
                            {DNNL_ARG_DST, cMemory}});
    stream.wait();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (r > 0) // the first run warms up (C's pages, the caches)
      runs.push_back(seconds);
  }
  std::sort(runs.begin(), runs.end());
  return runs[runs.size() / 2];
}
} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bf16gemm THREADS [SQUARE]\n");
    return 2;
  }
  int threads = std::atoi(argv[1]);
  long square = argc > 2 ? std::atol(argv[2]) : 4096;
  // oneDNN's OpenMP threads are this process's (the same libgomp).
  omp_set_num_threads(threads);
  // ISAs are bit sets, each containing those below it (alexrt::cpuHasBf16).
  unsigned isa = unsigned(dnnl::get_effective_cpu_isa()),
           bf16 = unsigned(dnnl::cpu_isa::avx512_core_bf16);
  if ((isa & bf16) != bf16) {
    std::fprintf(stderr, "bf16gemm: oneDNN finds no AVX512_BF16 (or AMX) on "
                         "this CPU: no bf16 GEMM peak to measure\n");
    return 1;
  }
  for (bool rowMajorB : {true, false}) {
    const char *implementation = "";
    double seconds = timeMatmul(square, rowMajorB, &implementation);
    std::printf("{\"library\": \"onednn\", \"op\": \"matmul bf16 x bf16 -> "
                "f32\", \"layout\": \"%s\", \"implementation\": \"%s\", "
                "\"threads\": %d, \"square\": %ld, \"square_gflops\": %.1f}\n",
                rowMajorB ? "row-major" : "B reordered", implementation,
                threads, square,
                2.0 * double(square) * square * square / seconds / 1e9);
    std::fflush(stdout);
  }
  return 0;
}
