//===- Pretrained.cpp - parameters to start training from -----------------===//

#include "runtime/model/Pretrained.h"

#include "runtime/model/Safetensors.h"
#include "runtime/support/Files.h"
#include "runtime/weights_generated.h"

#include <algorithm>

using namespace alexrt;

Status alexrt::loadPretrained(const std::string &path,
                              const std::vector<TensorBuffers> &tensors,
                              PretrainedReport &report) {
  std::map<std::string, NamedTensor> file;
  report = PretrainedReport();
  bool weightFile;
  {
    MappedFile probe;
    if (Status opened = probe.open(path, "file to start from"); !opened.ok())
      return opened;
    weightFile = probe.size() >= 12 &&
                 fb::SizePrefixedWeightFileBufferHasIdentifier(probe.data());
  }
  Status read = weightFile ? readWeightTensors(path, file)
                           : readSafetensorsTensors(path, file);
  if (!read.ok())
    return read;
  std::vector<const TensorBuffers *> taking;
  for (const TensorBuffers &tensor : tensors) {
    auto found = findTensor(file, tensor);
    if (found == file.end()) {
      report.reinitialised.push_back(tensor.name + " (not in the file)");
      continue;
    }
    if (found->second.shape != tensor.shape) {
      report.reinitialised.push_back(
          tensor.name + " (the file's " + shapeText(found->second.shape) +
          ", the model's " + shapeText(tensor.shape) + ")");
      continue;
    }
    if (Status finite = checkFinite(found->second, tensor.name, path);
        !finite.ok())
      return Status::error(finite.message() + "; nothing to start from");
    taking.push_back(&tensor);
    report.loaded.push_back(tensor.name);
    if (found->second.converted())
      ++report.converted[found->second.dtype];
  }
  for (const auto &[name, tensor] : file)
    if (std::none_of(tensors.begin(), tensors.end(),
                     [&](const TensorBuffers &t) { return t.named(name); }))
      report.unused.push_back(name);
  if (taking.empty())
    return Status::error(
        "'" + path + "' has no parameter of this model under its name (" +
        (file.empty()
             ? std::string("it holds no tensor")
             : "it has '" + file.begin()->first + "', the model '" +
                   (tensors.empty() ? "" : tensors.front().name) + "'") +
        "): nothing to start from");
  for (const TensorBuffers *tensor : taking) {
    const std::vector<float> &values = findTensor(file, *tensor)->second.values;
    std::copy(values.begin(), values.end(), tensor->value);
  }
  return Status::success();
}
