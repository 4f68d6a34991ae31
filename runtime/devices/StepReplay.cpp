//===- StepReplay.cpp - when a step is captured as a graph or replayed ----===//

#include "runtime/devices/StepReplay.h"

using namespace alexrt;

ReplayAction StepReplay::next(Entry entry, const std::vector<void *> &buffers,
                              bool enabled) {
  State &state = states[entry];
  if (!enabled || state.calls++ == 0)
    return ReplayAction::Eager;
  if (state.captured && state.buffers == buffers)
    return ReplayAction::Replay;
  state.captured = true;
  state.buffers = buffers;
  return ReplayAction::Capture;
}
