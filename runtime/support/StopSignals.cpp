//===- StopSignals.cpp - Ctrl-C and preemption stop training cleanly ------===//

#include "runtime/support/StopSignals.h"

#include "runtime/support/Files.h"

#include <atomic>
#include <csignal>
#include <cstring>
#include <initializer_list>
#include <unistd.h>

using namespace alexrt;

namespace {
std::atomic<int> requested{0};
static_assert(std::atomic<int>::is_always_lock_free,
              "a signal handler may only touch lock-free atomics");

std::atomic<bool> quiet{false};

void onStopSignal(int signal) {
  int none = 0;
  if (!requested.compare_exchange_strong(none, signal)) {
    // The second: as if never caught, but no half-written checkpoint left
    // beside the last whole one.
    if (const char *temporary = temporaryFileBeingWritten(); temporary[0])
      ::unlink(temporary);
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  if (quiet.load())
    return;
  // write(2) is async-signal-safe; stdio is not.
  static const char message[] =
      "\nstopping after this step to write a checkpoint (signal again to "
      "stop at once)\n";
  ssize_t ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
  (void)ignored;
}
} // namespace

void alexrt::catchStopSignals(bool sayWhenCaught) {
  quiet.store(!sayWhenCaught);
  struct sigaction action, previous;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART; // Reads and waits carry on.
  for (int signal : {SIGINT, SIGTERM}) {
    // A signal the process was started to ignore (a background job's
    // SIGINT) stays ignored.
    if (::sigaction(signal, nullptr, &previous) == 0 &&
        previous.sa_handler == SIG_IGN)
      continue;
    ::sigaction(signal, &action, nullptr);
  }
}

int alexrt::stopRequested() { return requested.load(); }

const char *alexrt::signalName(int signal) {
  return signal == SIGINT    ? "SIGINT"
         : signal == SIGTERM ? "SIGTERM"
                             : "a signal";
}
