//===- Pretrained.h - parameters to start training from ---------*- C++ -*-===//
//
// `train --init FILE` (fine-tuning): a new run whose parameters start as a
// pretrained model's where the names and shapes agree, freshly initialised
// where they do not (a new last layer for the user's classes). FILE is an
// alexc weight file of any model or a safetensors file (PyTorch's, from
// tools/pth_to_safetensors.py, or alexc's export).
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_MODEL_PRETRAINED_H
#define ALEXRT_MODEL_PRETRAINED_H

#include "runtime/model/WeightFile.h"
#include "runtime/support/Status.h"

#include <map>
#include <string>
#include <vector>

namespace alexrt {

/// What starting from a file did to each parameter.
struct PretrainedReport {
  /// Parameters that took the file's values.
  std::vector<std::string> loaded;
  /// Parameters that kept their fresh initialisation, each with why:
  /// "fc8.weight (the file's 1000x4096, the model's 10x4096)".
  std::vector<std::string> reinitialised;
  /// The file's tensors no parameter took.
  std::vector<std::string> unused;
  /// Parameters taken from tensors converted to fp32, by their dtype.
  std::map<std::string, int> converted;
};

/// Copies into the values of `tensors` those of `path` with the same name
/// and shape; the others keep theirs. Nothing is written unless the file
/// reads whole, every taken tensor is finite, and at least one parameter
/// is taken (a file sharing no name is another naming, not a start).
Status loadPretrained(const std::string &path,
                      const std::vector<TensorBuffers> &tensors,
                      PretrainedReport &report);

} // namespace alexrt

#endif // ALEXRT_MODEL_PRETRAINED_H
