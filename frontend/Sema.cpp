//===- Sema.cpp - semantic checks of a parsed .model file -----------------===//

#include "frontend/Sema.h"

#include "dialect/Shapes.h"
#include "runtime/Precision.h"
#include "runtime/Recipe.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <variant>

using namespace alex;

namespace {

/// Integers in a model are sizes and counts: keep them far from overflow.
constexpr int64_t kMaxInteger = (int64_t(1) << 31) - 1;

/// The value ranges the language enforces on numeric keys.
enum class Range { Any, Positive, NonNegative, Fraction, Unit };

/// One key of a section or call, bound to a member of T.
template <typename T> struct Field {
  llvm::StringLiteral key;
  std::variant<int64_t T::*, double T::*, bool T::*, std::string T::*,
               llvm::SmallVector<int64_t, 4> T::*, std::vector<double> T::*,
               PerChannel T::*>
      member;
  Range range = Range::Any;
  bool required = false;
};

/// A `key = value` pair, from a section entry or a call's keyword argument.
struct KeyValue {
  llvm::StringRef key;
  llvm::SMLoc loc;
  const Expr *value;
};

/// The network's layer types: spelling, how many layer inputs, and keys.
struct LayerSignature {
  llvm::StringLiteral name;
  LayerKind kind;
  unsigned numInputs;
  std::vector<Field<Layer>> fields;
};

const std::vector<LayerSignature> &layerSignatures() {
  static const std::vector<LayerSignature> signatures = {
      {"input",
       LayerKind::Input,
       0,
       {{"shape", &Layer::shape, Range::Positive, true}}},
      {"labels", LayerKind::Labels, 0, {}},
      {"conv",
       LayerKind::Conv,
       1,
       {{"filters", &Layer::filters, Range::Positive, true},
        {"kernel", &Layer::kernel, Range::Positive, true},
        {"stride", &Layer::stride, Range::Positive},
        {"pad", &Layer::pad, Range::NonNegative},
        {"groups", &Layer::groups, Range::Positive},
        {"lr_mult", &Layer::lrMult, Range::NonNegative}}},
      {"relu", LayerKind::Relu, 1, {}},
      {"lrn",
       LayerKind::LRN,
       1,
       {{"size", &Layer::size, Range::Positive},
        {"alpha", &Layer::alpha},
        {"beta", &Layer::beta},
        {"k", &Layer::k},
        {"groups", &Layer::groups, Range::Positive}}},
      {"max_pool",
       LayerKind::MaxPool,
       1,
       {{"window", &Layer::window, Range::Positive, true},
        {"stride", &Layer::stride, Range::Positive, true}}},
      {"flatten", LayerKind::Flatten, 1, {}},
      {"dense",
       LayerKind::Dense,
       1,
       {{"units", &Layer::units, Range::Positive, true},
        {"lr_mult", &Layer::lrMult, Range::NonNegative}}},
      {"dropout", LayerKind::Dropout, 1, {{"rate", &Layer::rate}}},
      {"softmax_cross_entropy", LayerKind::Loss, 2, {}},
  };
  return signatures;
}

const std::vector<Field<InitRule>> kConstantFields = {
    {"value", &InitRule::value, Range::Any, true}};
const std::vector<Field<InitRule>> kGaussianFields = {
    {"std", &InitRule::std, Range::Positive, true}, {"mean", &InitRule::mean}};
const std::vector<Field<InitRule>> kXavierFields = {
    {"gain", &InitRule::gain, Range::Positive}};

const std::vector<Field<Schedule>> kStepFields = {
    {"every", &Schedule::every, Range::Positive, true},
    {"factor", &Schedule::factor, Range::Fraction}};
const std::vector<Field<Schedule>> kPlateauFields = {
    {"factor", &Schedule::factor, Range::Fraction},
    {"patience", &Schedule::patience, Range::Positive},
    {"max_drops", &Schedule::maxDrops, Range::NonNegative}};

/// `method` and `schedule` are checked by hand; the rest by table.
struct OptimizerSection {
  std::string method = "sgd";
  double lr, momentum, weightDecay;
};
const std::vector<Field<OptimizerSection>> kOptimizerFields = {
    {"method", &OptimizerSection::method},
    {"lr", &OptimizerSection::lr, Range::Positive},
    {"momentum", &OptimizerSection::momentum, Range::Fraction},
    {"weight_decay", &OptimizerSection::weightDecay, Range::Unit}};

const std::vector<Field<Recipe>> kTrainFields = {
    {"batch", &Recipe::batch, Range::Positive},
    {"epochs", &Recipe::epochs, Range::Positive},
    {"devices", &Recipe::devices, Range::Positive},
    {"replicas", &Recipe::replicas, Range::Positive},
    {"seed", &Recipe::seed, Range::NonNegative},
    {"precision", &Recipe::precision}};

const std::vector<Field<DataSpec>> kDataFields = {
    {"dataset", &DataSpec::dataset},
    {"path", &DataSpec::path},
    {"resize", &DataSpec::resize, Range::NonNegative},
    {"random_crop", &DataSpec::randomCrop},
    {"flip", &DataSpec::flip},
    {"lighting", &DataSpec::lighting, Range::NonNegative},
    {"mean_subtract", &DataSpec::meanSubtract},
    {"normalize", &DataSpec::normalize},
    {"test_crops", &DataSpec::testCrops, Range::Positive}};

const std::vector<Field<PerChannel>> kPerChannelFields = {
    {"mean", &PerChannel::mean, Range::Any, true},
    {"std", &PerChannel::stdDev, Range::Positive, true}};

const char *const kKnownDatasets[] = {"fashion_mnist", "imagenet", "synthetic"};
const char *const kSections[] = {"network", "init", "optimizer",
                                 "train",   "data", "pytorch"};

/// The closest candidate within a small edit distance, for "did you mean".
template <typename Range>
std::string closest(llvm::StringRef word, const Range &candidates) {
  std::string best;
  unsigned bestDistance = 3;
  for (llvm::StringRef candidate : candidates) {
    unsigned distance = word.edit_distance(candidate, true, bestDistance);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate.str();
    }
  }
  return best;
}

