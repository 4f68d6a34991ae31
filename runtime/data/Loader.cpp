//===- Loader.cpp - batches made ahead of the training step ---------------===//

#include "runtime/data/Loader.h"

#include <algorithm>
#include <chrono>

using namespace alexrt;

Loader::Loader(int64_t items, size_t imageFloats, size_t labelCount,
               int threads, int depth, Fill fill)
    : items(items), fill(std::move(fill)),
      slots(size_t(threads > 0 ? std::max(2, depth) : 1)) {
  for (Slot &slot : slots) {
    slot.images.resize(imageFloats);
    slot.labels.resize(labelCount);
  }
  for (int i = 0; i < threads; ++i)
    workers.emplace_back([this] { work(); });
}

Loader::~Loader() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  released.notify_all();
  for (std::thread &worker : workers)
    worker.join();
}

void Loader::work() {
  int64_t depth = int64_t(slots.size());
  for (;;) {
    int64_t item;
    {
      std::unique_lock<std::mutex> lock(mutex);
      // The consumer holds item consumed - 1; the other slots are free.
      released.wait(lock, [&] {
        return stopping ||
               (nextToClaim < items && nextToClaim < consumed - 1 + depth);
      });
      if (stopping)
        return;
      item = nextToClaim++;
    }
    Slot &slot = slots[size_t(item % depth)];
    Status status = fill(item, slot.images.data(), slot.labels.data());
    {
      std::lock_guard<std::mutex> lock(mutex);
      slot.status = status;
      slot.item = item;
    }
    filled.notify_all();
  }
}

Status Loader::next(const float *&images, const int32_t *&labels) {
  int64_t item;
  Slot *slot;
  {
    std::unique_lock<std::mutex> lock(mutex);
    item = consumed++;
    slot = &slots[size_t(item % int64_t(slots.size()))];
  }
  if (item >= items)
    return Status::error("the loader ran past its last item");
  if (workers.empty()) {
    slot->status = fill(item, slot->images.data(), slot->labels.data());
  } else {
    released.notify_all(); // the previous item's slot is free again
    auto start = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mutex);
    filled.wait(lock, [&] { return slot->item == item; });
    waited +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  }
  images = slot->images.data();
  labels = slot->labels.data();
  return slot->status;
}

int alexrt::defaultLoaderThreads(int stepThreads) {
  int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores - stepThreads);
}
