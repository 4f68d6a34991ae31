//===- DevicePool.h - logical devices as threads -------------- -*- C++ -*-===//

#ifndef ALEXRT_DEVICES_DEVICEPOOL_H
#define ALEXRT_DEVICES_DEVICEPOOL_H

#include <functional>

namespace alexrt {

/// Runs work(d) for every device d in [0, devices) at once, each on its own
/// thread (device 0 on the caller's; the others on workers started once
/// and kept), and returns when all have.
void runOnDevices(int devices, const std::function<void(int)> &work);

/// Waits until every device of the current runOnDevices has called it.
void waitForAllDevices();

/// The device the calling thread runs (0 outside runOnDevices).
int currentDevice();

/// The devices of the runOnDevices the calling thread takes part in (1
/// outside one).
int currentDeviceCount();

} // namespace alexrt

#endif // ALEXRT_DEVICES_DEVICEPOOL_H