std::string didYouMean(const std::string &suggestion) {
  return suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?";
}

class Checker {
public:
  Checker(const ModelAST &ast, llvm::SourceMgr &sourceMgr)
      : ast(ast), sourceMgr(sourceMgr) {}

  std::optional<Model> run();

private:
  bool error(llvm::SMLoc loc, const llvm::Twine &message) {
    sourceMgr.PrintMessage(loc, llvm::SourceMgr::DK_Error, message);
    ++numErrors;
    return false;
  }

  template <typename T>
  bool assign(T &target, llvm::StringRef owner, llvm::SMLoc ownerLoc,
              llvm::ArrayRef<KeyValue> values,
              const std::vector<Field<T>> &fields);
  template <typename T>
  bool assignValue(T &target, const Field<T> &field, const KeyValue &kv);
  bool checkRange(const KeyValue &kv, double value, Range range);
  /// Keyword arguments, with positional ones named after the fields in order.
  template <typename T>
  bool callArgs(const Expr &call, const std::vector<Field<T>> &fields,
                llvm::SmallVectorImpl<KeyValue> &values);

  const Section *findSection(llvm::StringRef name);
  bool checkSections();
  bool checkNetwork(const Section &section);
  bool checkLayer(const Entry &entry, Layer &layer,
                  llvm::SmallVectorImpl<const Expr *> &inputRefs);
  bool
  resolveAndOrder(std::vector<Layer> &layers,
                  const std::vector<llvm::SmallVector<const Expr *, 2>> &refs);
  bool checkGraphRoles();
  bool checkInit(const Section &section);
  bool checkInitRule(const Expr &value, InitRule &rule);
  bool checkOptimizer(const Section &section);
  bool checkSchedule(const Expr &value, Schedule &schedule);
  bool checkTrain(const Section &section);
  bool checkData(const Section &section);
  /// `normalize` against the input's channels and `mean_subtract`.
  bool checkNormalize(const DataSpec &data);
  bool checkPyTorch(const Section &section);
  /// The layer `target` names, if it has parameters; else reports why not.
  Layer *layerWithParams(const Target &target);

  static llvm::SmallVector<KeyValue> entriesOf(const Section &section);

  const ModelAST &ast;
  llvm::SourceMgr &sourceMgr;
  unsigned numErrors = 0;
  Model model;
};

} // namespace

llvm::StringRef alex::layerKindName(LayerKind kind) {
  for (const LayerSignature &signature : layerSignatures())
    if (signature.kind == kind)
      return signature.name;
  return "layer";
}

//===----------------------------------------------------------------------===//
// Keys and values
//===----------------------------------------------------------------------===//

