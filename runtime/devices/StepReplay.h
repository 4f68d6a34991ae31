//===- StepReplay.h - a step captured as a graph, or replayed ---*- C++ -*-===//
//
// The bookkeeping of runtime/cuda/CudaGraphs.cpp, kept apart from CUDA so
// it is tested on every machine: per entry point, the first call runs
// eagerly (it loads kernels and allocates workspaces, which a capture must
// not do), the next is captured, and later calls replay the capture unless
// their buffers differ from the ones it was made with.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_DEVICES_STEPREPLAY_H
#define ALEXRT_DEVICES_STEPREPLAY_H

#include <map>
#include <vector>

namespace alexrt {

/// What to do with one call of an entry point.
enum class ReplayAction {
  Eager,   ///< Run it as it is.
  Capture, ///< Capture it (replacing any earlier capture), then launch that.
  Replay,  ///< Launch the capture made earlier.
};

/// Decides, call by call, what each entry point's calls do.
class StepReplay {
public:
  using Entry = void (*)(void **);

  /// The action for a call of `entry` on `buffers`; with `enabled` false
  /// (graphs turned off) always Eager.
  ReplayAction next(Entry entry, const std::vector<void *> &buffers,
                    bool enabled);

private:
  struct State {
    int calls = 0;
    bool captured = false;
    std::vector<void *> buffers; ///< Those of the capture.
  };
  std::map<Entry, State> states;
};

} // namespace alexrt

#endif // ALEXRT_DEVICES_STEPREPLAY_H
