//===- ImageList.cpp - the image files of a dataset split and their labels ===//

#include "runtime/data/ImageList.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>

using namespace alexrt;
namespace fs = std::filesystem;

static bool hidden(const fs::path &path) {
  return path.filename().string().rfind('.', 0) == 0;
}

/// Every regular file under `dir` (not hidden), relative to `root`, sorted.
static std::vector<std::string> filesUnder(const fs::path &dir,
                                           const fs::path &root) {
  std::vector<std::string> files;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(
           dir, fs::directory_options::follow_directory_symlink, error);
       !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    if (hidden(it->path())) {
      if (it->is_directory())
        it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file())
      files.push_back(fs::relative(it->path(), root).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

static Status listFolder(const fs::path &root, const std::string &split,
                         int64_t classes,
                         const std::vector<std::string> *trainClasses,
                         ImageList &list) {
  fs::path dir = root / split;
  list.origin = dir.string();
  std::vector<std::string> folders;
  std::error_code error;
  for (const fs::directory_entry &entry : fs::directory_iterator(dir, error))
    if (!hidden(entry.path()) && entry.is_directory())
      folders.push_back(entry.path().filename().string());
  if (error)
    return Status::error("cannot read '" + dir.string() +
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
  for (const std::string &folder : folders) {
    auto it = index.find(folder);
    if (it == index.end())
      return Status::error("class folder '" + (dir / folder).string() +
                           "' is not a class of the training split");
    std::vector<std::string> files = filesUnder(dir / folder, root);
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
                       int64_t classes, ImageList &list) {
  list.origin = file.string();
  std::ifstream names(root / "classes.txt");
  for (std::string line; std::getline(names, line);)
    if (!line.empty())
      list.classNames.push_back(line);
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
               : "classes.txt names " + std::to_string(limit) + " classes") +
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
    return listFile(base, file, classes, list);
  if (fs::is_directory(base / split, error))
    return listFolder(base, split, classes, trainClasses, list);
  return Status::error("dataset '" + root + "' has no " + split +
                       " split: expected a folder '" + (base / split).string() +
                       "' of class folders or a list file '" + file.string() +
                       "'");
}
