//===- Fatal.h - ending the process from any thread, at once ----*- C++ -*-===//
//
// The one way the runtime gives up when it cannot go on (a failed CUDA,
// cuDNN, cuBLAS or NCCL call, a BLAS that refuses its arguments): generated
// code has no way to handle an error, and a failed call leaves the step
// undefined. `exit` would run static destructors, and the device pool's
// joins its worker threads: from a worker it aborts ("Resource deadlock
// avoided"), from device 0 while a worker waits at a barrier it never
// returns. fatal() runs no destructor: it says what failed and where, ends
// the replica job if there is one (every replica, not only this one), and
// ends the process with _Exit.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_SUPPORT_FATAL_H
#define ALEXRT_SUPPORT_FATAL_H

#include <string>

namespace alexrt {

/// Prints "error: [replica r of R, ][device d of D: ]MESSAGE" to stderr,
/// flushes stdout and stderr, and ends the process (and its replica job)
/// with `code`. Safe from any thread and from several at once: the first
/// caller's message is printed, later callers wait for the end.
[[noreturn]] void fatal(const std::string &message, int code = 1);

/// Where the calling thread is, for messages: "replica 1 of 2, device 0 of
/// 2" (empty for the one device of a one-replica job).
std::string failurePlace();

} // namespace alexrt

#endif // ALEXRT_SUPPORT_FATAL_H
