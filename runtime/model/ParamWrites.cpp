//===- ParamWrites.cpp - counting the runtime's parameter writes ----------===//

#include "runtime/model/ParamWrites.h"

#include "runtime/alexrt.h"

#include <atomic>

namespace {
/// Starts at 1: copies start stamped 0 (zeroed memory), so the first step
/// of a process makes them.
std::atomic<int64_t> generation{1};
} // namespace

void alexrt::parametersWritten() {
  generation.fetch_add(1, std::memory_order_release);
}

extern "C" int64_t alexrt_parameters_generation(void) {
  return generation.load(std::memory_order_acquire);
}
