#!/usr/bin/env bash
# The main job: set up, build, compile a model to a native executable and
# train it on Fashion-MNIST (Debian's dataset-fashion-mnist package).
#
# It trains models/fashion.model (AlexNet's shape at 28x28: two towers,
# grouped convs, LRN, overlapping pooling, dropout, SGD with momentum) for
# its seven epochs (EPOCHS=N to change): about two and a half minutes on
# two cores with an up-to-date build, to about 91% test accuracy (README). alexc compiles for the GPU (--target=cuda) when
# the machine has a CUDA device and the CUDA toolkit, else for the CPU; the
# line "target ..." says which. The full models/alexnet-fmnist.model
# compiles the same way; at 224x224 it needs the GPU to train in minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
bash tools/build.sh
build=${BUILD_DIR:-build}
out=$build/demo
mkdir -p "$out"

"$build/bin/alexc" summary models/fashion.model
"$build/bin/alexc" compile models/fashion.model -o "$out/fashion"
"$out/fashion" info | grep '^target'
"$out/fashion" train --weights "$out/fashion.fb" ${EPOCHS:+--epochs "$EPOCHS"} --force
"$out/fashion" eval --weights "$out/fashion.fb"
# What it learned: the first layer's kernels (one block of rows a tower)
# and the training curves, as PNG files.
"$out/fashion" kernels --weights "$out/fashion.fb" -o "$out/kernels.png"
/usr/bin/python3 tools/plot.py "$out/fashion.log.jsonl" -o "$out/curves.png"
echo "pictures: $out/kernels.png $out/curves.png"

