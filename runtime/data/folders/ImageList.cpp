//===- ImageList.cpp - the image files of a dataset split and their labels ===//

#include "runtime/data/folders/ImageList.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sys/stat.h>

using namespace alexrt;
namespace fs = std::filesystem;

static bool hidden(const fs::path &path) {
  return path.filename().string().rfind('.', 0) == 0;
}

namespace {
/// Whether `path` is `folder` or inside it (both canonical).
bool within(const fs::path &path, const fs::path &folder) {
  auto [end, at] =
      std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
  return end == folder.end();
}

/// Walks a class folder: every regular file under it (not hidden), by its
/// path relative to the dataset's root, and what could not be read or was
/// not followed. Links are followed, but not back to a folder already
/// walked (a loop, or the same folder twice) and not into another part of
/// the dataset (another class's images under this class's label).
class FolderWalk {
public:
  /// `root` and `classFolder` canonical.
  FolderWalk(const fs::path &root, const fs::path &classFolder,
             std::vector<std::string> &files,
             std::vector<std::string> &problems)
      : root(root), classFolder(classFolder), files(files), problems(problems) {
  }

  /// Walks `dir` (`relative` to the root); false if `dir` itself cannot be
  /// read (`why` says so). What cannot be read below it is named in
  /// `problems` and skipped.
  bool walk(const fs::path &dir, const fs::path &relative, std::string &why) {
    struct stat info;
    if (::stat(dir.c_str(), &info) != 0) {
      why = std::strerror(errno);
      return false;
    }
    if (!walked.insert({info.st_dev, info.st_ino}).second) {
      problems.push_back("'" + dir.string() +
                         "' leads to a folder walked already (a link loop or "
                         "a second link); not followed");
      return true;
    }
    std::error_code error;
    fs::directory_iterator entries(dir, error);
    if (error) {
      why = error.message();
      return false;
    }
    std::vector<fs::directory_entry> children;
    for (; entries != fs::directory_iterator(); entries.increment(error)) {
      if (error)
        break;
      children.push_back(*entries);
    }
    if (error)
      problems.push_back("cannot read all of folder '" + dir.string() +
                         "': " + error.message());
    for (const fs::directory_entry &child : children) {
      const fs::path &path = child.path();
      if (hidden(path))
        continue;
      fs::file_status status = child.status(error); // Through links.
      if (error) {
        problems.push_back("cannot read '" + path.string() +
                           "': " + error.message());
      } else if (fs::is_directory(status)) {
        fs::path target = fs::canonical(path, error);
        if (!error && within(target, root) && !within(target, classFolder))
          problems.push_back("'" + path.string() +
                             "' leads into another part of the dataset ('" +
                             target.string() + "'); not followed");
        else if (std::string reason;
                 !walk(path, relative / path.filename(), reason))
          problems.push_back("cannot read folder '" + path.string() +
                             "': " + reason);
      } else if (fs::is_regular_file(status)) {
        files.push_back((relative / path.filename()).string());
      } else {
        problems.push_back("'" + path.string() +
                           "' is not a file or folder; skipped");
      }
    }
    return true;
  }

private:
  fs::path root, classFolder;
  std::vector<std::string> &files, &problems;
  /// The folders walked, by device and inode.
  std::set<std::pair<dev_t, ino_t>> walked;
};
} // namespace

static Status listFolder(const fs::path &root, const std::string &split,
                         int64_t classes,
                         const std::vector<std::string> *trainClasses,
                         ImageList &list) {
  fs::path dir = root / split;
  list.origin = dir.string();
  std::vector<std::string> folders;
  // Error codes, not exceptions, all the way: an unreadable split is an
  // error that names it.
  std::error_code error, kind;
  for (fs::directory_iterator entry(dir, error);
       !error && entry != fs::directory_iterator(); entry.increment(error)) {
    if (hidden(entry->path()))
      continue;
    if (entry->is_directory(kind))
      folders.push_back(entry->path().filename().string());
    else if (kind || entry->is_symlink(kind))
      // A class folder that is a link to nowhere, or one it cannot look
      // at, would drop a class: an error, as an unreadable one is.
      return Status::error(
          "cannot read class folder '" + entry->path().string() +
          "': " + (kind ? kind.message() : std::string("a link to nothing")));
  }
  if (error)
    return Status::error("cannot read split folder '" + dir.string() +
                         "': " + error.message());
  std::sort(folders.begin(), folders.end());
  if (folders.empty())
    return Status::error("'" + dir.string() +
                         "' has no class folders (expected " + dir.string() +
                         "/<class>/<image files>)");
  list.classNames = trainClasses ? *trainClasses : folders;
  std::map<std::string, int32_t> index;
  for (size_t i = 0; i < list.classNames.size(); ++i)
    index[list.classNames[i]] = int32_t(i);
  if (int64_t(list.classNames.size()) > classes)
    return Status::error("'" + dir.string() + "' has " +
                         std::to_string(list.classNames.size()) +
                         " class folders but the model has " +
                         std::to_string(classes) + " outputs");
  std::map<fs::path, std::string> classFolders; // canonical -> name
  for (const std::string &folder : folders) {
    auto it = index.find(folder);
    if (it == index.end())
      return Status::error("class folder '" + (dir / folder).string() +
                           "' is not a class of the training split");
    // A class folder that is a link: not to the split or root (a loop),
    // not to another class's folder (its images under two labels).
    fs::path classDir = dir / folder;
    fs::path canonicalRoot = fs::canonical(root, error),
             canonicalClass = fs::canonical(classDir, error);
    if (error)
      return Status::error("cannot read class folder '" + classDir.string() +
                           "': " + error.message());
    if (within(fs::canonical(dir, error), canonicalClass))
      return Status::error("class folder '" + classDir.string() +
                           "' leads back to a folder above it (a link loop)");
    if (auto [at, added] = classFolders.emplace(canonicalClass, folder); !added)
      return Status::error("class folders '" + (dir / at->second).string() +
                           "' and '" + classDir.string() +
                           "' are the same folder");
    std::vector<std::string> files;
    std::string why;
    if (!FolderWalk(canonicalRoot, canonicalClass, files, list.problems)
             .walk(classDir, fs::path(split) / folder, why))
      return Status::error("cannot read class folder '" + classDir.string() +
                           "': " + why);
    std::sort(files.begin(), files.end());
    if (files.empty())
      return Status::error("class folder '" + (dir / folder).string() +
                           "' holds no files");
    for (std::string &file : files) {
      list.paths.push_back(std::move(file));
      list.labels.push_back(it->second);
    }
  }
  return Status::success();
}

