//===- FatalTest.cpp - a failure on any device thread ends the process ----===//
//
// The CPU target's devices (alexrt_run_devices, alexrt_device_barrier) as
// generated code drives them, with a failure on one device while the other
// waits at a barrier, works, or has finished: each must end the process
// with status 1 and the failing device's message, at once (a hang fails
// the lit test's timeout; `exit` would have joined the waiting thread).
//
//===----------------------------------------------------------------------===//

#include "runtime/support/Fatal.h"
#include "runtime/alexrt.h"
#include "runtime/devices/DevicePool.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace alexrt;

namespace {

/// What each device of a test step does, by buffers[0] (a Script).
struct Script {
  int failing;       ///< The device that fails.
  bool barrierFirst; ///< The others wait at a barrier (else they work on).
  bool failLate;     ///< The failing device fails after the others are done.
};

void deviceStep(void **buffers) {
  const Script &script = *static_cast<const Script *>(buffers[0]);
  using namespace std::chrono_literals;
  if (currentDevice() == script.failing) {
    if (script.failLate)
      std::this_thread::sleep_for(200ms);
    fatal("cuBLAS: cublasSgemm failed: CUBLAS_STATUS_EXECUTION_FAILED");
  }
  if (script.barrierFirst)
    alexrt_device_barrier();
  else if (!script.failLate)
    std::this_thread::sleep_for(30s); // Still working when the other fails.
}

void runStep(Script script) {
  void (*entries[2])(void **) = {deviceStep, deviceStep};
  void *buffers[] = {&script};
  alexrt_run_devices(2, entries, buffers);
}

class Fatal : public ::testing::Test {
protected:
  // Each death test in a fresh process: the device threads of earlier
  // tests must not be forked half-way.
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

const char *const kMessage =
    "error: device [01] of 2: cuBLAS: cublasSgemm failed: "
    "CUBLAS_STATUS_EXECUTION_FAILED";

} // namespace

TEST_F(Fatal, Device1FailsWhileDevice0WaitsAtABarrier) {
  EXPECT_EXIT(runStep({1, true, false}), ::testing::ExitedWithCode(1),
              "error: device 1 of 2: cuBLAS: cublasSgemm failed");
}

TEST_F(Fatal, Device0FailsWhileDevice1WaitsAtABarrier) {
  EXPECT_EXIT(runStep({0, true, false}), ::testing::ExitedWithCode(1),
              "error: device 0 of 2: cuBLAS: cublasSgemm failed");
}

TEST_F(Fatal, Device0FailsWhileDevice1Works) {
  EXPECT_EXIT(runStep({0, false, false}), ::testing::ExitedWithCode(1),
              kMessage);
}

TEST_F(Fatal, Device1FailsAfterDevice0IsDone) {
  EXPECT_EXIT(runStep({1, false, true}), ::testing::ExitedWithCode(1),
              "error: device 1 of 2: cuBLAS");
}

TEST_F(Fatal, OneDeviceNamesNoDevice) {
  EXPECT_EXIT(fatal("oneDNN refused a GEMM", 3), ::testing::ExitedWithCode(3),
              "^error: oneDNN refused a GEMM\n$");
}

/// Both devices fail at about the same time.
static void bothFail() {
  void (*entries[2])(void **) = {[](void **) { fatal("both"); },
                                 [](void **) { fatal("both"); }};
  void *buffers[] = {nullptr};
  alexrt_run_devices(2, entries, buffers);
}

TEST_F(Fatal, TheFirstOfTwoFailuresIsPrintedAlone) {
  // One message, whole, then the end.
  EXPECT_EXIT(bothFail(), ::testing::ExitedWithCode(1),
              "^error: device [01] of 2: both\n$");
}