bool Checker::checkRange(const KeyValue &kv, double value, Range range) {
  auto fail = [&](const char *what) {
    return error(kv.value->loc, "'" + kv.key + "' must be " + what + ", got " +
                                    formatNumber(value));
  };
  switch (range) {
  case Range::Any:
    return true;
  case Range::Positive:
    return value > 0 || fail("positive");
  case Range::NonNegative:
    return value >= 0 || fail("non-negative");
  case Range::Fraction:
    return (value >= 0 && value < 1) || fail("in [0, 1)");
  case Range::Unit:
    return (value >= 0 && value <= 1) || fail("in [0, 1]");
  }
  return true;
}

template <typename T>
bool Checker::assignValue(T &target, const Field<T> &field,
                          const KeyValue &kv) {
  const Expr &value = *kv.value;
  auto mismatch = [&](llvm::StringRef expected) {
    return error(value.loc, "'" + kv.key + "' expects " + expected + ", got " +
                                describe(value.kind));
  };
  auto checkInteger = [&](int64_t v) {
    if (v > kMaxInteger || v < -kMaxInteger)
      return error(value.loc, "'" + kv.key + "' is too large");
    return checkRange(kv, static_cast<double>(v), field.range);
  };

  if (auto member = std::get_if<int64_t T::*>(&field.member)) {
    if (value.kind != Expr::Kind::Integer)
      return mismatch("an integer");
    if (!checkInteger(value.intValue))
      return false;
    target.**member = value.intValue;
    return true;
  }
  if (auto member = std::get_if<double T::*>(&field.member)) {
    if (!value.isNumber())
      return mismatch("a number");
    if (!std::isfinite(value.floatValue))
      return error(value.loc, "'" + kv.key + "' must be finite");
    if (!checkRange(kv, value.floatValue, field.range))
      return false;
    target.**member = value.floatValue;
    return true;
  }
  if (auto member = std::get_if<bool T::*>(&field.member)) {
    if (value.kind != Expr::Kind::Name ||
        (value.text != "true" && value.text != "false"))
      return mismatch("true or false");
    target.**member = value.text == "true";
    return true;
  }
  if (auto member = std::get_if<std::string T::*>(&field.member)) {
    if (value.kind != Expr::Kind::Name && value.kind != Expr::Kind::String)
      return mismatch("a name or a string");
    target.**member = value.text;
    return true;
  }
  if (auto member = std::get_if<std::vector<double> T::*>(&field.member)) {
    if (value.kind != Expr::Kind::List)
      return mismatch("a list of numbers such as [0.5, 0.5, 0.5]");
    if (value.args.empty())
      return error(value.loc, "'" + kv.key +
                                  "' expects a list of numbers "
                                  "such as [0.5, 0.5, 0.5], got "
                                  "an empty list");
    std::vector<double> numbers;
    for (const Arg &element : value.args) {
      const Expr &number = *element.value;
      if (!number.isNumber())
        return error(number.loc, "'" + kv.key + "' expects numbers, got " +
                                     describe(number.kind));
      if (!std::isfinite(number.floatValue))
        return error(number.loc, "'" + kv.key + "' must be finite");
      if (!checkRange({kv.key, number.loc, &number}, number.floatValue,
                      field.range))
        return false;
      numbers.push_back(number.floatValue);
    }
    target.**member = std::move(numbers);
    return true;
  }
  if (auto member = std::get_if<PerChannel T::*>(&field.member)) {
    if (value.kind != Expr::Kind::Call || value.text != "per_channel")
      return error(value.loc, "'" + kv.key +
                                  "' expects per_channel(mean=[...], "
                                  "std=[...]), as torchvision's "
                                  "Normalize");
    PerChannel &perChannel = target.**member;
    perChannel.loc = value.loc;
    llvm::SmallVector<KeyValue> values;
    return callArgs(value, kPerChannelFields, values) &&
           assign(perChannel, "per_channel", value.loc, values,
                  kPerChannelFields);
  }
  auto member = std::get<llvm::SmallVector<int64_t, 4> T::*>(field.member);
  if (value.kind != Expr::Kind::Shape)
    return mismatch("a shape such as 3x224x224");
  for (int64_t dim : value.dims)
    if (!checkInteger(dim))
      return false;
  target.*member = value.dims;
  return true;
}

