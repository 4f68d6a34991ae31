//===- TempDir.h - a scratch directory per test -----------------*- C++ -*-===//

#ifndef ALEX_TEST_RUNTIME_TEMPDIR_H
#define ALEX_TEST_RUNTIME_TEMPDIR_H

#include <filesystem>
#include <string>

#include <stdlib.h>

/// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "alexrt-test-XXXXXX")
            .string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }

  std::string file(const std::string &name) const {
    return (std::filesystem::path(path) / name).string();
  }

  std::filesystem::path path;
};

#endif // ALEX_TEST_RUNTIME_TEMPDIR_H
