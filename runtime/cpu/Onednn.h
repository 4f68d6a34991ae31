//===- Onednn.h - oneDNN's engine and streams for the CPU -------*- C++ -*-===//
//
// alexrt_gemm_bf16 and alexrt_conv2d_*_bf16 make their primitives for one
// engine and run them on one stream per thread.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_CPU_ONEDNN_H
#define ALEXRT_CPU_ONEDNN_H

#include <oneapi/dnnl/dnnl.h>

namespace alexrt::onednn {

/// The process's CPU engine. Never destroyed: device threads' primitives,
/// made for it, outlive static destructors at exit (the device pool joins
/// its threads after them).
dnnl_engine_t engine();

/// The calling thread's stream (oneDNN streams are not shared between
/// threads), never destroyed either.
dnnl_stream_t threadStream();

} // namespace alexrt::onednn

#endif // ALEXRT_CPU_ONEDNN_H
