//===- WeightFile.cpp - save and load alexc weight files ------------------===//

#include "runtime/model/WeightFile.h"

#include "runtime/model/Params.h"
#include "runtime/support/Files.h"
#include "runtime/weights_generated.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <map>

using namespace alexrt;

static uint32_t checksum(const float *value, const float *momentum,
                         size_t count) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes at most 4 GiB a call; a tensor stays far below.
  crc = crc32(crc, reinterpret_cast<const Bytef *>(value),
              uInt(count * sizeof(float)));
  crc = crc32(crc, reinterpret_cast<const Bytef *>(momentum),
              uInt(count * sizeof(float)));
  return uint32_t(crc);
}

/// A 64-byte-aligned float vector filled from `data`.
static flatbuffers::Offset<flatbuffers::Vector<float>>
alignedVector(flatbuffers::FlatBufferBuilder &builder, const float *data,
              size_t count) {
  builder.ForceVectorAlignment(count, sizeof(float), 64);
  float *out = nullptr;
  auto vector = builder.CreateUninitializedVector(count, &out);
  std::memcpy(out, data, count * sizeof(float));
  return vector;
}

Status alexrt::saveWeights(const std::string &path,
                           const std::string &modelName, uint64_t signature,
                           const TrainingProgress &progress,
                           const DataFacts &facts,
                           const std::vector<TensorBuffers> &tensors) {
  size_t bytes = 4096;
  for (const TensorBuffers &tensor : tensors)
    bytes += 2 * tensor.numElements() * sizeof(float) + 256;
  if (bytes > (size_t(1) << 31) - 4096)
    return Status::error("the weights (" + std::to_string(bytes >> 20) +
                         " MiB) exceed the 2 GiB limit of a weight file");

  flatbuffers::FlatBufferBuilder builder(bytes);
  std::vector<flatbuffers::Offset<fb::Tensor>> offsets;
  for (const TensorBuffers &tensor : tensors) {
    size_t count = size_t(tensor.numElements());
    auto value = alignedVector(builder, tensor.value, count);
    auto momentum = alignedVector(builder, tensor.momentum, count);
    auto shape = builder.CreateVector(tensor.shape);
    auto name = builder.CreateString(tensor.name);
    offsets.push_back(
        fb::CreateTensor(builder, name, shape, value, momentum,
                         checksum(tensor.value, tensor.momentum, count)));
  }
  auto tensorVector = builder.CreateVector(offsets);
  auto schedule = fb::CreateSchedule(builder, progress.learningRate,
                                     progress.bestValidationError,
                                     progress.epochsSinceBest, progress.drops);
  auto name = builder.CreateString(modelName);
  flatbuffers::Offset<fb::DataFacts> data;
  if (!facts.dataset.empty())
    data = fb::CreateDataFacts(builder, builder.CreateString(facts.dataset),
                               builder.CreateVectorOfStrings(facts.classNames),
                               builder.CreateVector(facts.mean),
                               facts.meanHeight, facts.meanWidth);
  flatbuffers::Offset<fb::EpochInProgress> inProgress;
  if (progress.epochSteps > 0)
    inProgress =
        fb::CreateEpochInProgress(builder, progress.epochSteps,
                                  progress.epochLossSum, progress.epochCorrect);
  flatbuffers::Offset<fb::RunShape> run;
  if (progress.trainImages > 0)
    run =
        fb::CreateRunShape(builder, progress.trainImages, progress.globalBatch);
  // Size-prefixed, so a reader can tell a truncated file from a whole one.
  fb::FinishSizePrefixedWeightFileBuffer(
      builder,
      fb::CreateWeightFile(builder, kWeightFormatVersion, name, signature,
                           progress.seed, progress.step, progress.epoch,
                           schedule, tensorVector, data, inProgress, run));

  // Write beside the target, then rename: readers see the old file or the
  // new one, never a mix.
  return writeFileAtomically(path, "weight file", builder.GetBufferPointer(),
                             builder.GetSize());
}

/// ": fc8.weight is 10x4096 there, 5x4096 here", or what else tells the
/// file's parameters from the model's first.
static std::string
firstDifference(const std::map<std::string, const fb::Tensor *> &inFile,
                const std::vector<TensorBuffers> &wanted) {
  for (const TensorBuffers &want : wanted) {
    auto found = inFile.find(want.name);
    if (found == inFile.end())
      return ": it has no " + want.name;
    std::vector<int64_t> shape(found->second->shape()->begin(),
                               found->second->shape()->end());
    if (shape != want.shape)
      return ": " + want.name + " is " + shapeText(shape) + " there, " +
             shapeText(want.shape) + " here";
  }
  for (const auto &[name, tensor] : inFile)
    if (std::none_of(wanted.begin(), wanted.end(),
                     [&](const TensorBuffers &t) { return t.name == name; }))
      return ": it has " + name + ", which this model lacks";
  return " (in another order)";
}

