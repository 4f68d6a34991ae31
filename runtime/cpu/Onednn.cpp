//===- Onednn.cpp - oneDNN's engine and streams for the CPU ---------------===//

#include "runtime/cpu/Onednn.h"

#include "runtime/support/Fatal.h"

#include <string>

/// Ends the process if making the engine or a stream failed.
static void check(dnnl_status_t status, const char *call) {
  if (status != dnnl_success)
    alexrt::fatal(std::string("oneDNN's ") + call + " failed (status " +
                  std::to_string(int(status)) + ")");
}

dnnl_engine_t alexrt::onednn::engine() {
  static dnnl_engine_t engine = [] {
    dnnl_engine_t created = nullptr;
    check(dnnl_engine_create(&created, dnnl_cpu, 0), "dnnl_engine_create");
    return created;
  }();
  return engine;
}

dnnl_stream_t alexrt::onednn::threadStream() {
  thread_local dnnl_stream_t stream = [] {
    dnnl_stream_t created = nullptr;
    check(dnnl_stream_create(&created, engine(), dnnl_stream_default_flags),
          "dnnl_stream_create");
    return created;
  }();
  return stream;
}
