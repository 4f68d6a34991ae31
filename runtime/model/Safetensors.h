//===- Safetensors.h - parameters in the safetensors layout -----*- C++ -*-===//
//
// The layout PyTorch, NumPy and JAX users load in one call
// (safetensors.numpy.load_file): an 8-byte little-endian header length N,
// N bytes of JSON ({"name": {"dtype": "F32", "shape": [...],
// "data_offsets": [begin, end]}, ..., "__metadata__": {...}}, padded with
// spaces to a multiple of 8), then the tensors' raw little-endian bytes.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_MODEL_SAFETENSORS_H
#define ALEXRT_MODEL_SAFETENSORS_H

#include "runtime/model/WeightFile.h"
#include "runtime/support/Status.h"

#include <map>
#include <string>
#include <vector>

namespace alexrt {

/// Writes the values of `tensors` (not their momenta), in order, with
/// `metadata` (string pairs) under "__metadata__"; atomically.
Status writeSafetensors(const std::string &path,
                        const std::vector<TensorBuffers> &tensors,
                        const std::map<std::string, std::string> &metadata);

/// Every tensor of `path` by name, as fp32 (F32, or F64, F16 and BF16
/// converted, rounding to nearest even; each keeps its file's dtype's
/// name); `metadata` as for readSafetensors. Nothing is checked against a
/// model.
Status
readSafetensorsTensors(const std::string &path,
                       std::map<std::string, NamedTensor> &tensors,
                       std::map<std::string, std::string> *metadata = nullptr);

/// `tensor` in `file`, under its name or else its PyTorch name; end() if
/// under neither.
std::map<std::string, NamedTensor>::const_iterator
findTensor(const std::map<std::string, NamedTensor> &file,
           const TensorBuffers &tensor);

/// " (3 converted to fp32: 1 from BF16, 2 from F16)" for counts of
/// converted tensors by dtype; empty for none.
std::string conversionsText(const std::map<std::string, int> &converted);

/// An error naming `name` in `path` if `tensor` holds NaN or infinite
/// values: the weights of a diverged or damaged model.
Status checkFinite(const NamedTensor &tensor, const std::string &name,
                   const std::string &path);

/// Reads `path` into the values of `tensors`: each must be in the file with
/// the same shape, as F32 or as F64, F16 or BF16 (converted to fp32,
/// rounding to nearest even); the file may hold no other tensor. Nothing
/// is written to `tensors` unless the whole file checks out. `metadata`,
/// if given, receives "__metadata__"'s pairs; `converted`, if given, how
/// many tensors of each dtype other than F32 were converted.
Status readSafetensors(const std::string &path,
                       const std::vector<TensorBuffers> &tensors,
                       std::map<std::string, std::string> *metadata = nullptr,
                       std::map<std::string, int> *converted = nullptr);

/// A checkpoint's data facts (DataFacts in weights.fbs) as `metadata`'s
/// strings: "dataset", "class_names" (a line each), "mean"
/// (comma-separated), "mean_height", "mean_width". Nothing without a
/// dataset.
void addDataFacts(const DataFacts &facts,
                  std::map<std::string, std::string> &metadata);
/// addDataFacts' strings back into `facts` (nothing if absent); an error
/// saying which is malformed.
Status readDataFacts(const std::map<std::string, std::string> &metadata,
                     DataFacts &facts);

} // namespace alexrt

#endif // ALEXRT_MODEL_SAFETENSORS_H
