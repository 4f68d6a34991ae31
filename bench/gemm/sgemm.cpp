//===- sgemm.cpp - BLAS libraries timed on alexc's own GEMM calls ---------===//
//
// Reads the calls one training step makes (bench/gemm/trace.c's log: a
// row-major call "transA transB m n k beta" a line), and times the whole
// list, and a large square GEMM, in OpenBLAS (cblas_sgemm), BLIS (its
// CBLAS layer) and oneDNN (dnnl_sgemm, row-major itself), each loaded with
// dlopen so their cblas_sgemm symbols do not clash. Prints one JSON line a
// library.
//
//   sgemm TRACE THREADS [SQUARE]
//
//===----------------------------------------------------------------------===//

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {
struct Call {
  bool ta, tb;
  long m, n, k;
  float beta;
};

using Gemm =
    std::function<void(const Call &, const float *, const float *, float *)>;

using CblasSgemm = void (*)(int, int, int, int, int, int, float, const float *,
                            int, const float *, int, float, float *, int);
using DnnlSgemm = int (*)(char, char, long, long, long, float, const float *,
                          long, const float *, long, float, float *, long);

void *open(const char *library) {
  void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    std::fprintf(stderr, "cannot load %s: %s\n", library, dlerror());
  return handle;
}

Gemm cblas(void *handle) {
  auto sgemm = reinterpret_cast<CblasSgemm>(dlsym(handle, "cblas_sgemm"));
  return [sgemm](const Call &c, const float *a, const float *b, float *out) {
    int lda = int(c.ta ? c.m : c.k), ldb = int(c.tb ? c.k : c.n);
    sgemm(101, c.ta ? 112 : 111, c.tb ? 112 : 111, int(c.m), int(c.n), int(c.k),
          1.0f, a, lda, b, ldb, c.beta, out, int(c.n));
  };
}

/// Seconds for `repeats` passes over `calls` (the median pass).
double timeCalls(const Gemm &gemm, const std::vector<Call> &calls,
                 int repeats) {
  size_t most = 0;
  for (const Call &c : calls)
    most = std::max<size_t>(
        most, size_t(std::max({c.m * c.k, c.k * c.n, c.m * c.n})));
  std::vector<float> a(most), b(most), out(most);
  std::mt19937 random(1);
  for (float &x : a)
    x = float(random() % 1000) / 1000.0f;
  b = a;
  std::vector<double> passes;
  for (int r = 0; r <= repeats; ++r) {
    auto start = std::chrono::steady_clock::now();
    for (const Call &c : calls)
      gemm(c, a.data(), b.data(), out.data());
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (r > 0) // the first pass warms up
      passes.push_back(seconds);
  }
  std::sort(passes.begin(), passes.end());
  return passes[passes.size() / 2];
}
} // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: sgemm TRACE THREADS [SQUARE]\n");
    return 2;
  }
  std::vector<Call> calls;
  std::ifstream trace(argv[1]);
  for (Call c; trace >> c.ta >> c.tb >> c.m >> c.n >> c.k >> c.beta;)
    calls.push_back(c);
  int threads = std::atoi(argv[2]);
  long square = argc > 3 ? std::atol(argv[3]) : 4096;
  double flops = 0;
  for (const Call &c : calls)
    flops += 2.0 * double(c.m) * double(c.n) * double(c.k);

  std::vector<std::pair<std::string, Gemm>> libraries;
  if (void *h = open("libopenblas.so.0")) {
    using SetThreads = void (*)(int);
    reinterpret_cast<SetThreads>(dlsym(h, "openblas_set_num_threads"))(threads);
    libraries.emplace_back("openblas", cblas(h));
  }
  if (void *h = open("libblis.so.4")) {
    using SetThreads = void (*)(long);
    reinterpret_cast<SetThreads>(dlsym(h, "bli_thread_set_num_threads"))(
        threads);
    libraries.emplace_back("blis", cblas(h));
  }
  if (void *h = open("libdnnl.so.2")) {
    auto sgemm = reinterpret_cast<DnnlSgemm>(dlsym(h, "dnnl_sgemm"));
    libraries.emplace_back("onednn", [sgemm](const Call &c, const float *a,
                                             const float *b, float *out) {
      sgemm(c.ta ? 'T' : 'N', c.tb ? 'T' : 'N', c.m, c.n, c.k, 1.0f, a,
            c.ta ? c.m : c.k, b, c.tb ? c.k : c.n, c.beta, out, c.n);
    });
  }
  std::vector<Call> big = {{false, false, square, square, square, 0.0f}};
  for (auto &[name, gemm] : libraries) {
    double step = timeCalls(gemm, calls, 3);
    double peak = timeCalls(gemm, big, 3);
    std::printf("{\"library\": \"%s\", \"threads\": %d, \"calls\": %zu, "
                "\"step_gemm_ms\": %.2f, \"step_gflops\": %.1f, "
                "\"square\": %ld, \"square_gflops\": %.1f}\n",
                name.c_str(), threads, calls.size(), step * 1e3,
                flops / step / 1e9, square,
                2.0 * double(square) * square * square / peak / 1e9);
    std::fflush(stdout);
  }
  return 0;
}
