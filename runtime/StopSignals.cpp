//===- StopSignals.cpp - Ctrl-C and preemption stop training cleanly ------===//

#include "runtime/StopSignals.h"

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

void onStopSignal(int signal) {
  int none = 0;
  if (!requested.compare_exchange_strong(none, signal)) {
    // The second: as if never caught.
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  // write(2) is async-signal-safe; stdio is not.
  static const char message[] =
      "\nstopping after this step to write a checkpoint (signal again to "
      "stop at once)\n";
  ssize_t ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
  (void)ignored;
}
} // namespace

void alexrt::catchStopSignals() {
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART; // Reads and waits carry on.
  for (int signal : {SIGINT, SIGTERM})
    ::sigaction(signal, &action, nullptr);
}

int alexrt::stopRequested() { return requested.load(); }

const char *alexrt::signalName(int signal) {
  return signal == SIGINT    ? "SIGINT"
         : signal == SIGTERM ? "SIGTERM"
                             : "a signal";
}
