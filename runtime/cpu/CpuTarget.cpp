//===- CpuTarget.cpp - the CPU target: host memory, devices as threads ----===//
//
// Device memory is host memory. Each logical device is a thread
// (runtime/devices/DevicePool.h); an exchange copies between the devices'
// buffers once every device has reached the barrier before it.
//
//===----------------------------------------------------------------------===//

#include "runtime/Target.h"
#include "runtime/alexrt.h"
#include "runtime/cpu/Blas.h"
#include "runtime/cpu/HeapBuffers.h"
#include "runtime/devices/DevicePool.h"
#include "runtime/model/ModelInfo.h"
#include "runtime/replicas/Communicator.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <thread>

using namespace alexrt;

const char *alexrt::targetName() { return "cpu"; }

Status alexrt::openTarget(const ModelInfo &model) {
  // bf16 products run on the CPU's bf16 instructions, never an emulation
  // passed off as bf16.
  if (convertsOperands(model.precision) && !cpuHasBf16())
    return Status::error(
        std::string("this binary computes its products in ") +
        precisionName(model.precision) +
        " and this CPU has neither AVX512_BF16 nor AMX (oneDNN's effective "
        "ISA, which ONEDNN_MAX_CPU_ISA may cap): compile the model with "
        "--precision=fp32; its weight files serve either precision");
  // The step's buffers, once they are known to fit.
  return allocateHeapBuffers(model.sessionBytes());
}

bool alexrt::deviceIsHost() { return true; }

void alexrt::runEntryPoint(void (*entry)(void **),
                           std::vector<void *> &buffers) {
  entry(buffers.data());
}

Status alexrt::openStepSums(Communicator &, int,
                            std::unique_ptr<Communicator> &out) {
  out = nullptr; // Device buffers are host memory: MPI sums them.
  return Status::success();
}

void *alexrt::allocateDevice(size_t bytes) {
  return std::aligned_alloc(64, (bytes + 63) / 64 * 64);
}

void alexrt::freeDevice(void *memory) { std::free(memory); }

void alexrt::copyToDevice(void *device, const void *host, size_t bytes) {
  std::memcpy(device, host, bytes);
}

void alexrt::copyToHost(void *host, const void *device, size_t bytes) {
  std::memcpy(host, device, bytes);
}

std::string alexrt::deviceDescription() {
  return std::to_string(std::thread::hardware_concurrency()) + " CPU cores";
}

static std::atomic<int64_t> exchangedBytes{0};

extern "C" void alexrt_run_devices(int32_t devices, void (**entries)(void **),
                                   void **buffers) {
  // The devices share the cores: each device's loops and GEMMs get its
  // share of the threads.
  runOnDevices(devices, [&](int device) {
    useDeviceShareOfThreads(devices);
    entries[device](buffers);
  });
}

extern "C" void alexrt_device_barrier(void) { waitForAllDevices(); }

extern "C" void alexrt_exchange_copy(float *dst, int64_t dstStride,
                                     const float *src, int64_t srcStride,
                                     int64_t chunk, int64_t count) {
  for (int64_t i = 0; i < count; ++i)
    std::memcpy(dst + i * dstStride, src + i * srcStride,
                size_t(chunk) * sizeof(float));
  exchangedBytes += chunk * count * int64_t(sizeof(float));
}

extern "C" int64_t alexrt_exchanged_bytes(void) { return exchangedBytes; }

extern "C" void *alexrt_global_memory(void *global, int64_t) { return global; }
