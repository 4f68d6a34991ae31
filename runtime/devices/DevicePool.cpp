//===- DevicePool.cpp - logical devices as threads, for every target ------===//
//
// Each device of a partitioned step is driven by its own host thread: on
// the CPU it computes there, on a GPU it launches its stream's work.
//
//===----------------------------------------------------------------------===//

#include "runtime/devices/DevicePool.h"

#include <condition_variable>
#include <cstdint>
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

  void run(int devices, const std::function<void(int)> &work) {
    if (devices == 1) {
      work(0);
      return;
    }
    thisDeviceCount = devices;
    start(devices);
    barrier.reset(devices); // Before any device can reach it.
    {
      std::lock_guard<std::mutex> lock(mutex);
      this->work = &work;
      this->devices = devices;
      pending = devices - 1;
      ++round;
    }
    wake.notify_all();
    work(0);
    std::unique_lock<std::mutex> lock(mutex);
    done.wait(lock, [&] { return pending == 0; });
    thisDeviceCount = 1;
  }

  Barrier barrier;

private:
  void start(int count) {
    while (int(workers.size()) + 1 < count) {
      int device = int(workers.size()) + 1;
      workers.emplace_back([this, device] { serve(device); });
    }
  }

  void serve(int device) {
    thisDevice = device;
    uint64_t seen = 0;
    while (true) {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, [&] { return round != seen; });
      seen = round;
      if (stopping)
        return;
      if (device >= devices)
        continue;
      const std::function<void(int)> *task = work;
      thisDeviceCount = devices;
      lock.unlock();
      (*task)(device);
      lock.lock();
      if (--pending == 0)
        done.notify_all();
    }
  }

  std::mutex mutex;
  std::condition_variable wake, done;
  std::vector<std::thread> workers;
  const std::function<void(int)> *work = nullptr;
  int devices = 1, pending = 0;
  uint64_t round = 0;
  bool stopping = false;

public:
  static thread_local int thisDevice, thisDeviceCount;
};

thread_local int DevicePool::thisDevice = 0;
thread_local int DevicePool::thisDeviceCount = 1;

DevicePool &pool() {
  static DevicePool instance;
  return instance;
}

} // namespace

void alexrt::runOnDevices(int devices, const std::function<void(int)> &work) {
  pool().run(devices, work);
}

void alexrt::waitForAllDevices() { pool().barrier.wait(); }

int alexrt::currentDevice() { return DevicePool::thisDevice; }

int alexrt::currentDeviceCount() { return DevicePool::thisDeviceCount; }
