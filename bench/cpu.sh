#!/usr/bin/env bash
# CPU training-step time of alexc's binaries next to PyTorch CPU on the same
# shapes, measured in the same run. Prints a table and writes it to
# bench/RESULTS-cpu.md with the date and machine.
#   bash bench/cpu.sh [BATCH] [STEPS]     (defaults: 8 and 5)
set -euo pipefail
cd "$(dirname "$0")/.."

batch=${1:-8}
steps=${2:-5}
source bench/common.sh

table="| model | batch | alexc ms/step | alexc img/s | PyTorch ms/step | PyTorch img/s | alexc / PyTorch time |
|---|---|---|---|---|---|---|"
for pair in tiny:tiny alexnet-fmnist:fmnist alexnet:paper; do
  model=${pair%%:*} variant=${pair##*:}
  "$build/bin/alexc" compile "models/$model.model" --target=cpu --batch "$batch" -o "$work/$model"
  ours=$("$work/$model" bench --steps "$steps" --warmup 1 2>/dev/null)
  theirs=$($python bench/pytorch_cpu.py "$variant" "$batch" "$steps")
  a=$(echo "$ours" | field ms_per_step) b=$(echo "$theirs" | field ms_per_step)
  ai=$(echo "$ours" | field images_per_second) bi=$(echo "$theirs" | field images_per_second)
  ratio=$($python -c "print(f'{$a / $b:.2f}')")
  table+=$'\n'"| $model | $batch | $a | $ai | $b | $bi | $ratio |"
done

torch_version="$(echo "$theirs" | field torch), $(echo "$theirs" | field threads) threads"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
report="# CPU training step: alexc vs PyTorch

Measured $(date -u +%Y-%m-%d) on $(nproc) cores of $cpu; PyTorch $torch_version.
Median of $steps steps after one warm-up, same shapes and batch, fp32. A
ratio below 1 means alexc is faster.

$table"
echo "$report" | tee bench/RESULTS-cpu.md
