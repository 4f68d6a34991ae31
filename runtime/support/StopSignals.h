//===- StopSignals.h - Ctrl-C and preemption stop training ------*- C++ -*-===//
//
// A cluster preempts a job with SIGTERM, a user stops one with Ctrl-C
// (SIGINT): `train` finishes its step, writes a checkpoint that resumes
// mid-epoch bit-exactly, and exits with 128 + the signal (130, 143). A
// second signal ends the process at once, as if no handler were there.
//
// No thread ever runs a signal handler: the signals stay blocked in every
// thread and one watcher thread takes them with sigwait(). A handler would
// push its frame at the interrupted thread's stack pointer, and oneDNN's
// JIT GEMM kernels (libdnnl 2.6, as Debian ships it) point rsp into a heap
// workspace while they run: a Ctrl-C there corrupted the heap (oneDNN
// issue 4845, fixed upstream by its PR 4855).
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_SUPPORT_STOPSIGNALS_H
#define ALEXRT_SUPPORT_STOPSIGNALS_H

namespace alexrt {

/// Blocks SIGINT and SIGTERM (but for a signal the process was started to
/// ignore) and starts the thread that waits for them. Call it first in
/// main, before any thread starts: threads inherit the blocked mask. Until
/// catchStopSignals, a signal ends the process as by default, removing the
/// temporary file of a weight file being written.
void watchStopSignals();

/// From now on the first signal asks to stop (stopRequested) instead of
/// ending the process. `sayWhenCaught`: the first signal prints that the
/// step will finish (replica 0 says it, not every replica).
void catchStopSignals(bool sayWhenCaught = true);

/// The signal that asked to stop (SIGINT or SIGTERM), or 0.
int stopRequested();

/// "SIGINT", "SIGTERM".
const char *signalName(int signal);

} // namespace alexrt

#endif // ALEXRT_SUPPORT_STOPSIGNALS_H
