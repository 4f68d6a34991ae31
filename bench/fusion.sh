#!/usr/bin/env bash
# What --alex-fuse-conv-blocks buys on the CPU: for each model, the training
# step compiled with and without fusion (alexc --fuse=false), its kernels,
# GEMM calls, bytes moved between ops and temporaries (from alexc summary),
# and its measured time, next to PyTorch CPU on the same shapes in the same
# run. Prints a table and writes it to bench/RESULTS-fusion.md.
#   bash bench/fusion.sh [BATCH] [STEPS]     (defaults: 16 and 10)
set -euo pipefail
cd "$(dirname "$0")/.."

batch=${1:-16}
steps=${2:-10}
source bench/common.sh
# "  @train_step: 4,528 loop nests, 2,953 GEMM calls; ops read and write
# 4219.2 MiB; temporaries 767.2 MiB (...)" -> "4,528 | 2,953 | 4219.2 | 767.2"
costs() {
  "$build/bin/alexc" summary "models/$1.model" --batch "$batch" --devices=1 "${@:2}" |
    sed -n 's/^  @train_step: \([0-9,]*\) loop nests, \([0-9,]*\) GEMM calls; ops read and write \([0-9.]*\) MiB; temporaries \([0-9.]*\) MiB.*/\1 | \2 | \3 | \4/p'
}

table="| model | fused | loop nests | GEMM calls | MiB read+written by ops | temporaries MiB | ms/step | PyTorch ms/step | alexc / PyTorch |
|---|---|---|---|---|---|---|---|---|"
for pair in tiny:tiny alexnet-fmnist:fmnist alexnet:paper; do
  model=${pair%%:*} variant=${pair##*:}
  "$build/bin/alexc" compile "models/$model.model" --target=cpu --batch "$batch" --devices=1 -o "$work/fused"
  "$build/bin/alexc" compile "models/$model.model" --target=cpu --batch "$batch" --devices=1 --fuse=false -o "$work/unfused"
  theirs=$($python bench/pytorch_cpu.py "$variant" "$batch" "$steps" | field ms_per_step)
  for fused in no yes; do
    binary=$work/unfused flags=(--fuse=false)
    [ $fused = yes ] && binary=$work/fused flags=()
    ms=$("$binary" bench --steps "$steps" --warmup 1 2>/dev/null | field ms_per_step)
    ratio=$($python -c "print(f'{$ms / $theirs:.2f}')")
    table+=$'\n'"| $model | $fused | $(costs "$model" "${flags[@]}") | $ms | $theirs | $ratio |"
  done
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
report="# Fusion on the CPU: the training step with and without --alex-fuse-conv-blocks

Measured $(date -u +%Y-%m-%d) on $(nproc) cores of $cpu, batch $batch, one device, median
of $steps steps after one warm-up, fp32. Loop nests and GEMM calls are per
step, counted from the loops-stage IR (a nest inside the per-image loop
counts once per image); bytes are what the step's ops read and write
(operands and results, once each); temporaries is the memory plan's
workspace. PyTorch CPU ran the same shapes in the same run.

$table"
echo "$report" | tee bench/RESULTS-fusion.md
