//===- Prepare.cpp - the prepare command: packed files of an image folder -===//

#include "runtime/commands/Commands.h"

#include "runtime/Recipe.h"
#include "runtime/data/folders/Prepare.h"

namespace alexrt {

/// Packs the dataset for this model's input (its `resize` and channels).
int prepare(const ModelInfo &model, const Options &options) {
  std::string dir = options.get("data", model.dataPath);
  if (dir.empty())
    return fail("prepare needs --data DIR (an ImageFolder or list files)");
  if (model.resize <= 0)
    return fail("prepare needs the model's data.resize (the side of the "
                "prepared square images, 256 in the paper)");
  if (std::optional<std::string> problem = checkImageChannels(model.channels))
    return fail(*problem);
  Status status =
      prepareDataset(dir, options.get("out", dir), model.resize, model.channels,
                     model.classes, loaderThreads(model, options));
  if (!status.ok())
    return fail(status.message());
  return 0;
}

} // namespace alexrt