template <typename T>
bool Checker::assign(T &target, llvm::StringRef owner, llvm::SMLoc ownerLoc,
                     llvm::ArrayRef<KeyValue> values,
                     const std::vector<Field<T>> &fields) {
  bool ok = true;
  llvm::StringMap<llvm::SMLoc> seen;
  // A misspelt key was reported once; don't report its key missing too.
  llvm::StringSet<> suggested;
  for (const KeyValue &kv : values) {
    auto field = llvm::find_if(
        fields, [&](const Field<T> &f) { return f.key == kv.key; });
    if (field == fields.end()) {
      llvm::SmallVector<llvm::StringRef> keys;
      for (const Field<T> &f : fields)
        keys.push_back(f.key);
      std::string suggestion = closest(kv.key, keys);
      suggested.insert(suggestion);
      std::string hint = didYouMean(suggestion);
      if (hint.empty() && !keys.empty())
        hint = " (expected " + llvm::join(keys, ", ") + ")";
      ok = error(kv.loc, "unknown key '" + kv.key + "' in " + owner + hint);
      continue;
    }
    if (!seen.try_emplace(kv.key, kv.loc).second) {
      ok = error(kv.loc, "'" + kv.key + "' is given twice in " + owner);
      continue;
    }
    ok &= assignValue(target, *field, kv);
  }
  for (const Field<T> &field : fields)
    if (field.required && !seen.count(field.key) &&
        !suggested.contains(field.key))
      ok = error(ownerLoc, owner + " needs '" + field.key + "'");
  return ok;
}

template <typename T>
bool Checker::callArgs(const Expr &call, const std::vector<Field<T>> &fields,
                       llvm::SmallVectorImpl<KeyValue> &values) {
  unsigned position = 0;
  for (const Arg &arg : call.args) {
    if (!arg.key.empty()) {
      values.push_back({arg.key, arg.keyLoc, arg.value.get()});
      continue;
    }
    if (position >= fields.size())
      return error(arg.value->loc, "too many arguments to '" + call.text + "'");
    values.push_back({fields[position++].key, arg.value->loc, arg.value.get()});
  }
  return true;
}

llvm::SmallVector<KeyValue> Checker::entriesOf(const Section &section) {
  llvm::SmallVector<KeyValue> values;
  for (const Entry &entry : section.entries)
    values.push_back({entry.targets.front().name, entry.targets.front().loc,
                      entry.value.get()});
  return values;
}

//===----------------------------------------------------------------------===//
// Sections
//===----------------------------------------------------------------------===//

const Section *Checker::findSection(llvm::StringRef name) {
  for (const Section &section : ast.sections)
    if (section.name == name)
      return &section;
  return nullptr;
}

bool Checker::checkSections() {
  bool ok = true;
  llvm::StringSet<> seen;
  for (const Section &section : ast.sections) {
    if (!llvm::is_contained(kSections, section.name)) {
      ok = error(section.loc, "unknown section '" + section.name + "'" +
                                  didYouMean(closest(section.name, kSections)));
      continue;
    }
    if (!seen.insert(section.name).second)
      ok = error(section.loc, "section '" + section.name + "' appears twice");
    // Only `init` entries may name several targets or fields.
    if (section.name == "init")
      continue;
    for (const Entry &entry : section.entries) {
      const Target &target = entry.targets.front();
      if (entry.targets.size() > 1)
        ok = error(entry.targets[1].loc,
                   "only init rules may have several targets");
      else if (!target.field.empty() || target.name == "*")
        ok = error(target.loc, "expected a plain name before '=' in section '" +
                                   section.name + "'");
    }
  }
  if (!seen.contains("network"))
    ok = error(ast.loc, "model '" + ast.name + "' has no 'network' section");
  return ok;
}

bool Checker::checkOptimizer(const Section &section) {
  OptimizerSection optimizer{"sgd", model.recipe.lr, model.recipe.momentum,
                             model.recipe.weightDecay};
  llvm::SmallVector<KeyValue> values;
  const Expr *schedule = nullptr;
  for (const KeyValue &kv : entriesOf(section)) {
    if (kv.key == "schedule")
      schedule = kv.value;
    else
      values.push_back(kv);
  }
  model.recipe.optimizerLoc = section.loc;
  bool ok =
      assign(optimizer, "optimizer", section.loc, values, kOptimizerFields);
  auto method = llvm::find_if(
      values, [](const KeyValue &kv) { return kv.key == "method"; });
  if (ok && optimizer.method != "sgd")
    ok = error(method->value->loc, "unknown optimizer method '" +
                                       optimizer.method +
                                       "' (alexc trains with sgd)");
  model.recipe.lr = optimizer.lr;
  model.recipe.momentum = optimizer.momentum;
  model.recipe.weightDecay = optimizer.weightDecay;
  if (schedule)
    ok &= checkSchedule(*schedule, model.recipe.schedule);
  return ok;
}

