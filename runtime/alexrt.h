/*===- alexrt.h - the C ABI that alexc-generated code calls ---------------===*
 *
 * Generated code calls these functions; with the mgpu* functions of
 * runtime/cuda/Mgpu.h (CUDA target) they are the only symbols the
 * compiler's output may depend on. All matrices are row-major float32.
 * Pointers are device memory: host memory on the CPU target, GPU memory
 * on the CUDA target. libalexrt_cpu and libalexrt_cuda implement them.
 * The runtime links no MLIR or LLVM and builds without a GPU.
 *
 *===----------------------------------------------------------------------===*/

#ifndef ALEXRT_H
#define ALEXRT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* C = alpha * op(A) * op(B) + beta * C, row-major, op(X) = X or X^T.
 * op(A) is m x k, op(B) is k x n, C is m x n; lda, ldb and ldc are the row
 * strides (in elements) of A, B and C as stored. Backed by oneDNN on the
 * CPU, cuBLAS on the stream of the calling device on the CUDA target
 * (TF32 tensor cores if the model was compiled with --precision=tf32). */
void alexrt_sgemm(int32_t transpose_a, int32_t transpose_b, int64_t m,
                  int64_t n, int64_t k, float alpha, const float *a,
                  int64_t lda, const float *b, int64_t ldb, float beta,
                  float *c, int64_t ldc);

/* alexrt_sgemm with bfloat16 operands (the upper 16 bits of a float32, as
 * uint16_t) and float32 C and accumulation: C = alpha * op(A) * op(B) +
 * beta * C, row-major, the same shapes and strides. For --precision=bf16:
 * the compiler rounds float32 operands to bf16 (to nearest even) in their
 * own layout and calls this. oneDNN's bf16 matmul on CPUs with AVX512_BF16
 * or AMX (cpuHasBf16 in runtime/cpu/Blas.h says whether this one has
 * them), cuBLAS's bf16 GEMM with fp32 compute on the CUDA target. */
void alexrt_gemm_bf16(int32_t transpose_a, int32_t transpose_b, int64_t m,
                      int64_t n, int64_t k, float alpha, const uint16_t *a,
                      int64_t lda, const uint16_t *b, int64_t ldb, float beta,
                      float *c, int64_t ldc);

/* Convolutions of packed float32 tensors, for the GPU targets' steps
 * (alexc --convolutions=library): input N x C x H x W, filters
 * O x (C / groups) x K x K, output N x O x OH x OW, one stride and padding
 * for both dimensions, no bias. forward: y = x convolved with w;
 * backward_data: dx, the gradient of x given dy; backward_filter: dw, the
 * gradient of w. Each overwrites its output. cuDNN on the stream of the
 * calling device on the CUDA target (TF32 as for alexrt_sgemm); im2col and
 * alexrt_sgemm an image at a time on the CPU (the CUDA target's CPU
 * twin). */
#define ALEXRT_CONV2D_SHAPE                                                    \
  int64_t batch, int64_t channels, int64_t height, int64_t width,              \
      int64_t filters, int64_t kernel, int64_t out_height, int64_t out_width,  \
      int64_t stride, int64_t pad, int64_t groups
void alexrt_conv2d_forward(const float *x, const float *w, float *y,
                           ALEXRT_CONV2D_SHAPE);
void alexrt_conv2d_backward_data(const float *dy, const float *w, float *dx,
                                 ALEXRT_CONV2D_SHAPE);
void alexrt_conv2d_backward_filter(const float *x, const float *dy, float *dw,
                                   ALEXRT_CONV2D_SHAPE);

/* The same three convolutions with bfloat16 inputs (packed, as uint16_t,
 * rounded by the caller) and float32 outputs, accumulated in float32: the
 * CPU target's convolutions for --precision=bf16, on oneDNN's direct bf16
 * convolutions (CPUs with AVX512_BF16 or AMX: cpuHasBf16). CPU only: the
 * GPU targets convolve bf16 as im2col and alexrt_gemm_bf16, since cuDNN's
 * bf16 convolutions write bf16 outputs. */
void alexrt_conv2d_forward_bf16(const uint16_t *x, const uint16_t *w, float *y,
                                ALEXRT_CONV2D_SHAPE);
void alexrt_conv2d_backward_data_bf16(const uint16_t *dy, const uint16_t *w,
                                      float *dx, ALEXRT_CONV2D_SHAPE);
