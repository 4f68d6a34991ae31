//===- Progress.h - a progress bar for long loops ---------------*- C++ -*-===//

#ifndef ALEXRT_SUPPORT_PROGRESS_H
#define ALEXRT_SUPPORT_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace alexrt {

/// `[=====>      ] 120/468 loss 0.53 acc 81.2% 1234 img/s` on stderr:
/// redrawn in place on a terminal; otherwise (a log file) a line every
/// five seconds at most, and the last one, so logs stay short.
class Progress {
public:
  Progress(std::string label, int64_t total)
      : label(std::move(label)), total(total), start(Clock::now()),
        lastDraw(start), terminal(::isatty(STDERR_FILENO)) {}

  /// Whether bars are drawn (replicas other than 0 draw none).
  static bool &shown() {
    static bool drawn = true;
    return drawn;
  }

  /// Reports `done` of `total`, with `status` after the bar.
  void update(int64_t done, const std::string &status) {
    if (!shown())
      return;
    auto now = Clock::now();
    bool last = done == total;
    auto interval = terminal ? std::chrono::milliseconds(200)
                             : std::chrono::milliseconds(5000);
    if (!last && now - lastDraw < interval)
      return;
    lastDraw = now;
    const int width = 24;
    int filled = int(done * width / total);
    std::string bar(size_t(filled), '=');
    if (filled < width)
      bar += '>' + std::string(size_t(width - filled - 1), ' ');
    std::fprintf(stderr, "%s%s [%s] %lld/%lld %s%s", terminal ? "\r" : "",
                 label.c_str(), bar.c_str(), (long long)done, (long long)total,
                 status.c_str(), terminal && !last ? "" : "\n");
    std::fflush(stderr);
  }

  double seconds() const {
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

private:
  using Clock = std::chrono::steady_clock;
  std::string label;
  int64_t total;
  Clock::time_point start, lastDraw;
  bool terminal;
};

} // namespace alexrt

#endif // ALEXRT_SUPPORT_PROGRESS_H
