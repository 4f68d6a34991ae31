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

/// Blocks SIGINT and SIGTERM in the calling thread (but for a signal the
/// process was started to ignore), once: before any thread starts, so
/// that every thread inherits the mask. A compiled binary does it in a
/// constructor that runs before the generated code's (the CUDA target
/// loads its kernels there, and the driver may start threads).
void blockStopSignals();

/// blockStopSignals, then starts the thread that waits for the signals
/// (named alex-signals). Until catchStopSignals, a signal ends the process
/// as by default, removing the temporary file of a file being written.
void watchStopSignals();

/// From now on the first signal asks to stop (stopRequested) instead of
/// ending the process. `sayWhenCaught`: the first signal prints that the
/// step will finish (replica 0 says it, not every replica).
void catchStopSignals(bool sayWhenCaught = true);

/// A signal ends the process as by default again (training is over).
void endCatchingStopSignals();

/// The signal that asked to stop (SIGINT or SIGTERM), or 0.
int stopRequested();

/// "SIGINT", "SIGTERM".
const char *signalName(int signal);

} // namespace alexrt

#endif // ALEXRT_SUPPORT_STOPSIGNALS_H
