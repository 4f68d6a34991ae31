//===- StopSignals.h - Ctrl-C and preemption stop training ------*- C++ -*-===//
//
// A cluster preempts a job with SIGTERM, a user stops one with Ctrl-C
// (SIGINT): `train` finishes its step, writes a checkpoint that resumes
// mid-epoch bit-exactly, and exits with 128 + the signal (130, 143). A
// second signal ends the process at once, as if no handler were there.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_SUPPORT_STOPSIGNALS_H
#define ALEXRT_SUPPORT_STOPSIGNALS_H

namespace alexrt {

/// Installs the handlers of SIGINT and SIGTERM (once is enough), but for a
/// signal the process was started to ignore. `sayWhenCaught`: the first
/// signal prints that the step will finish (replica 0 says it, not every
/// replica).
void catchStopSignals(bool sayWhenCaught = true);

/// The signal that asked to stop (SIGINT or SIGTERM), or 0.
int stopRequested();

/// "SIGINT", "SIGTERM".
const char *signalName(int signal);

} // namespace alexrt

#endif // ALEXRT_SUPPORT_STOPSIGNALS_H
