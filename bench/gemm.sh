#!/usr/bin/env bash
# BLAS candidates timed on alexc's own GEMM calls: one training step of the
# paper's net (batch 16, one device) is traced (bench/gemm/trace.c), then
# OpenBLAS, BLIS and oneDNN run the same calls and a 4096^3 square GEMM on
# all cores and on one (bench/gemm/sgemm.cpp). Prints a Markdown table.
#   bash bench/gemm.sh [BATCH]        (default 16)
set -euo pipefail
cd "$(dirname "$0")/.."

batch=${1:-16}
source bench/common.sh
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
for package in libopenblas0-pthread libblis4-openmp libdnnl-dev; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package"
done
cc -O2 -shared -fPIC -o "$work/trace.so" bench/gemm/trace.c -ldl
c++ -O2 -o "$work/sgemm" bench/gemm/sgemm.cpp -ldl
"$build/bin/alexc" compile models/alexnet.model --devices=1 --batch "$batch" -o "$work/alexnet"
ALEX_GEMM_TRACE="$work/calls.txt" LD_PRELOAD="$work/trace.so" \
  "$work/alexnet" bench --steps 1 --warmup 0 >/dev/null 2>&1

echo "| library | threads | step's $(wc -l < "$work/calls.txt") GEMMs, ms | GFLOP/s | 4096^3 GFLOP/s |"
echo "|---|---|---|---|---|"
for threads in "$(nproc)" 1; do
  OMP_NUM_THREADS=$threads "$work/sgemm" "$work/calls.txt" "$threads" 4096 |
    $python bench/gemm/table.py
done
