#!/usr/bin/env bash
# The main job: set up, build, and show alexc on the paper's network and the
# Fashion-MNIST variant (summary and the alex IR they compile to).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
bash tools/build.sh
alexc=${BUILD_DIR:-build}/bin/alexc

for model in models/alexnet.model models/alexnet-fmnist.model; do
  echo "== alexc summary $model"
  "$alexc" summary "$model"
  echo
done
echo "== alexc compile models/alexnet.model --emit=mlir (first lines)"
"$alexc" compile models/alexnet.model --emit=mlir | head -n 30
