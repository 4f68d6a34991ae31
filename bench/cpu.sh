#!/usr/bin/env bash
# CPU training-step time of alexc's binaries next to PyTorch CPU on the same
# shapes, measured in the same run, with the machine's best sgemm. Prints a
# table and writes it at the top of bench/RESULTS-cpu.md with the date and
# machine.
#   bash bench/cpu.sh [BATCH] [STEPS]     (defaults: 8 and 5)
set -euo pipefail
cd "$(dirname "$0")/.."

batch=${1:-8}
steps=${2:-5}
source bench/common.sh

# The machine's best sgemm on large square matrices, in this same run: the
# ceiling each model's GFLOP/s is held against.
c++ -O2 -o "$work/sgemm" bench/gemm/sgemm.cpp -ldl
read -r peak peak_library < <(OMP_NUM_THREADS=$(nproc) "$work/sgemm" /dev/null "$(nproc)" 4096 |
  $python -c "import json,sys; r=max((json.loads(l) for l in sys.stdin), key=lambda r: r['square_gflops']); print(r['square_gflops'], r['library'])")

table="| model | batch | alexc ms/step | alexc img/s | PyTorch ms/step | PyTorch img/s | alexc / PyTorch time | alexc GFLOP/s | % of best sgemm |
|---|---|---|---|---|---|---|---|---|"
for pair in tiny:tiny fashion:fashion alexnet-fmnist:fmnist alexnet:paper; do
  model=${pair%%:*} variant=${pair##*:}
  "$build/bin/alexc" compile "models/$model.model" --target=cpu --batch "$batch" -o "$work/$model"
  ours=$("$work/$model" bench --steps "$steps" --warmup 1 2>/dev/null)
  theirs=$($python bench/pytorch_cpu.py "$variant" "$batch" "$steps")
  a=$(echo "$ours" | field ms_per_step) b=$(echo "$theirs" | field ms_per_step)
  ai=$(echo "$ours" | field images_per_second) bi=$(echo "$theirs" | field images_per_second)
  # FLOP = 6 x the model's multiply-adds per image x batch (forward 2,
  # backward 4), as the issue counts them.
  macs=$("$build/bin/alexc" summary "models/$model.model" | sed -n 's/^multiply-adds per image: \([0-9,]*\).*/\1/p' | tr -d ,)
  read -r ratio gflops share < <($python -c "g = 6 * $macs * $batch / ($a * 1e-3) / 1e9; print(f'{$a / $b:.2f} {g:.1f} {100 * g / $peak:.0f}%')")
  table+=$'\n'"| $model | $batch | $a | $ai | $b | $bi | $ratio | $gflops | $share |"
done

torch_version="$(echo "$theirs" | field torch), $(echo "$theirs" | field threads) threads"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
report="# CPU training step: alexc vs PyTorch

Measured $(date -u +%Y-%m-%d) on $(nproc) cores of $cpu; PyTorch $torch_version.
Median of $steps steps after one warm-up, same shapes and batch, fp32. A
ratio below 1 means alexc is faster. Best sgemm on 4096^3 matrices in the
same run: $peak GFLOP/s ($peak_library, $(nproc) threads); a model's
GFLOP/s counts 6 x its multiply-adds per image x batch.

$table"
# The file's later sections (GEMM libraries, profiles) are kept.
rest=$(sed -n '/^## /,$p' bench/RESULTS-cpu.md 2>/dev/null || true)
echo "$report"
printf '%s\n%s%s\n' "$report" "${rest:+$'\n'}" "$rest" > bench/RESULTS-cpu.md