bool Checker::checkSchedule(const Expr &value, Schedule &schedule) {
  if (value.kind == Expr::Kind::Name && value.text == "constant") {
    schedule.kind = Schedule::Kind::Constant;
    return true;
  }
  if (value.kind != Expr::Kind::Call)
    return error(value.loc, "'schedule' expects constant, step(every=..., "
                            "factor=...) or plateau(factor=..., patience=..., "
                            "max_drops=...)");
  llvm::SmallVector<KeyValue> values;
  if (value.text == "step") {
    schedule.kind = Schedule::Kind::Step;
    return callArgs(value, kStepFields, values) &&
           assign(schedule, "step", value.loc, values, kStepFields);
  }
  if (value.text == "plateau") {
    schedule.kind = Schedule::Kind::Plateau;
    return callArgs(value, kPlateauFields, values) &&
           assign(schedule, "plateau", value.loc, values, kPlateauFields);
  }
  return error(value.loc, "unknown schedule '" + value.text +
                              "' (expected constant, step or plateau)");
}

bool Checker::checkTrain(const Section &section) {
  model.recipe.trainLoc = section.loc;
  if (!assign(model.recipe, "train", section.loc, entriesOf(section),
              kTrainFields))
    return false;
  if (std::optional<std::string> problem =
          alexrt::checkDevices(model.recipe.devices))
    return error(section.loc, *problem);
  llvm::SmallVector<KeyValue> entries = entriesOf(section);
  auto precision = llvm::find_if(
      entries, [](const KeyValue &kv) { return kv.key == "precision"; });
  if (precision != entries.end())
    model.recipe.precisionLoc = precision->value->loc;
  if (!alexrt::precisionNamed(model.recipe.precision)) {
    std::string known;
    for (alexrt::Precision each : alexrt::kPrecisions)
      known +=
          std::string(known.empty() ? "" : ", ") + alexrt::precisionName(each);
    return error(precision->value->loc, "unknown precision '" +
                                            model.recipe.precision +
                                            "' (expected " + known + ")");
  }
  return true;
}

bool Checker::checkData(const Section &section) {
  DataSpec &data = model.recipe.data;
  data.loc = section.loc;
  llvm::SmallVector<KeyValue> entries = entriesOf(section);
  if (!assign(data, "data", section.loc, entries, kDataFields))
    return false;
  if (data.normalize.given() && !checkNormalize(data))
    return false;
  if (!llvm::is_contained(kKnownDatasets, data.dataset)) {
    auto dataset = llvm::find_if(
        entries, [](const KeyValue &kv) { return kv.key == "dataset"; });
    return error(dataset->value->loc,
                 "unknown dataset '" + data.dataset +
                     "' (expected fashion_mnist, imagenet or synthetic)" +
                     didYouMean(closest(data.dataset, kKnownDatasets)));
  }
  if (std::optional<std::string> problem =
          alexrt::checkTestCrops("test_crops", data.testCrops))
    return error(data.loc, *problem);
  return true;
}

bool Checker::checkNormalize(const DataSpec &data) {
  const PerChannel &normalize = data.normalize;
  if (data.meanSubtract)
    return error(normalize.loc,
                 "'normalize' and 'mean_subtract' both subtract a mean: "
                 "give one");
  // Pixels are normalised per channel: one mean and one std each.
  auto input = llvm::find_if(model.layers, [](const Layer &layer) {
    return layer.kind == LayerKind::Input;
  });
  size_t channels = input != model.layers.end() && !input->shape.empty()
                        ? size_t(input->shape.front())
                        : normalize.mean.size();
  for (auto [key, list] : {std::pair{"mean", &normalize.mean},
                           std::pair{"std", &normalize.stdDev}})
    if (list->size() != channels)
      return error(normalize.loc, "per_channel " + llvm::Twine(key) + " has " +
                                      llvm::Twine(list->size()) +
                                      " values but the input has " +
                                      llvm::Twine(channels) + " channels");
  return true;
}

//===----------------------------------------------------------------------===//
// Init rules
//===----------------------------------------------------------------------===//

bool Checker::checkInitRule(const Expr &value, InitRule &rule) {
  rule = InitRule();
  rule.loc = value.loc;
  if (value.kind != Expr::Kind::Call)
    return error(value.loc, "an init rule is gaussian(std=...), constant(...) "
                            "or xavier(), got " +
                                describe(value.kind));
  const std::vector<Field<InitRule>> *fields;
  if (value.text == "constant") {
    rule.kind = InitRule::Kind::Constant;
    fields = &kConstantFields;
  } else if (value.text == "gaussian") {
    rule.kind = InitRule::Kind::Gaussian;
    fields = &kGaussianFields;
  } else if (value.text == "xavier") {
    rule.kind = InitRule::Kind::Xavier;
    fields = &kXavierFields;
  } else {
    return error(value.loc, "unknown init rule '" + value.text +
                                "' (expected gaussian, constant or xavier)");
  }
  llvm::SmallVector<KeyValue> values;
  return callArgs(value, *fields, values) &&
         assign(rule, value.text, value.loc, values, *fields);
}

