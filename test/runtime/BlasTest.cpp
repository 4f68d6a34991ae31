//===- BlasTest.cpp - alexrt_sgemm against a plain triple loop ------------===//

#include "runtime/alexrt.h"

#include <gtest/gtest.h>

#include <vector>

namespace {
float element(const std::vector<float> &m, int64_t ld, bool transposed,
              int64_t row, int64_t col) {
  return transposed ? m[size_t(col * ld + row)] : m[size_t(row * ld + col)];
}
} // namespace

TEST(Sgemm, MatchesTheDefinitionForEveryTransposition) {
  const int64_t m = 7, n = 5, k = 9, pad = 3;
  for (int ta = 0; ta <= 1; ++ta)
    for (int tb = 0; tb <= 1; ++tb) {
      // Stored shapes: A is m x k (or k x m), B is k x n (or n x k), each
      // row padded by `pad` unused elements.
      int64_t lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad;
      int64_t ldc = n + pad;
      std::vector<float> a((ta ? k : m) * lda), b((tb ? n : k) * ldb),
          c(m * ldc);
      for (size_t i = 0; i < a.size(); ++i)
        a[i] = float(int(i % 13) - 6) * 0.5f;
      for (size_t i = 0; i < b.size(); ++i)
        b[i] = float(int(i % 7) - 3) * 0.25f;
      for (size_t i = 0; i < c.size(); ++i)
        c[i] = float(i % 5);
      std::vector<float> expected = c;
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double sum = 0;
          for (int64_t p = 0; p < k; ++p)
            sum +=
                double(element(a, lda, ta, i, p)) * element(b, ldb, tb, p, j);
          expected[size_t(i * ldc + j)] =
              float(1.5 * sum + 0.5 * c[size_t(i * ldc + j)]);
        }
      alexrt_sgemm(ta, tb, m, n, k, 1.5f, a.data(), lda, b.data(), ldb, 0.5f,
                   c.data(), ldc);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j)
          EXPECT_NEAR(c[size_t(i * ldc + j)], expected[size_t(i * ldc + j)],
                      1e-4)
              << "ta=" << ta << " tb=" << tb;
      // Padding columns are not written.
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = n; j < ldc; ++j)
          EXPECT_EQ(c[size_t(i * ldc + j)], float((i * ldc + j) % 5));
    }
}