static Status listFile(const fs::path &root, const fs::path &file,
                       int64_t classes,
                       const std::vector<std::string> *trainClasses,
                       ImageList &list) {
  list.origin = file.string();
  std::ifstream names(root / "classes.txt");
  for (std::string line; std::getline(names, line);) {
    if (!line.empty() && line.back() == '\r') // Written on Windows.
      line.pop_back();
    if (!line.empty())
      list.classNames.push_back(line);
  }
  std::string namedBy = "classes.txt names ";
  // Without classes.txt a validation list is named by the training split's
  // classes: its own largest label may be smaller.
  if (list.classNames.empty() && trainClasses) {
    list.classNames = *trainClasses;
    namedBy = "the training split has ";
  }
  if (int64_t(list.classNames.size()) > classes)
    return Status::error("'" + (root / "classes.txt").string() + "' names " +
                         std::to_string(list.classNames.size()) +
                         " classes but the model has " +
                         std::to_string(classes) + " outputs");
  int64_t limit =
      list.classNames.empty() ? classes : int64_t(list.classNames.size());
  std::ifstream in(file);
  if (!in)
    return Status::error("cannot read list file '" + file.string() + "'");
  int64_t lineNumber = 0, largest = -1;
  for (std::string line; std::getline(in, line);) {
    ++lineNumber;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos)
      continue;
    std::string where = file.string() + ":" + std::to_string(lineNumber);
    // The label is the last field; the path may hold spaces (as Caffe).
    size_t end = line.find_last_not_of(" \t");
    size_t space = line.find_last_of(" \t", end);
    std::string label = line.substr(space == std::string::npos ? 0 : space + 1,
                                    end + 1 - (space + 1));
    if (space == std::string::npos || label.empty() ||
        label.find_first_not_of("0123456789") != std::string::npos ||
        label.size() > 9)
      return Status::error(where +
                           ": expected 'relative/path label' with a "
                           "non-negative whole-number label, got '" +
                           line + "'");
    int64_t value = std::stoll(label);
    if (value >= limit)
      return Status::error(
          where + ": label " + label + " is out of range (" +
          (list.classNames.empty()
               ? "the model has " + std::to_string(classes) + " outputs"
               : namedBy + std::to_string(limit) + " classes") +
          ")");
    std::string path = line.substr(0, line.find_last_not_of(" \t", space) + 1);
    list.paths.push_back(path);
    list.labels.push_back(int32_t(value));
    largest = std::max(largest, value);
  }
  if (list.paths.empty())
    return Status::error("list file '" + file.string() + "' lists no images");
  for (int64_t i = int64_t(list.classNames.size()); i <= largest; ++i)
    list.classNames.push_back(std::to_string(i));
  return Status::success();
}

Status alexrt::listImages(const std::string &root, const std::string &split,
                          int64_t classes,
                          const std::vector<std::string> *trainClasses,
                          ImageList &list) {
  list = ImageList();
  list.root = root;
  list.split = split;
  fs::path base(root);
  std::error_code error;
  if (!fs::is_directory(base, error))
    return Status::error("dataset folder '" + root + "' does not exist");
  fs::path file = base / (split + ".txt");
  if (fs::is_regular_file(file, error))
    return listFile(base, file, classes, trainClasses, list);
  if (fs::is_directory(base / split, error))
    return listFolder(base, split, classes, trainClasses, list);
  return Status::error("dataset '" + root + "' has no " + split +
                       " split: expected a folder '" + (base / split).string() +
                       "' of class folders or a list file '" + file.string() +
                       "'");
}
