//===- Devices.cpp - logical devices as threads on the CPU ----------------===//
//
// Each device of a partitioned step runs on its own thread: device 0 on the
// caller's, the others on workers started once and kept. Exchanges are
// copies between the devices' buffers between two barrier points.
//
//===----------------------------------------------------------------------===//

#include "runtime/alexrt.h"

#include "runtime/Blas.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace {

/// A reusable barrier for `count` threads.
class Barrier {
public:
  void reset(int count) { expected = count; }
  void wait() {
    std::unique_lock<std::mutex> lock(mutex);
    uint64_t generation = this->generation;
    if (++arrived == expected) {
      arrived = 0;
      ++this->generation;
      changed.notify_all();
      return;
    }
    changed.wait(lock, [&] { return this->generation != generation; });
  }

private:
  std::mutex mutex;
  std::condition_variable changed;
  int expected = 1, arrived = 0;
  uint64_t generation = 0;
};

/// The worker threads of devices 1..n-1 and the work they are given.
class DevicePool {
public:
  ~DevicePool() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
      ++round;
    }
    wake.notify_all();
    for (std::thread &worker : workers)
      worker.join();
  }

  void run(int devices, void (**entries)(void **), void **buffers) {
    if (devices == 1) {
      entries[0](buffers);
      return;
    }
    start(devices);
    barrier.reset(devices); // Before any device can reach it.
    {
      std::lock_guard<std::mutex> lock(mutex);
      this->entries = entries;
      this->buffers = buffers;
      this->devices = devices;
      pending = devices - 1;
      ++round;
    }
    wake.notify_all();
    entries[0](buffers);
    std::unique_lock<std::mutex> lock(mutex);
    done.wait(lock, [&] { return pending == 0; });
  }

  Barrier barrier;

private:
  void start(int count) {
    if (int(workers.size()) + 1 >= count)
      return;
    // The devices share the cores: each device's GEMMs get its share.
    alexrt::setBlasThreads(
        std::max(1, int(std::thread::hardware_concurrency()) / count));
    while (int(workers.size()) + 1 < count) {
      int device = int(workers.size()) + 1;
      workers.emplace_back([this, device] { work(device); });
    }
  }

  void work(int device) {
    uint64_t seen = 0;
    while (true) {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, [&] { return round != seen; });
      seen = round;
      if (stopping)
        return;
      if (device >= devices)
        continue;
      void (*entry)(void **) = entries[device];
      void **args = buffers;
      lock.unlock();
      entry(args);
      lock.lock();
      if (--pending == 0)
        done.notify_all();
    }
  }

  std::mutex mutex;
  std::condition_variable wake, done;
  std::vector<std::thread> workers;
  void (**entries)(void **) = nullptr;
  void **buffers = nullptr;
  int devices = 1, pending = 0;
  uint64_t round = 0;
  bool stopping = false;
};

DevicePool &pool() {
  static DevicePool instance;
  return instance;
}

std::atomic<int64_t> exchangedBytes{0};

} // namespace

extern "C" void alexrt_run_devices(int32_t devices, void (**entries)(void **),
                                   void **buffers) {
  pool().run(devices, entries, buffers);
}

extern "C" void alexrt_device_barrier(void) { pool().barrier.wait(); }

extern "C" void alexrt_exchange_copy(float *dst, int64_t dstStride,
                                     const float *src, int64_t srcStride,
                                     int64_t chunk, int64_t count) {
  for (int64_t i = 0; i < count; ++i)
    std::memcpy(dst + i * dstStride, src + i * srcStride,
                size_t(chunk) * sizeof(float));
  exchangedBytes += chunk * count * int64_t(sizeof(float));
}

extern "C" int64_t alexrt_exchanged_bytes(void) { return exchangedBytes; }
