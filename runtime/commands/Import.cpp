//===- Import.cpp - the import command: safetensors as a weight file ------===//

#include "runtime/commands/Commands.h"

#include "runtime/model/Safetensors.h"
#include "runtime/model/Session.h"
#include "runtime/support/Files.h"

#include <cstdio>

namespace alexrt {

/// Whether data facts fit `model`: its class count, and a mean per
/// channel or per pixel of a channels x height x width image.
static Status checkDataFacts(const DataFacts &facts, const ModelInfo &model) {
  if (int64_t(facts.classNames.size()) > model.classes)
    return Status::error("its metadata names " +
                         std::to_string(facts.classNames.size()) +
                         " classes, the model has " +
                         std::to_string(model.classes) + " outputs");
  int64_t expected = facts.meanHeight == 0 && facts.meanWidth == 0
                         ? model.channels
                         : model.channels * facts.meanHeight * facts.meanWidth;
  if (!facts.mean.empty() && int64_t(facts.mean.size()) != expected)
    return Status::error("its metadata's mean has " +
                         std::to_string(facts.mean.size()) + " values, not " +
                         std::to_string(expected) +
                         " (the model's channels, or its mean image's " +
                         "pixels times channels)");
  return Status::success();
}

/// A safetensors file (names and shapes of this model; F32, or F64, F16
/// or BF16 converted) as a new weight file: zero momenta, training at its
/// start.
int importWeights(Session &session, const Options &options) {
  std::string weights = options.get("weights");
  if (options.files.size() != 1 || weights.empty())
    return fail("import needs one FILE.safetensors and --weights FILE");
  if (fileExists(weights) && !options.has("force"))
    return fail("'" + weights + "' exists; use --force to replace it");
  if (Status writable = checkWritable(weights, "weight file"); !writable.ok())
    return fail(writable.message());
  session.initialize(uint64_t(options.number("seed", session.model().seed)));
  std::vector<TensorBuffers> tensors = session.hostTensors();
  std::map<std::string, std::string> metadata;
  std::map<std::string, int> converted;
  Status status =
      readSafetensors(options.files[0], tensors, &metadata, &converted);
  if (!status.ok())
    return fail(status.message());
  // What `export` wrote of the data (classes, mean) comes back with it.
  Status facts = readDataFacts(metadata, session.dataFacts());
  if (facts.ok())
    facts = checkDataFacts(session.dataFacts(), session.model());
  if (!facts.ok())
    return fail("'" + options.files[0] + "': " + facts.message());
  session.commitHostTensors();
  if (Status saved = session.save(weights); !saved.ok())
    return fail(saved.message());
  // Half-precision checkpoints are common: their tensors become fp32
  // (exactly; F64's rounded to nearest), and the output says so.
  std::printf("imported %zu tensors from %s into %s%s\n", tensors.size(),
              options.files[0].c_str(), weights.c_str(),
              conversionsText(converted).c_str());
  return 0;
}

} // namespace alexrt