bool Checker::checkInit(const Section &section) {
  // Defaults: the paper's rules. Later entries override earlier ones.
  InitRule weights, biases;
  weights.kind = InitRule::Kind::Gaussian;
  weights.std = 0.01;
  for (Layer &layer : model.layers) {
    layer.weightInit = weights;
    layer.biasInit = biases;
  }
  bool ok = true;
  for (const Entry &entry : section.entries) {
    InitRule rule;
    if (!checkInitRule(*entry.value, rule)) {
      ok = false;
      continue;
    }
    for (const Target &target : entry.targets) {
      if (target.field != "weight" && target.field != "bias") {
        ok = error(target.loc, "init targets look like conv1.weight, "
                               "fc6.bias or *.weight");
        continue;
      }
      bool isWeight = target.field == "weight";
      if (target.name == "*") {
        for (Layer &layer : model.layers)
          (isWeight ? layer.weightInit : layer.biasInit) = rule;
        continue;
      }
      Layer *layer = layerWithParams(target);
      if (!layer) {
        ok = false;
        continue;
      }
      (isWeight ? layer->weightInit : layer->biasInit) = rule;
    }
  }
  return ok;
}

//===----------------------------------------------------------------------===//
// PyTorch's names
//===----------------------------------------------------------------------===//

Layer *Checker::layerWithParams(const Target &target) {
  auto layer = llvm::find_if(
      model.layers, [&](const Layer &l) { return l.name == target.name; });
  if (layer == model.layers.end()) {
    error(target.loc, "unknown layer '" + target.name + "'");
    return nullptr;
  }
  if (!layer->hasParams()) {
    error(target.loc, "layer '" + target.name + "' (" +
                          layerKindName(layer->kind) + ") has no parameters");
    return nullptr;
  }
  return &*layer;
}

bool Checker::checkPyTorch(const Section &section) {
  bool ok = true;
  llvm::StringMap<llvm::SMLoc> taken;
  for (const Entry &entry : section.entries) {
    const Target &target = entry.targets.front();
    const Expr &value = *entry.value;
    Layer *layer = layerWithParams(target);
    if (!layer) {
      ok = false;
      continue;
    }
    if (value.kind != Expr::Kind::String || value.text.empty()) {
      ok = error(value.loc, "expected PyTorch's module name as a string, "
                            "such as \"features.0\"");
      continue;
    }
    if (!layer->pytorchName.empty()) {
      ok = error(target.loc, "layer '" + target.name + "' is named twice");
      continue;
    }
    if (!taken.try_emplace(value.text, value.loc).second) {
      ok = error(value.loc, "\"" + value.text + "\" names two layers");
      continue;
    }
    // A file's tensor is read under either name: one layer's PyTorch name
    // must not be another's own.
    if (value.text != target.name &&
        llvm::any_of(model.layers,
                     [&](const Layer &l) { return l.name == value.text; })) {
      ok = error(value.loc, "\"" + value.text + "\" is layer " + value.text +
                                "'s own name");
      continue;
    }
    layer->pytorchName = value.text;
  }
  return ok;
}

//===----------------------------------------------------------------------===//
// The network
//===----------------------------------------------------------------------===//

