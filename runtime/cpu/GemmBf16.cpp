//===- GemmBf16.cpp - alexrt_gemm_bf16 on oneDNN's bf16 matmul ------------===//
//
// Debian's oneDNN 2.6 does not export dnnl_gemm_bf16bf16f32, but its matmul
// primitive with bf16 source and weights and an f32 destination runs the
// AVX512_BF16 (or AMX) brgemm kernels. A primitive is JIT-compiled for one
// shape, so each shape's is made once and kept; every call makes only its
// three memory objects. A transposed operand is a memory descriptor with
// swapped strides: the kernels copy their blocks of A and B either way, so
// it costs no pass of its own (a transposed A is 0-20% slower in the
// matmul on AlexNet's shapes, where a transposing copy per call cost more).
//
//===----------------------------------------------------------------------===//

#include "runtime/alexrt.h"

#include "runtime/cpu/Blas.h"
#include "runtime/cpu/Onednn.h"
#include "runtime/support/Fatal.h"

#include <oneapi/dnnl/dnnl.h>

#include <map>
#include <string>
#include <tuple>

namespace {

/// Ends the process if a oneDNN call failed: a malformed shape, which alexc
/// never generates, or a CPU without bf16 support (callers check
/// cpuHasBf16 first).
void check(dnnl_status_t status, const char *call) {
  if (status != dnnl_success)
    alexrt::fatal(std::string("alexrt_gemm_bf16: oneDNN's ") + call +
                  " failed (status " + std::to_string(int(status)) + ")");
}

/// One shape's primitive and the memory descriptors of its operands.
struct Matmul {
  dnnl_primitive_t primitive = nullptr;
  dnnl_memory_desc_t a, b, c;
};

/// A call's shape: what its primitive is made for.
struct Shape {
  bool transposeA, transposeB;
  int64_t m, n, k, lda, ldb, ldc;
  float alpha, beta;

  bool operator<(const Shape &other) const {
    auto tie = [](const Shape &s) {
      return std::tie(s.transposeA, s.transposeB, s.m, s.n, s.k, s.lda, s.ldb,
                      s.ldc, s.alpha, s.beta);
    };
    return tie(*this) < tie(other);
  }
};

/// The strides of op(X), rows x cols, stored row-major with rows ld apart
/// (as X^T when `transposed`).
void strides(dnnl_dims_t out, bool transposed, int64_t ld) {
  out[0] = transposed ? 1 : ld;
  out[1] = transposed ? ld : 1;
}

/// The primitive computing C = alpha op(A) op(B) + beta C for bf16 op(A)
/// (m x k) and op(B) (k x n) into f32 C (m x n).
Matmul makeMatmul(const Shape &s) {
  Matmul matmul;
  dnnl_dims_t aDims = {s.m, s.k}, bDims = {s.k, s.n}, cDims = {s.m, s.n};
  dnnl_dims_t aStrides, bStrides, cStrides = {s.ldc, 1};
  strides(aStrides, s.transposeA, s.lda);
  strides(bStrides, s.transposeB, s.ldb);
  check(dnnl_memory_desc_init_by_strides(&matmul.a, 2, aDims, dnnl_bf16,
                                         aStrides),
        "dnnl_memory_desc_init_by_strides");
  check(dnnl_memory_desc_init_by_strides(&matmul.b, 2, bDims, dnnl_bf16,
                                         bStrides),
        "dnnl_memory_desc_init_by_strides");
  check(
      dnnl_memory_desc_init_by_strides(&matmul.c, 2, cDims, dnnl_f32, cStrides),
      "dnnl_memory_desc_init_by_strides");
  dnnl_matmul_desc_t desc;
  check(dnnl_matmul_desc_init(&desc, &matmul.a, &matmul.b, nullptr, &matmul.c),
        "dnnl_matmul_desc_init");
  dnnl_primitive_attr_t attr = nullptr;
  check(dnnl_primitive_attr_create(&attr), "dnnl_primitive_attr_create");
  if (s.alpha != 1.0f)
    check(dnnl_primitive_attr_set_output_scales(attr, 1, 0, &s.alpha),
          "dnnl_primitive_attr_set_output_scales");
  dnnl_post_ops_t postOps = nullptr;
  if (s.beta != 0.0f) {
    // C's old values, scaled by beta, added after alpha A B.
    check(dnnl_post_ops_create(&postOps), "dnnl_post_ops_create");
    check(dnnl_post_ops_append_sum(postOps, s.beta),
          "dnnl_post_ops_append_sum");
    check(dnnl_primitive_attr_set_post_ops(attr, postOps),
          "dnnl_primitive_attr_set_post_ops");
  }
  dnnl_primitive_desc_t primitiveDesc = nullptr;
  check(dnnl_primitive_desc_create(&primitiveDesc, &desc, attr,
                                   alexrt::onednn::engine(), nullptr),
        "dnnl_primitive_desc_create");
  check(dnnl_primitive_create(&matmul.primitive, primitiveDesc),
        "dnnl_primitive_create");
  dnnl_primitive_desc_destroy(primitiveDesc);
  if (postOps)
    dnnl_post_ops_destroy(postOps);
  dnnl_primitive_attr_destroy(attr);
  return matmul;
}

/// The calling thread's primitive of a shape, made on its first call.
/// Per thread: Debian's oneDNN is built without concurrent execution, so a
/// primitive's scratchpad is its own and it must run on the thread that
/// made it (dnnl_types.h, dnnl_scratchpad_mode_library); and its OpenMP
/// thread count is the one of the device thread that made it.
const Matmul &matmulFor(const Shape &shape) {
  thread_local std::map<Shape, Matmul> primitives;
  auto found = primitives.find(shape);
  if (found == primitives.end())
    found = primitives.emplace(shape, makeMatmul(shape)).first;
  return found->second;
}

dnnl_memory_t wrap(const dnnl_memory_desc_t &desc, const void *data) {
  dnnl_memory_t memory = nullptr;
  check(dnnl_memory_create(&memory, &desc, alexrt::onednn::engine(),
                           const_cast<void *>(data)),
        "dnnl_memory_create");
  return memory;
}

} // namespace

extern "C" void alexrt_gemm_bf16(int32_t transposeA, int32_t transposeB,
                                 int64_t m, int64_t n, int64_t k, float alpha,
                                 const uint16_t *a, int64_t lda,
                                 const uint16_t *b, int64_t ldb, float beta,
                                 float *c, int64_t ldc) {
  const Matmul &matmul = matmulFor(
      {transposeA != 0, transposeB != 0, m, n, k, lda, ldb, ldc, alpha, beta});
  dnnl_memory_t aMemory = wrap(matmul.a, a), bMemory = wrap(matmul.b, b),
                cMemory = wrap(matmul.c, c);
  dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, aMemory},
                            {DNNL_ARG_WEIGHTS, bMemory},
                            {DNNL_ARG_DST, cMemory}};
  dnnl_stream_t stream = alexrt::onednn::threadStream();
  check(dnnl_primitive_execute(matmul.primitive, stream, 3, args),
        "dnnl_primitive_execute");
  check(dnnl_stream_wait(stream), "dnnl_stream_wait");
  for (dnnl_memory_t memory : {aMemory, bMemory, cMemory})
    dnnl_memory_destroy(memory);
}

bool alexrt::cpuHasBf16() {
  // ISAs are bit sets, each containing those below it.
  unsigned isa = dnnl_get_effective_cpu_isa(),
           bf16 = dnnl_cpu_isa_avx512_core_bf16;
  return (isa & bf16) == bf16;
}
