//===- Fatal.cpp - ending the process from any thread, at once ------------===//

#include "runtime/support/Fatal.h"

#include "runtime/devices/DevicePool.h"
#include "runtime/replicas/Replicas.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

std::string alexrt::failurePlace() {
  std::string place;
  if (replicaCount() > 1)
    place = "replica " + std::to_string(replicaIndex()) + " of " +
            std::to_string(replicaCount());
  if (int devices = currentDeviceCount(); devices > 1)
    place += (place.empty() ? "" : ", ") + std::string("device ") +
             std::to_string(currentDevice()) + " of " + std::to_string(devices);
  return place;
}

void alexrt::fatal(const std::string &message, int code) {
  static std::atomic<bool> ending{false};
  if (ending.exchange(true)) {
    // Another thread is already ending the process; its message counts.
    for (;;)
      std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  std::string place = failurePlace();
  std::fprintf(stderr, "error: %s%s%s\n", place.c_str(),
               place.empty() ? "" : ": ", message.c_str());
  std::fflush(nullptr);
  // The other replicas would wait for this one forever.
  if (Communicator *job = replicaJob())
    job->abort(code);
  std::_Exit(code);
}