bool Checker::checkLayer(const Entry &entry, Layer &layer,
                         llvm::SmallVectorImpl<const Expr *> &inputRefs) {
  const Target &target = entry.targets.front();
  const Expr &call = *entry.value;
  layer.name = target.name;
  layer.loc = target.loc;
  if (call.kind != Expr::Kind::Call)
    return error(call.loc, "a layer is a call such as conv(x, filters=96, "
                           "kernel=11), got " +
                               describe(call.kind));

  const auto &signatures = layerSignatures();
  auto signature = llvm::find_if(
      signatures, [&](const LayerSignature &s) { return s.name == call.text; });
  if (signature == signatures.end()) {
    llvm::SmallVector<llvm::StringRef> names;
    for (const LayerSignature &s : signatures)
      names.push_back(s.name);
    return error(call.loc, "unknown layer type '" + call.text + "'" +
                               didYouMean(closest(call.text, names)));
  }
  layer.kind = signature->kind;

  bool ok = true;
  llvm::SmallVector<KeyValue> values;
  for (const Arg &arg : call.args) {
    if (!arg.key.empty()) {
      values.push_back({arg.key, arg.keyLoc, arg.value.get()});
    } else if (arg.value->kind != Expr::Kind::Name) {
      ok = error(arg.value->loc, "expected a layer name as input of '" +
                                     layer.name + "', got " +
                                     describe(arg.value->kind));
    } else {
      inputRefs.push_back(arg.value.get());
    }
  }
  if (ok && inputRefs.size() != signature->numInputs)
    ok = error(call.loc, call.text + " takes " +
                             llvm::Twine(signature->numInputs) + " input" +
                             (signature->numInputs == 1 ? "" : "s") + ", got " +
                             llvm::Twine(inputRefs.size()));
  std::string owner = (call.text + " '" + layer.name + "'");
  ok &= assign(layer, owner, call.loc, values, signature->fields);
  if (layer.kind == LayerKind::Input && ok && layer.shape.size() != 3)
    ok = error(values.front().value->loc,
               "input shape must be CxHxW (one image), got " +
                   llvm::Twine(layer.shape.size()) + " dimensions");
  return ok;
}

bool Checker::resolveAndOrder(
    std::vector<Layer> &layers,
    const std::vector<llvm::SmallVector<const Expr *, 2>> &refs) {
  llvm::StringMap<unsigned> index;
  bool ok = true;
  for (unsigned i = 0; i < layers.size(); ++i)
    if (!index.try_emplace(layers[i].name, i).second)
      ok = error(layers[i].loc, "layer '" + layers[i].name +
                                    "' is defined twice (first at line " +
                                    llvm::Twine(sourceMgr.FindLineNumber(
                                        layers[index[layers[i].name]].loc)) +
                                    ")");
  if (!ok)
    return false;

  std::vector<llvm::SmallVector<unsigned, 2>> edges(layers.size());
  for (unsigned i = 0; i < layers.size(); ++i) {
    for (const Expr *ref : refs[i]) {
      auto it = index.find(ref->text);
      if (it == index.end()) {
        llvm::SmallVector<llvm::StringRef> names;
        for (const Layer &layer : layers)
          names.push_back(layer.name);
        ok = error(ref->loc, "unknown layer '" + ref->text + "'" +
                                 didYouMean(closest(ref->text, names)));
        continue;
      }
      edges[i].push_back(it->second);
    }
  }
  if (!ok)
    return false;

  // Depth-first order with an explicit stack; a grey node seen again closes
  // a cycle.
  enum Color : char { White, Grey, Black };
  std::vector<Color> color(layers.size(), White);
  std::vector<unsigned> order, newIndex(layers.size());
  for (unsigned root = 0; root < layers.size(); ++root) {
    if (color[root] != White)
      continue;
    std::vector<std::pair<unsigned, unsigned>> stack{{root, 0}};
    color[root] = Grey;
    while (!stack.empty()) {
      auto &[node, next] = stack.back();
      if (next < edges[node].size()) {
        unsigned input = edges[node][next++];
        if (color[input] == Grey) {
          std::string path = layers[input].name;
          bool inCycle = false;
          for (auto &frame : stack) {
            inCycle |= frame.first == input;
            if (inCycle && frame.first != input)
              path += " <- " + layers[frame.first].name;
          }
          return error(layers[input].loc, "layer '" + layers[input].name +
                                              "' depends on itself: " + path +
                                              " <- " + layers[input].name);
        }
        if (color[input] == White) {
          color[input] = Grey;
          stack.push_back({input, 0});
        }
        continue;
      }
      color[node] = Black;
      newIndex[node] = order.size();
      order.push_back(node);
      stack.pop_back();
    }
  }

  for (unsigned old : order) {
    Layer layer = layers[old];
    layer.inputs.clear();
    for (unsigned input : edges[old])
      layer.inputs.push_back(newIndex[input]);
    model.layers.push_back(std::move(layer));
  }
  return true;
}

