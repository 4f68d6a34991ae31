//===- Profile.cpp - time per layer and phase of an instrumented step -----===//

#include "runtime/cpu/Profile.h"

#include "runtime/alexrt.h"
#include "runtime/devices/DevicePool.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

using namespace alexrt;

namespace {
using Clock = std::chrono::steady_clock;

std::atomic<bool> profiling{false};
/// Seconds per device and region; each device's thread writes its own row.
std::vector<std::vector<double>> seconds;

/// The region a thread is in and since when.
struct ThreadMark {
  int32_t region = -1;
  Clock::time_point since;
};
thread_local ThreadMark mark;
} // namespace

void alexrt::startProfile(int64_t regions, int64_t devices) {
  seconds.assign(size_t(devices), std::vector<double>(size_t(regions), 0.0));
  profiling.store(true, std::memory_order_release);
}

void alexrt::stopProfile() {
  profiling.store(false, std::memory_order_release);
}

double alexrt::profiledSeconds(int64_t device, int64_t region) {
  if (device >= int64_t(seconds.size()) ||
      region >= int64_t(seconds[size_t(device)].size()))
    return 0;
  return seconds[size_t(device)][size_t(region)];
}

extern "C" void alexrt_profile_mark(int32_t region) {
  if (!profiling.load(std::memory_order_acquire))
    return;
  Clock::time_point now = Clock::now();
  size_t device = size_t(currentDevice());
  if (mark.region >= 0 && device < seconds.size() &&
      size_t(mark.region) < seconds[device].size())
    seconds[device][size_t(mark.region)] +=
        std::chrono::duration<double>(now - mark.since).count();
  mark.region = region;
  mark.since = now;
}

std::string alexrt::profileTable(const ModelInfo &model, int64_t steps,
                                 double stepSeconds) {
  struct Row {
    std::string layer;
    double ms[3] = {0, 0, 0}; ///< forward, backward, update
    int64_t flops = 0;
  };
  std::vector<Row> rows;
  std::map<std::string, size_t> rowOf;
  double charged = 0;
  int64_t totalFlops = 0;
  for (size_t r = 0; r < model.profile.size(); ++r) {
    const ModelInfo::ProfileRegion &region = model.profile[r];
    auto [it, added] = rowOf.try_emplace(region.layer, rows.size());
    if (added)
      rows.push_back({region.layer});
    Row &row = rows[it->second];
    int phase = region.phase == "forward"    ? 0
                : region.phase == "backward" ? 1
                                             : 2;
    double ms = 1e3 * profiledSeconds(0, int64_t(r)) / double(steps);
    row.ms[phase] += ms;
    row.flops += region.flops;
    charged += ms;
    totalFlops += region.flops;
  }
  double stepMs = 1e3 * stepSeconds;
  std::string table;
  char line[160];
  auto add = [&](const char *layer, const std::string &fwd,
                 const std::string &bwd, const std::string &upd, double ms,
                 int64_t flops) {
    std::string mflop = "-", rate = "-";
    if (flops > 0) {
      char text[32];
      std::snprintf(text, sizeof text, "%.1f", double(flops) / 1e6);
      mflop = text;
      std::snprintf(text, sizeof text, "%.1f", double(flops) / (ms * 1e6));
      rate = text;
    }
    std::snprintf(line, sizeof line,
                  "%-14s %10s %10s %10s %10.3f %6.1f%% %11s %9s\n", layer,
                  fwd.c_str(), bwd.c_str(), upd.c_str(), ms, 100 * ms / stepMs,
                  mflop.c_str(), rate.c_str());
    table += line;
  };
  auto number = [](double value, const char *format) {
    char text[32];
    std::snprintf(text, sizeof text, format, value);
    return std::string(text);
  };
  std::snprintf(line, sizeof line, "%-14s %10s %10s %10s %10s %7s %11s %9s\n",
                "layer", "fwd ms", "bwd ms", "update ms", "total ms", "share",
                "MFLOP", "GFLOP/s");
  table += line;
  for (const Row &row : rows)
    add(row.layer.c_str(), number(row.ms[0], "%.3f"), number(row.ms[1], "%.3f"),
        number(row.ms[2], "%.3f"), row.ms[0] + row.ms[1] + row.ms[2],
        row.flops);
  add("(between)", "", "", "", std::max(0.0, stepMs - charged), 0);
  add("step", "", "", "", stepMs, totalFlops);
  return table;
}