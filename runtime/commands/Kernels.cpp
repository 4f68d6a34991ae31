//===- Kernels.cpp - the kernels command: Figure 3's picture --------------===//

#include "runtime/commands/Commands.h"

#include "runtime/data/images/Decode.h"
#include "runtime/data/images/KernelGrid.h"
#include "runtime/model/Session.h"
#include "runtime/support/Files.h"

#include <cstdio>

namespace alexrt {

/// A convolution's kernels as a PNG grid (Figure 3).
int kernels(Session &session, const Options &options) {
  std::string weights = options.get("weights"), out = options.get("out");
  if (weights.empty() || out.empty())
    return fail("kernels needs --weights FILE and -o FILE.png");
  if (Status writable = checkWritable(out, "PNG file"); !writable.ok())
    return fail(writable.message());
  if (Status status = session.load(weights); !status.ok())
    return fail(status.message());
  // The first convolution's filter, or --layer's.
  std::string layer = options.get("layer");
  for (const TensorBuffers &tensor : session.hostTensors()) {
    bool wanted = layer.empty() ? tensor.shape.size() == 4
                                : tensor.name == layer + ".weight";
    if (!wanted)
      continue;
    if (tensor.shape.size() != 4)
      return fail("'" + layer + "' is not a convolution");
    Image grid;
    std::vector<uint8_t> png;
    Status status = kernelGrid(tensor.value, tensor.shape,
                               session.model().devices, GridLayout(), grid);
    if (status.ok())
      status = encodePng(grid, png);
    if (status.ok())
      status = writeFileAtomically(out, "PNG file", png.data(), png.size());
    if (!status.ok())
      return fail(tensor.name + ": " + status.message());
    std::printf("%s: %lld kernels of %lldx%lldx%lld, %lld tower%s -> %s "
                "(%lldx%lld)\n",
                tensor.name.c_str(), (long long)tensor.shape[0],
                (long long)tensor.shape[1], (long long)tensor.shape[2],
                (long long)tensor.shape[3], (long long)session.model().devices,
                session.model().devices == 1 ? "" : "s", out.c_str(),
                (long long)grid.width, (long long)grid.height);
    return 0;
  }
  return fail(layer.empty() ? "the model has no convolution"
                            : "the model has no convolution '" + layer + "'");
}

} // namespace alexrt