/// Maps and verifies the weight file `path` (identifier, size, FlatBuffers
/// structure, format version): `root` is valid while `file` is open.
static Status openWeightFile(const std::string &path, MappedFile &file,
                             const fb::WeightFile *&root) {
  if (Status status = file.open(path, "weight file"); !status.ok())
    return status;
  const uint8_t *bytes = file.data();
  if (file.size() < 12 || !fb::SizePrefixedWeightFileBufferHasIdentifier(bytes))
    return Status::error("'" + path + "' is not an alexc weight file");
  flatbuffers::Verifier verifier(bytes, file.size());
  if (flatbuffers::ReadScalar<flatbuffers::uoffset_t>(bytes) !=
          file.size() - sizeof(flatbuffers::uoffset_t) ||
      !fb::VerifySizePrefixedWeightFileBuffer(verifier))
    return Status::error("weight file '" + path +
                         "' is truncated or corrupted");
  root = fb::GetSizePrefixedWeightFile(bytes);
  if (root->format_version() != kWeightFormatVersion)
    return Status::error("weight file '" + path + "' has format version " +
                         std::to_string(root->format_version()) +
                         "; this binary reads version " +
                         std::to_string(kWeightFormatVersion));
  return Status::success();
}

Status alexrt::readWeightTensors(const std::string &path,
                                 std::map<std::string, NamedTensor> &tensors) {
  MappedFile file;
  const fb::WeightFile *root = nullptr;
  if (Status status = openWeightFile(path, file, root); !status.ok())
    return status;
  std::map<std::string, NamedTensor> read;
  for (const fb::Tensor *tensor : *root->tensors()) {
    std::string name = tensor->name()->str();
    size_t count = tensor->value()->size();
    if (tensor->momentum()->size() != count ||
        checksum(tensor->value()->data(), tensor->momentum()->data(), count) !=
            tensor->crc32())
      return Status::error("tensor '" + name + "' in '" + path +
                           "' is corrupted (checksum mismatch)");
    NamedTensor &into = read[name];
    into.shape.assign(tensor->shape()->begin(), tensor->shape()->end());
    if (elementCount(into.shape) != int64_t(count))
      return Status::error("tensor '" + name + "' in '" + path +
                           "' is corrupted (its shape and values disagree)");
    into.values.assign(tensor->value()->begin(), tensor->value()->end());
  }
  tensors = std::move(read);
  return Status::success();
}

Status alexrt::loadWeights(const std::string &path, uint64_t signature,
                           TrainingProgress &progress, DataFacts &facts,
                           const std::vector<TensorBuffers> &tensors) {
  MappedFile file;
  const fb::WeightFile *root = nullptr;
  if (Status status = openWeightFile(path, file, root); !status.ok())
    return status;
  std::map<std::string, const fb::Tensor *> byName;
  for (const fb::Tensor *tensor : *root->tensors())
    byName[tensor->name()->str()] = tensor;
  if (root->model_signature() != signature)
    return Status::error("weight file '" + path + "' belongs to model '" +
                         root->model_name()->str() + "' with other parameters" +
                         firstDifference(byName, tensors));
  // Check everything before copying anything.
  for (const TensorBuffers &want : tensors) {
    auto it = byName.find(want.name);
    if (it == byName.end())
      return Status::error("weight file '" + path + "' has no tensor '" +
                           want.name + "'");
    const fb::Tensor *have = it->second;
    size_t count = size_t(want.numElements());
    bool sameShape = have->shape()->size() == want.shape.size() &&
                     std::equal(want.shape.begin(), want.shape.end(),
                                have->shape()->begin());
    if (!sameShape || have->value()->size() != count ||
        have->momentum()->size() != count)
      return Status::error("tensor '" + want.name + "' in '" + path +
                           "' has another shape");
    if (checksum(have->value()->data(), have->momentum()->data(), count) !=
        have->crc32())
      return Status::error("tensor '" + want.name + "' in '" + path +
                           "' is corrupted (checksum mismatch)");
  }

  for (const TensorBuffers &want : tensors) {
    const fb::Tensor *have = byName[want.name];
    size_t bytes = size_t(want.numElements()) * sizeof(float);
    std::memcpy(want.value, have->value()->data(), bytes);
    std::memcpy(want.momentum, have->momentum()->data(), bytes);
  }
  const fb::Schedule *schedule = root->schedule();
  progress.seed = root->seed();
  progress.step = root->step();
  progress.epoch = root->epoch();
  progress.learningRate = schedule->learning_rate();
  progress.bestValidationError = schedule->best_validation_error();
  progress.epochsSinceBest = schedule->epochs_since_best();
  progress.drops = schedule->drops();
  const fb::EpochInProgress *inProgress = root->in_progress();
  progress.epochSteps = inProgress ? inProgress->steps() : 0;
  progress.epochLossSum = inProgress ? inProgress->loss_sum() : 0;
  progress.epochCorrect = inProgress ? inProgress->correct() : 0;
  const fb::RunShape *run = root->run();
  progress.trainImages = run ? run->train_images() : 0;
  progress.globalBatch = run ? run->global_batch() : 0;
  facts = DataFacts();
  if (const fb::DataFacts *data = root->data()) {
    facts.dataset = data->dataset() ? data->dataset()->str() : "";
    if (data->class_names())
      for (const flatbuffers::String *name : *data->class_names())
        facts.classNames.push_back(name->str());
    if (data->mean())
      facts.mean.assign(data->mean()->begin(), data->mean()->end());
    facts.meanHeight = data->mean_height();
    facts.meanWidth = data->mean_width();
  }
  return Status::success();
}
