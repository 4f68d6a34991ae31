//===- StopSignals.cpp - Ctrl-C and preemption stop training cleanly ------===//

#include "runtime/support/StopSignals.h"

#include "runtime/support/Files.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <pthread.h>
#include <thread>
#include <unistd.h>

using namespace alexrt;

namespace {
std::atomic<int> requested{0};
std::atomic<bool> catching{false}, quiet{false};
/// The signals blocked (those not ignored at start), once blocked.
sigset_t watched;
bool blocked = false;

/// Ends the process by `signal` as its default action would, without the
/// half-written temporary file of a weight file beside the last whole one.
[[noreturn]] void endBy(int signal) {
  removeTemporaryFileBeforeExit();
  std::signal(signal, SIG_DFL);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, signal);
  // Unblocked in this thread alone, the raised signal is delivered here.
  pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
  std::raise(signal);
  _exit(128 + signal); // not reached: the default action ends the process
}

void watch(sigset_t signals) {
  pthread_setname_np(pthread_self(), "alex-signals");
  for (;;) {
    int signal = 0;
    if (sigwait(&signals, &signal) != 0)
      return; // Only an invalid set fails, and it always would.
    int none = 0;
    if (!catching.load() || !requested.compare_exchange_strong(none, signal))
      endBy(signal);
    if (!quiet.load())
      std::fputs("\nstopping after this step to write a checkpoint (signal "
                 "again to stop at once)\n",
                 stderr);
  }
}
} // namespace

void alexrt::blockStopSignals() {
  if (blocked)
    return;
  blocked = true;
  sigemptyset(&watched);
  for (int signal : {SIGINT, SIGTERM}) {
    // A signal the process was started to ignore (a background job's
    // SIGINT) stays ignored.
    struct sigaction current;
    if (::sigaction(signal, nullptr, &current) == 0 &&
        current.sa_handler != SIG_IGN)
      sigaddset(&watched, signal);
  }
  pthread_sigmask(SIG_BLOCK, &watched, nullptr);
}

void alexrt::watchStopSignals() {
  static bool started = false;
  if (started)
    return;
  started = true;
  blockStopSignals();
  if (!sigisemptyset(&watched)) // Both ignored: nothing to wait for.
    std::thread(watch, watched).detach();
}

void alexrt::catchStopSignals(bool sayWhenCaught) {
  quiet.store(!sayWhenCaught);
  catching.store(true);
}

void alexrt::endCatchingStopSignals() { catching.store(false); }

int alexrt::stopRequested() { return requested.load(); }

const char *alexrt::signalName(int signal) {
  return signal == SIGINT    ? "SIGINT"
         : signal == SIGTERM ? "SIGTERM"
                             : "a signal";
}
