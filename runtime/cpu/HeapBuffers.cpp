//===- HeapBuffers.cpp - a CPU step's buffers, allocated before it runs ---===//

#include "runtime/cpu/HeapBuffers.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sys/mman.h>

using namespace alexrt;

/// The object's table, or none.
static int64_t objectBufferCount() {
  return &alex_heap_buffer_count && alex_heap_buffers ? alex_heap_buffer_count
                                                      : 0;
}

static int64_t totalBytes(const alexrt_heap_buffer *table, int64_t count) {
  int64_t total = 0;
  for (int64_t i = 0; i < count; ++i)
    total += table[i].bytes;
  return total;
}

int64_t alexrt::heapBufferBytes() {
  return totalBytes(alex_heap_buffers, objectBufferCount());
}

/// A number in a cgroup file, or -1 ("max", absent).
static int64_t cgroupFigure(const char *path) {
  std::ifstream file(path);
  long long value = -1;
  if (!(file >> value))
    return -1;
  return int64_t(value);
}

int64_t alexrt::availableMemory() {
  int64_t available = -1;
  std::ifstream info("/proc/meminfo");
  for (std::string key; info >> key;) {
    long long kilobytes = 0;
    info >> kilobytes;
    if (key == "MemAvailable:") {
      available = int64_t(kilobytes) * 1024;
      break;
    }
    info.ignore(256, '\n');
  }
  // A container's or a batch job's limit (cgroup v2) may be lower.
  int64_t limit = cgroupFigure("/sys/fs/cgroup/memory.max"),
          used = cgroupFigure("/sys/fs/cgroup/memory.current");
  if (limit >= 0 && used >= 0 && (available < 0 || limit - used < available))
    available = std::max<int64_t>(0, limit - used);
  return available;
}

std::string alexrt::memoryText(int64_t bytes) {
  char text[32];
  if (bytes < 1000000000)
    std::snprintf(text, sizeof text, "%.1f MB", double(bytes) / 1e6);
  else
    std::snprintf(text, sizeof text, "%.1f GB", double(bytes) / 1e9);
  return text;
}

Status alexrt::allocateHeapBuffers(int64_t otherBytes) {
  return allocateHeapBuffers(alex_heap_buffers, objectBufferCount(),
                             otherBytes);
}

Status alexrt::allocateHeapBuffers(const alexrt_heap_buffer *table,
                                   int64_t count, int64_t otherBytes) {
  int64_t buffers = totalBytes(table, count);
  if (buffers == 0)
    return Status::success();
  int64_t available = availableMemory(), needed = buffers + otherBytes;
  if (available >= 0 && needed > available)
    return Status::error(
        "this binary needs " + memoryText(needed) +
        " of memory (its step's "
        "buffers " +
        memoryText(buffers) + ", parameters, momenta and a batch " +
        memoryText(otherBytes) + "), and this machine has " +
        memoryText(available) +
        " available: compile it with a smaller --batch, or run it where "
        "there is more");
  for (int64_t i = 0; i < count; ++i) {
    const alexrt_heap_buffer &buffer = table[i];
    if (*buffer.pointer)
      continue; // Allocated already.
    // Anonymous pages are zero, as the static buffers were, and take
    // memory only where the step touches them.
    void *memory = ::mmap(nullptr, size_t(buffer.bytes), PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
      return Status::error("cannot allocate the step's buffers (" +
                           memoryText(buffer.bytes) +
                           "): " + std::strerror(errno));
    *buffer.pointer = memory;
  }
  return Status::success();
}
