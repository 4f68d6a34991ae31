//===- OptionValues.h - option values named beside their enum ---*- C++ -*-===//
//
// A command-line option over an enum takes the names the enum's own header
// gives its values (codeTargetName, precisionName) instead of spelling
// them again in a cl::values list: alexc's options and pass options (in
// Passes.td) both use these.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_PASSES_OPTIONVALUES_H
#define ALEX_PASSES_OPTIONVALUES_H

#include "passes/Pipeline.h"
#include "runtime/Precision.h"

#include "llvm/ADT/ArrayRef.h"

namespace alex {

/// A cl modifier (like cl::values) offering each of `values` under the
/// name `nameOf` gives it.
template <typename Enum, typename Name> class NamedValues {
public:
  NamedValues(llvm::ArrayRef<Enum> values, Name (*nameOf)(Enum))
      : values(values), nameOf(nameOf) {}

  template <typename Option> void apply(Option &option) const {
    for (Enum value : values)
      option.getParser().addLiteralOption(nameOf(value), value, "");
  }

private:
  llvm::ArrayRef<Enum> values;
  Name (*nameOf)(Enum);
};

/// --precision's values: alexrt::kPrecisions, by precisionName.
inline auto precisionValues() {
  return NamedValues<alexrt::Precision, const char *>(alexrt::kPrecisions,
                                                      alexrt::precisionName);
}

/// --target's values: kCodeTargets, by codeTargetName.
inline auto codeTargetValues() {
  return NamedValues<CodeTarget, llvm::StringRef>(kCodeTargets, codeTargetName);
}

} // namespace alex

#endif // ALEX_PASSES_OPTIONVALUES_H
