//===- Files.h - mapped files and files replaced atomically -----*- C++ -*-===//
//
// Weight files and packed datasets are written beside their target and
// renamed over it, so a reader sees the old file or the new one, never a
// mix; both are read through a read-only memory map.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_SUPPORT_FILES_H
#define ALEXRT_SUPPORT_FILES_H

#include "runtime/support/Status.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace alexrt {

/// "`what` '`path`': `strerror(errno)`".
std::string systemError(const std::string &what, const std::string &path);

/// A whole file mapped read-only; unmapped when destroyed.
class MappedFile {
public:
  MappedFile() = default;
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;
  MappedFile(MappedFile &&other) noexcept;
  MappedFile &operator=(MappedFile &&other) noexcept;
  ~MappedFile();

  /// Maps `path`; `what` names the file's kind in messages ("weight file").
  /// An empty file is an error.
  Status open(const std::string &path, const std::string &what);

  const uint8_t *data() const { return bytes; }
  size_t size() const { return length; }

private:
  const uint8_t *bytes = nullptr;
  size_t length = 0;
};

/// A file written to a temporary name beside `path` and renamed over it by
/// commit(); abandoned (removed) if destroyed before.
class AtomicFile {
public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile &) = delete;
  AtomicFile &operator=(const AtomicFile &) = delete;
  ~AtomicFile();

  /// Creates the temporary file; `what` names the file's kind in messages.
  Status create(const std::string &path, const std::string &what);
  /// Appends `size` bytes.
  Status write(const void *data, size_t size);
  /// Overwrites bytes at `offset` (a header written last).
  Status writeAt(uint64_t offset, const void *data, size_t size);
  uint64_t written() const { return offset; }
  /// Flushes to disk and renames over the target.
  Status commit();

private:
  Status failure();
  std::string target, temp, kind;
  int fd = -1;
  uint64_t offset = 0;
};

/// Writes `size` bytes to `path` through an AtomicFile.
Status writeFileAtomically(const std::string &path, const std::string &what,
                           const void *data, size_t size);

/// Reads a whole (small) file; false if it cannot be read.
bool readWholeFile(const std::string &path, std::string &contents);

/// Removes the temporary file an AtomicFile (or writeFileAtomically) is
/// writing, if any, and keeps any other from being started: for ending
/// the process on a signal, the caller's next step, without leaving a
/// half-written file beside the last whole one.
void removeTemporaryFileBeforeExit();

/// Checks, before any work, that `path` can be written as `what` ("PNG
/// file"): not a folder, in a folder that exists and may be written.
Status checkWritable(const std::string &path, const std::string &what);

} // namespace alexrt

#endif // ALEXRT_SUPPORT_FILES_H
