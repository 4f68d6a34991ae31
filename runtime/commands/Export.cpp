//===- Export.cpp - the export command: weights as safetensors ------------===//

#include "runtime/commands/Commands.h"

#include "runtime/model/Safetensors.h"
#include "runtime/model/Session.h"
#include "runtime/support/Files.h"

#include <cstdio>

namespace alexrt {

/// --weights' parameter values as a safetensors file, with the data facts;
/// with --names pytorch, under the names the model's `pytorch` section
/// gives (PyTorch's load_state_dict takes the file as it is).
int exportWeights(Session &session, const Options &options) {
  std::string weights = options.get("weights"), out = options.get("out");
  if (weights.empty() || out.empty())
    return fail("export needs --weights FILE and -o FILE.safetensors");
  std::string names = options.get("names", "alexc");
  if (names != "alexc" && names != "pytorch")
    return fail("--names must be alexc or pytorch, not '" + names + "'");
  if (names == "pytorch")
    for (const ParamSpec &param : session.model().params)
      if (param.pytorchName.empty())
        return fail("--names pytorch: the model gives '" + param.name +
                    "' no PyTorch name (its `pytorch` section names each "
                    "layer with parameters)");
  if (Status writable = checkWritable(out, "safetensors file"); !writable.ok())
    return fail(writable.message());
  if (Status status = session.load(weights); !status.ok())
    return fail(status.message());
  const TrainingProgress &progress = session.progress();
  std::vector<TensorBuffers> tensors = session.hostTensors();
  if (names == "pytorch")
    for (TensorBuffers &tensor : tensors)
      tensor.name = tensor.pytorchName;
  std::map<std::string, std::string> metadata = {
      {"format", "pt"},
      {"model", session.model().name},
      {"epoch", std::to_string(progress.epoch)},
      {"step", std::to_string(progress.step)}};
  addDataFacts(session.dataFacts(), metadata);
  Status status = writeSafetensors(out, tensors, metadata);
  if (!status.ok())
    return fail(status.message());
  int64_t parameters = 0;
  for (const TensorBuffers &tensor : tensors)
    parameters += tensor.numElements();
  std::printf("exported %zu tensors (%lld parameters) of '%s' to %s\n",
              tensors.size(), (long long)parameters, weights.c_str(),
              out.c_str());
  return 0;
}

} // namespace alexrt
