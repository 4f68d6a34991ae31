//===- CudaDevices.cpp - logical devices as streams, exchanges as events --===//
//
// Each logical device is a host thread issuing its work, in order, to its
// own stream (on GPU d modulo the GPU count). Nothing in a step waits on
// the host: a barrier is an event per device and a wait of every other
// device's stream on it; an exchange is an asynchronous copy on the
// receiving device's stream. A step starts after device 0's stream has
// reached it (inputs copied in) and ends on device 0's stream.
//
//===----------------------------------------------------------------------===//

#include "runtime/alexrt.h"
#include "runtime/cuda/CudaContext.h"
#include "runtime/devices/DevicePool.h"

#include <atomic>

using namespace alexrt;
using namespace alexrt::cuda;

static std::atomic<int64_t> exchangedBytes{0};
static int runningDevices = 1;

extern "C" void alexrt_run_devices(int32_t devices, void (**entries)(void **),
                                   void **buffers) {
  DeviceContext &first = context(0);
  for (int d = 1; d < devices; ++d)
    context(d);
  // Device 0 ends each step on its own stream, so its `done` event can
  // mark where the others start: after the inputs were copied in.
  ALEXRT_CUDA(cudaEventRecord(first.done, first.stream));
  runningDevices = devices;
  runOnDevices(devices, [&](int device) {
    bindThread(device);
    DeviceContext &self = context(device);
    if (device > 0)
      ALEXRT_CUDA(cudaStreamWaitEvent(self.stream, first.done, 0));
    entries[device](buffers);
    if (device > 0)
      ALEXRT_CUDA(cudaEventRecord(self.done, self.stream));
  });
  bindThread(0);
  for (int d = 1; d < devices; ++d)
    ALEXRT_CUDA(cudaStreamWaitEvent(first.stream, context(d).done, 0));
}

extern "C" void alexrt_device_barrier(void) {
  int device = currentDevice();
  DeviceContext &self = context(device);
  // Two events per device, alternating: a device cannot record barrier
  // n + 2 before every other has passed barrier n + 1, and so has waited
  // on its record for barrier n.
  int slot = int(self.barriers++ % 2);
  ALEXRT_CUDA(cudaEventRecord(self.ready[slot], self.stream));
  waitForAllDevices();
  for (int other = 0; other < runningDevices; ++other)
    if (other != device)
      ALEXRT_CUDA(
          cudaStreamWaitEvent(self.stream, context(other).ready[slot], 0));
}

extern "C" void alexrt_exchange_copy(float *dst, int64_t dstStride,
                                     const float *src, int64_t srcStride,
                                     int64_t chunk, int64_t count) {
  size_t width = size_t(chunk) * sizeof(float);
  ALEXRT_CUDA(cudaMemcpy2DAsync(dst, size_t(dstStride) * sizeof(float), src,
                                size_t(srcStride) * sizeof(float), width,
                                size_t(count), cudaMemcpyDefault,
                                currentContext().stream));
  exchangedBytes += chunk * count * int64_t(sizeof(float));
}

extern "C" int64_t alexrt_exchanged_bytes(void) { return exchangedBytes; }

void alexrt::cuda::countExchangedBytes(int64_t bytes) {
  exchangedBytes += bytes;
}
