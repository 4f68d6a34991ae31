//===- Prepare.cpp - decode a dataset once: resize, statistics, packing ---===//

#include "runtime/data/folders/Prepare.h"

#include "runtime/data/folders/PackedFile.h"
#include "runtime/data/images/Decode.h"
#include "runtime/data/images/Resize.h"
#include "runtime/support/Files.h"
#include "runtime/support/Progress.h"

#include <atomic>
#include <cstdio>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace alexrt;

Status alexrt::loadSquareImage(const std::string &path, int64_t side,
                               int64_t channels, Image &square,
                               std::string *warning, JpegScaling scaling) {
  std::string bytes;
  if (!readWholeFile(path, bytes))
    return Status::error(systemError("cannot read", path));
  Image decoded;
  Status status = decodeImage(
      reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), channels,
      scaling == JpegScaling::Dct ? side : 0, decoded, warning);
  if (!status.ok())
    return status;
  square = resizeCentralSquare(decoded, side);
  return Status::success();
}

namespace {
/// One file's outcome, filled by a worker.
struct Decoded {
  Status status;
  std::string warning; ///< A decoder warning that left the pixels intact.
  Image square;
  std::vector<uint8_t> jpeg;
};

/// A warning on stderr, on a terminal below the progress bar's line.
void warn(const std::string &text) {
  std::fprintf(stderr, "%swarning: %s\n", ::isatty(STDERR_FILENO) ? "\n" : "",
               text.c_str());
}
} // namespace

Status alexrt::scanImages(const ImageList &list, int64_t side, int64_t channels,
                          int threads, PackedWriter *writer,
                          ScanResult &result) {
  int64_t count = int64_t(list.paths.size());
  threads = std::max(1, threads);
  result = ScanResult();
  // What the walk could not read, before the files it could.
  for (const std::string &problem : list.problems)
    warn(problem);
  result.sums = PixelSums(side, side, channels);
  std::vector<PixelSums> sums(size_t(threads), result.sums);
  Progress progress((writer ? "prepare " : "scan ") + list.split, count);
  const int64_t chunk = 32 * threads;
  std::vector<Decoded> decoded(static_cast<size_t>(chunk));
  for (int64_t first = 0; first < count; first += chunk) {
    int64_t n = std::min(chunk, count - first);
    std::atomic<int64_t> next{0};
    auto work = [&](int worker) {
      for (int64_t i; (i = next++) < n;) {
        Decoded &out = decoded[size_t(i)];
        out.status = loadSquareImage(list.fullPath(size_t(first + i)), side,
                                     channels, out.square, &out.warning);
        if (out.status.ok())
          sums[size_t(worker)].add(out.square);
        if (out.status.ok() && writer)
          out.status = encodeJpeg(out.square, kPreparedJpegQuality, out.jpeg);
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
      pool.emplace_back(work, t);
    work(0);
    for (std::thread &thread : pool)
      thread.join();
    // In list order, so the packed file does not depend on threads.
    for (int64_t i = 0; i < n; ++i) {
      Decoded &out = decoded[size_t(i)];
      size_t index = size_t(first + i);
      if (!out.status.ok()) {
        warn("skipping '" + list.fullPath(index) +
             "': " + out.status.message());
        ++result.skipped;
        continue;
      }
      if (!out.warning.empty()) {
        warn("'" + list.fullPath(index) + "': " + out.warning +
             " (its pixels are intact: kept)");
        ++result.warned;
      }
      result.kept.push_back(int64_t(index));
      if (writer) {
        Status status =
            writer->add(out.jpeg, list.labels[index], list.paths[index]);
        if (!status.ok())
          return status;
      }
    }
    progress.update(first + n, std::to_string(result.skipped) + " skipped");
  }
  for (const PixelSums &partial : sums)
    result.sums.merge(partial);
  if (result.kept.empty())
    return Status::error("no image of '" + list.origin + "' could be decoded");
  return Status::success();
}

std::string alexrt::describeScan(const ImageList &list, const ScanResult &scan,
                                 const std::string &packed, double megabytes) {
  auto count = [](size_t n, const std::string &noun) {
    if (n == 1)
      return "1 " + noun;
    return std::to_string(n) + " " + noun + (noun.back() == 's' ? "es" : "s");
  };
  std::string text = list.split + ": " + count(list.paths.size(), "file") +
                     " found, " + std::to_string(scan.kept.size()) + " used, " +
                     std::to_string(scan.skipped) + " skipped";
  if (scan.warned)
    text += " (" + std::to_string(scan.warned) + " used with a warning)";
  text += "; " + count(list.classNames.size(), "class");
  if (size_t problems = list.problems.size())
    text += "; " + std::to_string(problems) +
            (problems == 1 ? " folder or link" : " folders or links") +
            " not read (named above)";
  if (!packed.empty()) {
    char size[32];
    std::snprintf(size, sizeof size, " (%.1f MB)", megabytes);
    text += " -> " + packed + size;
  }
  return text;
}

Status alexrt::prepareDataset(const std::string &dir, const std::string &outDir,
                              int64_t side, int64_t channels, int64_t classes,
                              int threads) {
  ImageList train, val;
  Status status = listImages(dir, "train", classes, nullptr, train);
  if (status.ok())
    status = listImages(dir, "val", classes, &train.classNames, val);
  if (!status.ok())
    return status;
  for (ImageList *list : {&train, &val}) {
    std::string path = packedPath(outDir, list->split);
    PackedWriter writer;
    ScanResult result;
    status = writer.create(path, list->split, side, channels,
                           kPreparedJpegQuality, list->classNames);
    if (status.ok())
      status = scanImages(*list, side, channels, threads, &writer, result);
    if (status.ok())
      status = writer.finish(result.sums, uint64_t(result.skipped));
    if (!status.ok())
      return status;
    struct stat info;
    double megabytes =
        ::stat(path.c_str(), &info) == 0 ? double(info.st_size) / 1e6 : 0;
    std::printf("%s\n", describeScan(*list, result, path, megabytes).c_str());
  }
  return Status::success();
}
