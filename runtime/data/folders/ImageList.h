//===- ImageList.h - the image files of a split -----------------*- C++ -*-===//
//
// Two layouts people already have:
//  - ImageFolder: ROOT/<split>/<class>/... (any depth); a class's index is
//    its folder's position in sorted order;
//  - list files: ROOT/<split>.txt with one `relative/path label` a line
//    (Caffe's convert_imageset convention, paths relative to ROOT), class
//    names from ROOT/classes.txt when it exists.
// A list file wins when both exist.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_DATA_FOLDERS_IMAGELIST_H
#define ALEXRT_DATA_FOLDERS_IMAGELIST_H

#include "runtime/support/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace alexrt {

/// The files of one split, sorted, with their class indices.
struct ImageList {
  std::string root, split;
  std::string origin; ///< The folder or list file it was read from.
  std::vector<std::string> classNames;
  std::vector<std::string> paths; ///< Relative to `root`.
  std::vector<int32_t> labels;
  /// What the walk of a class folder could not read (folders, links that
  /// loop, files that are neither), each a sentence naming it.
  std::vector<std::string> problems;

  std::string fullPath(size_t i) const { return root + "/" + paths[i]; }
};

/// Lists split `split` ("train", "val") of `root`. Labels must be below
/// `classes`. A split or class folder that cannot be read is an error;
/// what cannot be read below a class folder is named in `list.problems`. For a
/// validation ImageFolder, `trainClasses` (if given) fixes the class indices: a
/// class folder the training split lacks is an error.
Status listImages(const std::string &root, const std::string &split,
                  int64_t classes, const std::vector<std::string> *trainClasses,
                  ImageList &list);

} // namespace alexrt

#endif // ALEXRT_DATA_FOLDERS_IMAGELIST_H
