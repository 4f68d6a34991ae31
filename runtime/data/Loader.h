//===- Loader.h - batches made ahead of the training step -------*- C++ -*-===//
//
// Worker threads fill numbered items (a batch of images and labels) into a
// ring of `depth` slots (at least 2): the consumer holds one, the workers
// fill the others ahead of it; the consumer takes items in order. What an item
// holds depends only on its number, so the result is the same for any number of
// threads; with no threads the consumer fills each item itself.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_DATA_LOADER_H
#define ALEXRT_DATA_LOADER_H

#include "runtime/support/Status.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace alexrt {

class Loader {
public:
  /// Fills item `item` into `images` and `labels`.
  using Fill =
      std::function<Status(int64_t item, float *images, int32_t *labels)>;

  /// `items` items of `imageFloats` floats and `labelCount` labels each,
  /// filled by `threads` workers (0: by next() itself) into `depth` slots.
  Loader(int64_t items, size_t imageFloats, size_t labelCount, int threads,
         int depth, Fill fill);
  Loader(const Loader &) = delete;
  Loader &operator=(const Loader &) = delete;
  ~Loader();

  /// The next item, in order; the pointers stay valid until the next call.
  /// An item whose fill failed returns its error.
  Status next(const float *&images, const int32_t *&labels);

  /// Seconds next() spent waiting for workers.
  double waitedSeconds() const { return waited; }

private:
  void work();
  struct Slot {
    std::vector<float> images;
    std::vector<int32_t> labels;
    int64_t item = -1; ///< The item it holds once filled.
    Status status;
  };
  int64_t items;
  Fill fill;
  std::vector<Slot> slots;
  std::vector<std::thread> workers;
  std::mutex mutex;
  std::condition_variable filled, released;
  int64_t nextToClaim = 0, consumed = 0;
  bool stopping = false;
  double waited = 0;
};

/// Loader threads that leave the training step its cores: all but
/// `stepThreads` of the machine's, at least one.
int defaultLoaderThreads(int stepThreads);

} // namespace alexrt

#endif // ALEXRT_DATA_LOADER_H