void alexrt_conv2d_backward_filter_bf16(const uint16_t *x, const uint16_t *dy,
                                        float *dw, ALEXRT_CONV2D_SHAPE);

/* Logical devices (alexc compile --devices=N; see --alex-partition). Each
 * device is driven by a host thread with its own buffers; on the CPU it
 * computes there, on the CUDA target it issues work to its own stream.
 *
 * alexrt_run_devices runs entries[d](buffers) for every device d at once
 * (device 0 on the calling thread) and returns when all have. */
void alexrt_run_devices(int32_t devices, void (**entries)(void **),
                        void **buffers);
/* Waits until every device of the current alexrt_run_devices has called
 * it: an exchange's parts are complete once all devices arrive. */
void alexrt_device_barrier(void);
/* Copies count chunks of `chunk` floats from another device's memory
 * (src, rows src_stride floats apart) to this device's (dst, rows
 * dst_stride apart), adding the bytes to the exchange counter. */
void alexrt_exchange_copy(float *dst, int64_t dst_stride, const float *src,
                          int64_t src_stride, int64_t chunk, int64_t count);
/* Bytes alexrt_exchange_copy has moved since the process started. */
int64_t alexrt_exchanged_bytes(void);

/* Data-parallel replicas (alexc compile --replicas=R; --alex-replicate).
 * alexrt_replica_index is this process's replica, 0 .. R-1.
 * alexrt_replica_sum_start starts summing `count` floats of device memory
 * at `data` over every replica, in place, then scaling them by `scale`;
 * the buffer belongs to the runtime until alexrt_replica_sum_wait(bucket)
 * returns, which waits for every sum the calling device started in
 * `bucket`. Afterwards every replica holds the same bits. A failure ends
 * the whole job. */
int32_t alexrt_replica_index(void);
void alexrt_replica_sum_start(int32_t bucket, float *data, int64_t count,
                              float scale);
void alexrt_replica_sum_wait(int32_t bucket);

/* The step's work from here on belongs to profile region `region` (an
 * index into the descriptor's `profile`; -1: the step ends). Called by CPU
 * steps (--alex-profile-layers); see runtime/cpu/Profile.h. */
void alexrt_profile_mark(int32_t region);

/* A count that changes whenever the runtime writes the parameters outside
 * a step (initialization, loading a checkpoint, --init, import), never 0.
 * The CPU target's bf16 steps keep bf16 copies of their weights between
 * steps, each stamped with the count it was made at (0 before), and remake
 * a copy whose stamp differs (see --alex-lower-to-loops). */
int64_t alexrt_parameters_generation(void);

/* The device memory standing for the static buffer `global` of `bytes`
 * bytes (a workspace or exchange buffer; see --alex-device-globals): the
 * global itself on the CPU, GPU memory allocated on first use on CUDA. */
void *alexrt_global_memory(void *global, int64_t bytes);

/* Provided by the object alexc generates (see
 * passes/lowering/EmitEntryPoints.cpp and --alex-lower-to-loops for the
 * buffer order):
 *  - alex_model_descriptor[alex_model_descriptor_size]: a FlatBuffer of
 *    runtime/schemas/model.fbs describing parameters, input and recipe;
 *  - alex_forward(buffers): parameters..., images, labels, loss, logits;
 *  - alex_train_step(buffers): parameters..., momenta..., images, labels,
 *    step (int64), learning rate (float), loss, logits.
 *  With N devices both run the N device functions through
 *  alexrt_run_devices.
 * Images are float32 N x C x H x W, labels int32, loss one float32. */
extern const uint8_t alex_model_descriptor[];
extern const int64_t alex_model_descriptor_size;
void alex_forward(void **buffers);
void alex_train_step(void **buffers);
/* The step's buffers of a CPU-target binary (--alex-heap-globals): for
 * each, the address of the pointer the generated code reads it through
 * and its bytes; the runtime allocates them before the first step
 * (runtime/cpu/HeapBuffers.h). Weak: CUDA binaries have none. */
struct alexrt_heap_buffer {
  void **pointer;
  int64_t bytes;
};
extern const struct alexrt_heap_buffer alex_heap_buffers[]
    __attribute__((weak));
extern const int64_t alex_heap_buffer_count __attribute__((weak));
/* The last hidden layer's activations of a batch (--alex-build-features):
 * parameters..., images, labels, features (batch x width). Weak: binaries
 * made from IR without @features lack it. */
void alex_features(void **buffers) __attribute__((weak));

#ifdef __cplusplus
}
#endif

#endif /* ALEXRT_H */
