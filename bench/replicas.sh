#!/usr/bin/env bash
# Data-parallel replicas on this machine: the paper net's training step as
# 1 process x 2 towers, 2 replicas x 1 tower and 2 replicas x 2 towers
# (mpirun, one OpenMP thread per device, so every layout runs on the same
# cores), with the time the gradient sums were in flight and the part the
# step waited for (exposed; the rest overlapped the backward pass). Writes
# the table at the top of bench/RESULTS-replicas.md (the worked model of
# GPU clusters below it is kept).
#   bash bench/replicas.sh [BATCH] [STEPS]     (defaults: 32 and 3)
set -euo pipefail
cd "$(dirname "$0")/.."

batch=${1:-32}
steps=${2:-3}
source bench/common.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

table="| layout | processes | ms/step | img/s | sums in flight ms/step | step waited ms/step | overlapped |
|---|---|---|---|---|---|---|"
for layout in 1x2 2x1 2x2; do
  replicas=${layout%x*} towers=${layout#*x}
  "$build/bin/alexc" compile models/alexnet.model --target=cpu --batch "$batch" \
    --devices="$towers" --replicas="$replicas" -o "$work/alexnet-$layout"
  run=("$work/alexnet-$layout" bench --steps "$steps" --warmup 1)
  if [ "$replicas" -gt 1 ]; then
    # Each process gets the cores / replicas threads a device of one
    # process gets: the same cores for every layout.
    threads=$(( $(nproc) / (replicas * towers) )); [ "$threads" -ge 1 ] || threads=1
    out=$(mpirun --oversubscribe -np "$replicas" -x OMP_NUM_THREADS="$threads" "${run[@]}" 2>/dev/null)
  else
    out=$("${run[@]}" 2>/dev/null)
  fi
  ms=$(echo "$out" | field ms_per_step) ips=$(echo "$out" | field images_per_second)
  sum=$(echo "$out" | field sum_ms_per_step) waited=$(echo "$out" | field sum_wait_ms_per_step)
  hidden=$($python -c "s, w = $sum, $waited; print(f'{100 * (s - w) / s:.0f}%' if s > 0 else '-')")
  table+=$'\n'"| $replicas replica(s) x $towers tower(s) | $replicas | $ms | $ips | $sum | $waited | $hidden |"
done
# One replica's share of the work alone: half the batch on half the cores,
# no sums. Against the 2 x 1 row, what the communication costs the step.
"$build/bin/alexc" compile models/alexnet.model --target=cpu --batch $((batch / 2)) \
  --devices=1 -o "$work/alexnet-half"
threads=$(( $(nproc) / 2 )); [ "$threads" -ge 1 ] || threads=1
out=$(OMP_NUM_THREADS=$threads "$work/alexnet-half" bench --steps "$steps" --warmup 1 2>/dev/null)
table+=$'\n'"| one replica's share alone (batch $((batch / 2)), $threads thread(s)) | 1 | $(echo "$out" | field ms_per_step) | $(echo "$out" | field images_per_second) | - | - | - |"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mpi=$(mpirun --version | head -1)
report="# Replicas: the paper net's step as processes

Measured $(date -u +%Y-%m-%d) on $(nproc) cores of $cpu with $mpi
(bench/replicas.sh $batch $steps): the paper net (alexnet.model: 2 towers,
60,965,224 parameters, 243,860,896 bytes of gradients a step) at a global
batch of $batch, median of $steps steps after one warm-up. Sums in flight:
wall time during which any gradient sum was moving; waited: the time a
device of the step spent blocked on them (mean over devices), the rest
overlapped the backward pass. All layouts share the same cores, so more
replicas cannot be faster here: the table shows what the communication
costs and how much of it the backward pass hides. The last row is one
replica's share of the work alone (half the batch, half the cores, no
sums): the 2 x 1 layout's step against it is what data parallelism costs
on top of the arithmetic.

$table"
rest=$(sed -n '/^## /,$p' bench/RESULTS-replicas.md 2>/dev/null || true)
echo "$report"
printf '%s\n%s%s\n' "$report" "${rest:+$'\n'}" "$rest" > bench/RESULTS-replicas.md
