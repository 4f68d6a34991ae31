//===- GemmBf16Test.cpp - alexrt_gemm_bf16 against the definition ---------===//

#include "runtime/alexrt.h"
#include "runtime/cpu/Blas.h"
#include "test/runtime/Bf16Bits.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

namespace {
using alex::test::fromBf16;
using alex::test::toBf16;

struct Shape {
  int64_t m, n, k, pad;
  float alpha, beta;
  bool transposeA = false, transposeB = false;
};
} // namespace

TEST(GemmBf16, MatchesTheDefinitionOnRoundedOperands) {
  if (!alexrt::cpuHasBf16())
    GTEST_SKIP() << "this CPU has neither AVX512_BF16 nor AMX";
  // Odd sizes, a k past one cache block, alpha and beta each way, rows
  // of A, B and C wider than the matrices (by `pad`), A and B transposed
  // each way.
  for (Shape s :
       {Shape{7, 5, 9, 0, 1.0f, 0.0f}, Shape{33, 17, 300, 3, 1.5f, 0.5f},
        Shape{64, 128, 64, 0, 1.0f, 1.0f}, Shape{3, 4096, 5, 1, -1.0f, 0.0f},
        Shape{33, 17, 300, 2, 1.0f, 0.0f, true, false},
        Shape{20, 70, 45, 0, 1.0f, 1.0f, false, true},
        Shape{96, 144, 384, 5, 0.5f, 1.0f, true, true}}) {
    // A and B as stored: op(A) is m x k, op(B) k x n.
    int64_t aRows = s.transposeA ? s.k : s.m, aCols = s.transposeA ? s.m : s.k;
    int64_t bRows = s.transposeB ? s.n : s.k, bCols = s.transposeB ? s.k : s.n;
    int64_t lda = aCols + s.pad, ldb = bCols + s.pad, ldc = s.n + s.pad;
    auto opA = [&](int64_t i, int64_t p) {
      return size_t(s.transposeA ? p * lda + i : i * lda + p);
    };
    auto opB = [&](int64_t p, int64_t j) {
      return size_t(s.transposeB ? j * ldb + p : p * ldb + j);
    };
    std::vector<uint16_t> a(size_t(aRows * lda)), b(size_t(bRows * ldb));
    std::vector<float> c(size_t(s.m * ldc));
    for (size_t i = 0; i < a.size(); ++i)
      a[i] = toBf16(std::sin(float(i)) * 2.0f);
    for (size_t i = 0; i < b.size(); ++i)
      b[i] = toBf16(std::cos(float(i) * 0.7f));
    for (size_t i = 0; i < c.size(); ++i)
      c[i] = float(i % 5) - 2.0f;
    std::vector<float> before = c;
    alexrt_gemm_bf16(s.transposeA, s.transposeB, s.m, s.n, s.k, s.alpha,
                     a.data(), lda, b.data(), ldb, s.beta, c.data(), ldc);
    for (int64_t i = 0; i < s.m; ++i)
      for (int64_t j = 0; j < ldc; ++j) {
        size_t at = size_t(i * ldc + j);
        if (j >= s.n) { // Padding is left alone.
          EXPECT_EQ(c[at], before[at]);
          continue;
        }
        double sum = 0, magnitude = 0;
        for (int64_t p = 0; p < s.k; ++p) {
          double term = double(fromBf16(a[opA(i, p)])) * fromBf16(b[opB(p, j)]);
          sum += term;
          magnitude += std::fabs(term);
        }
        double expected = s.alpha * sum + s.beta * before[at];
        // Products of bf16 values are exact in fp32; what is left is fp32
        // accumulation: k roundings of 2^-24 relative to the terms' sum.
        double tolerance = (double(s.k) + 2) * std::ldexp(1.0, -24) *
                               (std::fabs(s.alpha) * magnitude +
                                std::fabs(s.beta * before[at])) +
                           1e-30;
        EXPECT_NEAR(c[at], expected, tolerance)
            << s.m << "x" << s.n << "x" << s.k << (s.transposeA ? " A^T" : "")
            << (s.transposeB ? " B^T" : "") << " at (" << i << ", " << j << ")";
      }
  }
}

TEST(GemmBf16, SeveralThreadsRunTheSameShape) {
  if (!alexrt::cpuHasBf16())
    GTEST_SKIP() << "this CPU has neither AVX512_BF16 nor AMX";
  // Device threads call the same shapes again and again, at once.
  const int64_t m = 48, n = 40, k = 200;
  std::vector<uint16_t> a(size_t(m * k)), b(size_t(k * n));
  for (size_t i = 0; i < a.size(); ++i)
    a[i] = toBf16(std::sin(float(i)));
  for (size_t i = 0; i < b.size(); ++i)
    b[i] = toBf16(std::cos(float(i)));
  std::vector<float> expected(size_t(m * n));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t p = 0; p < k; ++p)
        sum += double(fromBf16(a[size_t(i * k + p)])) *
               fromBf16(b[size_t(p * n + j)]);
      expected[size_t(i * n + j)] = float(sum);
    }
  std::vector<std::vector<float>> results(4, std::vector<float>(m * n));
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t)
    threads.emplace_back([&, t] {
      for (int repeat = 0; repeat < 5; ++repeat)
        alexrt_gemm_bf16(0, 0, m, n, k, 1.0f, a.data(), k, b.data(), n, 0.0f,
                         results[t].data(), n);
    });
  for (std::thread &thread : threads)
    thread.join();
  for (const std::vector<float> &c : results)
    for (size_t i = 0; i < c.size(); ++i)
      ASSERT_NEAR(c[i], expected[i], 1e-4 * (1 + std::fabs(expected[i])))
          << "element " << i;
}
