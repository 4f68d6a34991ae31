//===- Files.cpp - mapped files and files replaced atomically -------------===//

#include "runtime/support/Files.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace alexrt;

std::string alexrt::systemError(const std::string &what,
                                const std::string &path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

MappedFile::MappedFile(MappedFile &&other) noexcept
    : bytes(other.bytes), length(other.length) {
  other.bytes = nullptr;
  other.length = 0;
}

MappedFile &MappedFile::operator=(MappedFile &&other) noexcept {
  std::swap(bytes, other.bytes);
  std::swap(length, other.length);
  return *this;
}

MappedFile::~MappedFile() {
  if (bytes)
    ::munmap(const_cast<uint8_t *>(bytes), length);
}

Status MappedFile::open(const std::string &path, const std::string &what) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status::error(systemError("cannot open " + what, path));
  struct stat info;
  void *map = MAP_FAILED;
  size_t size = 0;
  bool stated = ::fstat(fd, &info) == 0;
  if (stated && S_ISREG(info.st_mode) && info.st_size > 0) {
    size = size_t(info.st_size);
    map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  }
  int savedErrno = errno;
  ::close(fd);
  if (stated && S_ISDIR(info.st_mode))
    return Status::error("'" + path + "' is a folder, not a " + what);
  if (stated && !S_ISREG(info.st_mode))
    return Status::error("'" + path + "' is not a regular file (a " + what +
                         " is expected)");
  if (size == 0)
    return Status::error(what + " '" + path + "' is empty");
  if (map == MAP_FAILED) {
    errno = savedErrno;
    return Status::error(systemError("cannot read " + what, path));
  }
  *this = MappedFile();
  bytes = static_cast<const uint8_t *>(map);
  length = size;
  return Status::success();
}

/// The process's umask, read without changing it (umask() can only be
/// read by setting it, which would race with threads creating files).
static mode_t processUmask() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("Umask:", 0) == 0)
      return mode_t(std::strtoul(line.c_str() + 6, nullptr, 8));
  return 022; // the usual default, where /proc says nothing
}

namespace {
/// The temporary file an AtomicFile is writing, for the signal thread that
/// ends the process to remove; its lock is held from a file's creation to
/// its noting, and from its removal to its forgetting.
std::mutex inFlightLock;
std::string inFlight;

/// Removes `temp` (unless already renamed) and forgets it.
void removeTemporary(const std::string &temp) {
  std::lock_guard<std::mutex> lock(inFlightLock);
  ::unlink(temp.c_str());
  inFlight.clear();
}
} // namespace

void alexrt::removeTemporaryFileBeforeExit() {
  // Never released: no file is started after this.
  inFlightLock.lock();
  if (!inFlight.empty())
    ::unlink(inFlight.c_str());
}

AtomicFile::~AtomicFile() {
  if (fd >= 0) {
    ::close(fd);
    removeTemporary(temp);
  }
}

Status AtomicFile::failure() {
  Status status = Status::error(systemError("cannot write " + kind, target));
  ::close(fd);
  removeTemporary(temp);
  fd = -1;
  return status;
}

Status AtomicFile::create(const std::string &path, const std::string &what) {
  target = path;
  kind = what;
  temp = path + ".tmp.XXXXXX";
  std::lock_guard<std::mutex> lock(inFlightLock);
  fd = ::mkstemp(temp.data());
  if (fd < 0)
    return Status::error(systemError("cannot write " + what, path));
  inFlight = temp;
  return Status::success();
}

Status AtomicFile::write(const void *data, size_t size) {
  Status status = writeAt(offset, data, size);
  if (status.ok())
    offset += size;
  return status;
}

Status AtomicFile::writeAt(uint64_t at, const void *data, size_t size) {
  auto *bytes = static_cast<const uint8_t *>(data);
  while (size > 0) {
    ssize_t done = ::pwrite(fd, bytes, size, off_t(at));
    if (done < 0 && errno == EINTR)
      continue;
    if (done <= 0)
      return failure();
    bytes += done;
    at += uint64_t(done);
    size -= size_t(done);
  }
  return Status::success();
}

Status AtomicFile::commit() {
  // mkstemp makes the file private; give it the mode a new file would get.
  if (::fchmod(fd, 0666 & ~processUmask()) != 0 || ::fsync(fd) != 0)
    return failure();
  int closed = ::close(fd);
  fd = -1;
  if (closed != 0 || ::rename(temp.c_str(), target.c_str()) != 0) {
    int savedErrno = errno;
    removeTemporary(temp);
    errno = savedErrno;
    return Status::error(systemError("cannot write " + kind, target));
  }
  std::lock_guard<std::mutex> lock(inFlightLock);
  inFlight.clear();
  return Status::success();
}

Status alexrt::writeFileAtomically(const std::string &path,
                                   const std::string &what, const void *data,
                                   size_t size) {
  AtomicFile file;
  Status status = file.create(path, what);
  if (status.ok())
    status = file.write(data, size);
  if (status.ok())
    status = file.commit();
  return status;
}

bool alexrt::readWholeFile(const std::string &path, std::string &contents) {
  // One read into a buffer of the file's size (image files are read this
  // way once per image and epoch when training from the originals). A
  // folder or device is not a file to read: EISDIR or EINVAL for
  // systemError.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  struct stat info;
  bool ok = ::fstat(fd, &info) == 0;
  if (ok && !S_ISREG(info.st_mode)) {
    errno = S_ISDIR(info.st_mode) ? EISDIR : EINVAL;
    ok = false;
  }
  if (ok) {
    contents.resize(size_t(info.st_size));
    size_t done = 0;
    while (ok && done < contents.size()) {
      ssize_t got = ::read(fd, contents.data() + done, contents.size() - done);
      if (got < 0 && errno == EINTR)
        continue;
      ok = got > 0;
      if (got == 0)
        errno = EIO; // Shorter than it said: changed while read.
      done += size_t(std::max<ssize_t>(got, 0));
    }
  }
  int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

Status alexrt::checkWritable(const std::string &path, const std::string &what) {
  struct stat info;
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
    return Status::error("cannot write " + what + " '" + path +
                         "': it is a folder");
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  if (dir.empty())
    dir = "/";
  if (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
    return Status::error("cannot write " + what + " '" + path +
                         "': no folder '" + dir + "'");
  if (::access(dir.c_str(), W_OK) != 0)
    return Status::error(systemError("cannot write " + what, path));
  return Status::success();
}
