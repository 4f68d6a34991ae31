#!/usr/bin/env bash
# The training step on 1 and 2 devices (alexc compile --devices=N: the
# paper's towers, one thread each on the CPU), with the bytes the devices
# exchanged per step (measured by the runtime), next to PyTorch CPU on the
# same shapes in the same run. Writes bench/RESULTS-devices.md.
#   bash bench/devices.sh [BATCH] [STEPS]     (defaults: 16 and 10)
set -euo pipefail
cd "$(dirname "$0")/.."

batch=${1:-16}
steps=${2:-10}
source bench/common.sh

table="| model | devices | ms/step | img/s | bytes exchanged per step | PyTorch ms/step | alexc / PyTorch |
|---|---|---|---|---|---|---|"
for pair in tiny:tiny alexnet:paper; do
  model=${pair%%:*} variant=${pair##*:}
  theirs=$($python bench/pytorch_cpu.py "$variant" "$batch" "$steps" | field ms_per_step)
  for devices in 1 2; do
    "$build/bin/alexc" compile "models/$model.model" --target=cpu --batch "$batch" --devices=$devices -o "$work/$model"
    ours=$("$work/$model" bench --steps "$steps" --warmup 1 2>/dev/null)
    ms=$(echo "$ours" | field ms_per_step)
    ratio=$($python -c "print(f'{$ms / $theirs:.2f}')")
    table+=$'\n'"| $model | $devices | $ms | $(echo "$ours" | field images_per_second) | $(echo "$ours" | field exchanged_bytes_per_step) | $theirs | $ratio |"
  done
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
report="# Devices on the CPU: the training step split across the paper's two towers

Measured $(date -u +%Y-%m-%d) on $(nproc) cores of $cpu, batch $batch, median
of $steps steps after one warm-up, fp32. With 2 devices each tower is a
thread with its own buffers and GEMMs get half the cores; exchanges are
copies between the towers' buffers, counted by the runtime (both
directions). PyTorch CPU (one device) ran the same shapes in the same run.

$table"
echo "$report" | tee bench/RESULTS-devices.md
