#!/usr/bin/env bash
# Decode + augment throughput of alexc's loader next to torchvision's
# (ImageFolder + RandomCrop + RandomHorizontalFlip + DataLoader), measured
# in the same run on generated JPEGs:
#   (a) full-size images (500x375, quality 90: ImageNet's typical photo),
#       read from their folder: decode, resize to 256, centre 256x256, then
#       the training crop and flip;
#   (b) prepared 256x256 images (quality 90, as alexc's prepare writes):
#       alexc reads its packed file, torchvision the JPEGs from their folder.
# One loader thread (worker) and one per core. Writes bench/RESULTS-data.md.
#   bash bench/data.sh [IMAGES_PER_CLASS]      (default 128; 4 classes)
set -euo pipefail
cd "$(dirname "$0")/.."

per_class=${1:-128}
source bench/common.sh
if ! $python -c 'import torchvision' 2>/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torchvision
fi
ninja -C "$build" alex-make-images >/dev/null
cores=$(nproc)
batch=128
batches=$(( 4 * per_class / batch ))

"$build/bin/alexc" compile models/alexnet.model --devices=1 -o "$work/alexnet" 2>/dev/null
mkdir -p "$work/full" "$work/prepared"
"$build/bin/alex-make-images" "$work/full" --classes 4 --train "$per_class" --val 1 \
  --size 500x375 --variants jpeg --quality 90
"$build/bin/alex-make-images" "$work/prepared" --classes 4 --train "$per_class" --val 1 \
  --size 256x256 --variants jpeg --quality 90 --seed 2
"$work/alexnet" prepare --data "$work/prepared" >/dev/null 2>&1

ours() { "$work/alexnet" bench --data-only --data "$1" --loader-threads "$2" \
           --steps "$batches" 2>/dev/null | field images_per_second; }
theirs() { $python bench/pytorch_data.py "$1" "$2" "$3" "$batches" "$batch" | field images_per_second; }

table="| images | threads | alexc img/s | torchvision img/s | alexc / torchvision |
|---|---|---|---|---|"
for set in full prepared; do
  for threads in 1 "$cores"; do
    a=$(ours "$work/$set" "$threads")
    # torchvision: one worker process per thread (0 would use the main one).
    b=$(theirs "$work/$set" "$set" "$threads")
    ratio=$($python -c "print(f'{$a / $b:.2f}')")
    name=$([ $set = full ] && echo "(a) 500x375 q90, from folders" || echo "(b) prepared 256x256 q90")
    table+=$'\n'"| $name | $threads | $a | $b | $ratio |"
  done
done

tv=$($python -c 'import torchvision; print(torchvision.__version__)')
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
report="# Data loading: alexc vs torchvision

Measured $(date -u +%Y-%m-%d) on $cores cores of $cpu; torchvision $tv
(Debian), Pillow decoding. $(( 4 * per_class )) generated JPEGs per set, batches
of $batch, the first batch untimed. alexc: \`bench --data-only\` of
models/alexnet.model (224x224 crops of 256x256, flip, PCA lighting, mean
image subtracted). torchvision: ImageFolder, Resize(256) + CenterCrop(256)
for (a), RandomCrop(224), RandomHorizontalFlip, ToTensor, Normalize,
DataLoader with one worker process per thread.

$table"
echo "$report" | tee bench/RESULTS-data.md
