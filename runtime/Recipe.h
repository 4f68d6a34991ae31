//===- Recipe.h - recipe rules that several stages check --------*- C++ -*-===//
//
// A recipe value some stage other than the one that set it depends on is
// checked against one rule, here: the frontend (frontend/Sema.cpp) and the
// attribute verifiers (dialect/AlexAttrs.cpp) for the model text and IR,
// the runtime for its command-line overrides and the datasets it opens.
// Each check returns the sentence to report, or nothing when the value
// keeps the rule; callers add where (file:line:col, a flag).
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_RECIPE_H
#define ALEXRT_RECIPE_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace alexrt {

/// Views averaged at test time: the centre crop, or the paper's ten (four
/// corners and the centre, and their mirror images). `name` is how the
/// value was given: "test_crops" in a model, "--crops" on a command line.
inline std::optional<std::string> checkTestCrops(std::string_view name,
                                                 int64_t crops) {
  if (crops == 1 || crops == 10)
    return std::nullopt;
  return std::string(name) +
         " must be 1 (centre) or 10 (corners, centre and their flips), got " +
         std::to_string(crops);
}

/// Devices a model's step is partitioned over: one, or the paper's two
/// towers (--alex-partition splits in halves).
inline std::optional<std::string> checkDevices(int64_t devices) {
  if (devices == 1 || devices == 2)
    return std::nullopt;
  return "devices must be 1 or 2 (the paper's towers), got " +
         std::to_string(devices);
}

/// Whether pictures have `channels`: grey or RGB. Decoding, packed files,
/// the kernels picture and image datasets all keep to it.
constexpr bool isPictureChannels(int64_t channels) {
  return channels == 1 || channels == 3;
}

/// Channels an image dataset can feed: grey or RGB pictures.
inline std::optional<std::string> checkImageChannels(int64_t channels) {
  if (isPictureChannels(channels))
    return std::nullopt;
  return "image datasets feed 1- or 3-channel inputs, not " +
         std::to_string(channels);
}

} // namespace alexrt

#endif // ALEXRT_RECIPE_H
