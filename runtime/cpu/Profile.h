//===- Profile.h - time per layer and phase of a step -----------*- C++ -*-===//
//
// CPU steps call alexrt_profile_mark where each layer's forward, backward
// or update work starts (--alex-profile-layers); while a profile runs, the
// time between two marks of a thread is charged to the first mark's region,
// per device. When no profile runs a mark costs one load and a branch.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_CPU_PROFILE_H
#define ALEXRT_CPU_PROFILE_H

#include "runtime/model/ModelInfo.h"

#include <cstdint>
#include <string>

namespace alexrt {

/// Clears the times and starts charging them (`regions` regions).
void startProfile(int64_t regions, int64_t devices);
void stopProfile();
/// Seconds charged to `region` on `device` since startProfile.
double profiledSeconds(int64_t device, int64_t region);

/// The per-layer table of a profile over `steps` steps of mean duration
/// `stepSeconds`, device 0's times: forward, backward and update
/// milliseconds per step, share of the step, MFLOP per step and GFLOP/s of
/// each layer (as `caffe time` prints it); "(between)" is the step's time
/// outside every region (entry, exchanges' bookkeeping, copies).
std::string profileTable(const ModelInfo &model, int64_t steps,
                         double stepSeconds);

} // namespace alexrt

#endif // ALEXRT_CPU_PROFILE_H
