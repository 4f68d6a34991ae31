//===- HeapBuffers.h - a CPU step's buffers, made up front ------*- C++ -*-===//
//
// The CPU targets' workspaces and exchange buffers are not in the
// executable's .bss (--alex-heap-globals): the object lists them
// (alexrt.h's alex_heap_buffers) and the runtime allocates them when the
// target opens, after checking that they fit, so a binary too large for
// the machine says how much it needs instead of failing to start.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_CPU_HEAPBUFFERS_H
#define ALEXRT_CPU_HEAPBUFFERS_H

#include "runtime/alexrt.h"
#include "runtime/support/Status.h"

#include <cstdint>
#include <string>

namespace alexrt {

/// The bytes of the buffers the object lists (0 without a list).
int64_t heapBufferBytes();

/// The memory this process may still take (Linux's MemAvailable), or -1
/// when unknown.
int64_t availableMemory();

/// "1.4 GB", "312.5 MB".
std::string memoryText(int64_t bytes);

/// Allocates the listed buffers (zeroed pages, mapped as they are touched)
/// and points the object at them; once, before any step. Refused, with how
/// much is needed and how much there is, when they and `otherBytes` (the
/// parameters, momenta and a batch) exceed the memory available.
Status allocateHeapBuffers(int64_t otherBytes);
/// The same for the `count` buffers of `table` (a step run by a JIT).
Status allocateHeapBuffers(const alexrt_heap_buffer *table, int64_t count,
                           int64_t otherBytes);

} // namespace alexrt

#endif // ALEXRT_CPU_HEAPBUFFERS_H
