#!/usr/bin/env bash
# The main job: set up, build, compile a model to a native executable and
# train it on Fashion-MNIST (Debian's dataset-fashion-mnist package).
#
# On the CPU this trains models/tiny.model (AlexNet-shaped: grouped convs,
# LRN, overlapping pooling, dropout) for five epochs (EPOCHS=N to change),
# about a minute on two cores. alexc compiles for the GPU (--target=cuda)
# when the machine has a CUDA device and the CUDA toolkit, else for the
# CPU; the line "target ..." says which. The full
# models/alexnet-fmnist.model compiles the same way; at 224x224 it needs
# the GPU to train in minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
bash tools/build.sh
build=${BUILD_DIR:-build}
out=$build/demo
mkdir -p "$out"

"$build/bin/alexc" summary models/tiny.model
"$build/bin/alexc" compile models/tiny.model -o "$out/tiny"
"$out/tiny" info | grep '^target'
"$out/tiny" train --weights "$out/tiny.fb" --epochs "${EPOCHS:-5}" --force
"$out/tiny" eval --weights "$out/tiny.fb"
# What it learned: the first layer's kernels (one block of rows a tower)
# and the training curves, as PNG files.
"$out/tiny" kernels --weights "$out/tiny.fb" -o "$out/kernels.png"
/usr/bin/python3 tools/plot.py "$out/tiny.log.jsonl" -o "$out/curves.png"
echo "pictures: $out/kernels.png $out/curves.png"