bool Checker::checkGraphRoles() {
  bool ok = true;
  const Layer *input = nullptr, *labels = nullptr, *loss = nullptr;
  for (const Layer &layer : model.layers) {
    const Layer **slot = layer.kind == LayerKind::Input    ? &input
                         : layer.kind == LayerKind::Labels ? &labels
                         : layer.kind == LayerKind::Loss   ? &loss
                                                           : nullptr;
    if (!slot)
      continue;
    if (*slot)
      ok = error(layer.loc, "a network has one " + layerKindName(layer.kind) +
                                " layer; '" + (*slot)->name +
                                "' is one already");
    else
      *slot = &layer;
  }
  if (!input)
    ok = error(ast.loc, "the network has no input layer: add "
                        "'image = input(shape=CxHxW)'");
  if (!labels)
    ok = error(ast.loc, "the network has no labels layer: add "
                        "'label = labels()'");
  if (!loss)
    ok = error(ast.loc, "the network has no loss: add "
                        "'loss = softmax_cross_entropy(logits, label)'");
  for (const Layer &layer : model.layers) {
    for (auto [position, inputIndex] : llvm::enumerate(layer.inputs)) {
      const Layer &producer = model.layers[inputIndex];
      bool wantsLabels = layer.kind == LayerKind::Loss && position == 1;
      if (producer.kind == LayerKind::Loss)
        ok = error(layer.loc, "'" + layer.name + "' reads the loss '" +
                                  producer.name + "'; nothing may");
      else if (wantsLabels && producer.kind != LayerKind::Labels)
        ok = error(layer.loc, "the second input of '" + layer.name +
                                  "' must be the labels layer, got '" +
                                  producer.name + "'");
      else if (!wantsLabels && producer.kind == LayerKind::Labels)
        ok = error(layer.loc, "'" + layer.name + "' reads the labels '" +
                                  producer.name +
                                  "'; only the loss may read them");
    }
  }
  return ok;
}

bool Checker::checkNetwork(const Section &section) {
  std::vector<Layer> layers;
  std::vector<llvm::SmallVector<const Expr *, 2>> refs;
  bool ok = true;
  for (const Entry &entry : section.entries) {
    Layer &layer = layers.emplace_back();
    llvm::SmallVector<const Expr *, 2> &inputRefs = refs.emplace_back();
    ok &= checkLayer(entry, layer, inputRefs);
  }
  return ok && resolveAndOrder(layers, refs) && checkGraphRoles();
}

std::optional<Model> Checker::run() {
  model.name = ast.name;
  model.loc = ast.loc;
  model.recipe.optimizerLoc = model.recipe.trainLoc = model.recipe.data.loc =
      ast.loc;
  if (!checkSections())
    return std::nullopt;
  bool ok = checkNetwork(*findSection("network"));
  if (ok) {
    static const Section noRules;
    const Section *init = findSection("init");
    ok = checkInit(init ? *init : noRules);
  }
  // Missing sections keep the paper's recipe (see Model.h).
  if (const Section *optimizer = findSection("optimizer"))
    ok &= checkOptimizer(*optimizer);
  if (const Section *train = findSection("train"))
    ok &= checkTrain(*train);
  if (const Section *data = findSection("data"))
    ok &= checkData(*data);
  if (const Section *pytorch = findSection("pytorch"); pytorch && ok)
    ok &= checkPyTorch(*pytorch);
  if (!ok || numErrors)
    return std::nullopt;
  return std::move(model);
}

std::optional<Model> alex::checkModel(const ModelAST &ast,
                                      llvm::SourceMgr &sourceMgr) {
  return Checker(ast, sourceMgr).run();
}

bool alex::checkPrecisionTarget(const Model &model, llvm::SourceMgr &sourceMgr,
                                bool gpuTarget) {
  const Recipe &recipe = model.recipe;
  std::optional<alexrt::Precision> precision =
      alexrt::precisionNamed(recipe.precision);
  if (gpuTarget || !precision || !alexrt::needsGpu(*precision))
    return true;
  std::string hostPrecisions;
  for (alexrt::Precision each : alexrt::kPrecisions)
    if (!alexrt::needsGpu(each))
      hostPrecisions += (hostPrecisions.empty() ? "" : " or ") +
                        std::string(alexrt::precisionName(each));
  sourceMgr.PrintMessage(recipe.precisionLoc.isValid() ? recipe.precisionLoc
                                                       : model.loc,
                         llvm::SourceMgr::DK_Error,
                         "precision " + recipe.precision + " " +
                             std::string(alexrt::kNeedsGpuReason) +
                             "; this target computes in " + hostPrecisions);
  return false;
}

bool alex::checkBatchSplit(const Model &model, llvm::SourceMgr &sourceMgr) {
  const Recipe &recipe = model.recipe;
  if (recipe.batch % recipe.replicas == 0)
    return true;
  sourceMgr.PrintMessage(
      recipe.trainLoc.isValid() ? recipe.trainLoc : model.loc,
      llvm::SourceMgr::DK_Error,
      "batch " + llvm::Twine(recipe.batch) + " does not split evenly across " +
          llvm::Twine(recipe.replicas) +
          " replicas (each replica computes batch / replicas images a step)");
  return false;
}
