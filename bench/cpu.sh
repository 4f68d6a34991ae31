#!/usr/bin/env bash
# CPU training-step time of alexc's binaries next to PyTorch CPU on the same
# shapes, measured in the same run, with the machine's best sgemm. Prints a
# table and writes it at the top of bench/RESULTS-cpu.md with the date and
# machine.
#   bash bench/cpu.sh [BATCH] [STEPS]     (defaults: 8 and 5)
set -euo pipefail
shopt -s inherit_errexit # A failing PyTorch run inside $(...) stops us too.
cd "$(dirname "$0")/.."

batch=${1:-8}
steps=${2:-5}
source bench/common.sh

# PyTorch's linear layers call libblas.so.3: Debian's reference BLAS
# unless an optimized one is installed (the paper's step took 3.2 s on it
# against 1.46 s with OpenBLAS on this project's machine). The anchor gets
# its best setup: Debian's OpenBLAS builds, the pthreads one with its own
# threads and with one (its threads and PyTorch's OpenMP threads can fight
# over the cores), the OpenMP one (whose threads are PyTorch's own:
# OPENBLAS_NUM_THREADS does not bind it); the fastest is kept and named. A
# run on the reference BLAS prints no ratio.
for package in libopenblas0-pthread libopenblas0-openmp; do
  if ! dpkg-query -W -f='${Status}' $package 2>/dev/null |
      grep -q "install ok installed"; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $package
  fi
done
blas_dirs=(/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/lib/x86_64-linux-gnu/openblas-openmp)

# pytorch VARIANT MOMENTUM DECAY: PyTorch's fastest step over the BLAS
# setups, its JSON line with "setup" added.
pytorch() {
  local best="" best_ms="" dir threads line ms
  for dir in "${blas_dirs[@]}"; do
    [ -e "$dir/libblas.so.3" ] || continue
    threads_choices=("")
    [[ $dir == *pthread ]] && threads_choices+=(1)
    for threads in "${threads_choices[@]}"; do
      line=$(env ${threads:+OPENBLAS_NUM_THREADS=$threads} LD_LIBRARY_PATH="$dir" \
        $python bench/pytorch_cpu.py "$1" "$batch" "$steps" "$2" "$3")
      ms=$(echo "$line" | field ms_per_step)
      if [ -z "$best_ms" ] || $python -c "import sys; sys.exit(not $ms < $best_ms)"; then
        best_ms=$ms
        best=$($python -c "import json, sys; r = json.loads(sys.argv[1]); r['setup'] = sys.argv[2]; print(json.dumps(r))" \
          "$line" "$(basename "$dir")${threads:+, 1 BLAS thread}")
      fi
    done
  done
  echo "$best"
}

# The machine's best sgemm on large square matrices, in this same run: the
# ceiling each model's GFLOP/s is held against.
c++ -O2 -o "$work/sgemm" bench/gemm/sgemm.cpp -ldl
read -r peak peak_library < <(OMP_NUM_THREADS=$(nproc) "$work/sgemm" /dev/null "$(nproc)" 4096 |
  $python -c "import json,sys; r=max((json.loads(l) for l in sys.stdin), key=lambda r: r['square_gflops']); print(r['square_gflops'], r['library'])")

table="| model | batch | alexc ms/step | alexc img/s | PyTorch ms/step | PyTorch img/s | PyTorch's BLAS | alexc / PyTorch time | alexc GFLOP/s | % of best sgemm |
|---|---|---|---|---|---|---|---|---|---|"
for pair in tiny:tiny fashion:fashion alexnet-fmnist:fmnist alexnet:paper; do
  model=${pair%%:*} variant=${pair##*:}
  "$build/bin/alexc" compile "models/$model.model" --target=cpu --batch "$batch" -o "$work/$model"
  ours=$("$work/$model" bench --steps "$steps" --warmup 1 2>/dev/null)
  # The same optimizer as the model's (its compiled recipe).
  optimizer=$("$work/$model" info |
    sed -n 's/^sgd: lr [^ ]* momentum \([^ ]*\) weight decay \([^,]*\),.*/\1 \2/p')
  [ -n "$optimizer" ] || { echo "cannot read $model's optimizer from its info" >&2; exit 1; }
  read -r momentum decay <<< "$optimizer"
  theirs=$(pytorch "$variant" "$momentum" "$decay")
  blas=$(echo "$theirs" | field blas) setup=$(echo "$theirs" | field setup)
  case "$blas" in
    */blas/libblas.so*|none)
      echo "PyTorch ran on $blas, not an optimized BLAS: no ratio (install libopenblas0-pthread, or point update-alternatives' libblas.so.3-x86_64-linux-gnu at it)" >&2
      exit 1 ;;
  esac
  a=$(echo "$ours" | field ms_per_step) b=$(echo "$theirs" | field ms_per_step)
  ai=$(echo "$ours" | field images_per_second) bi=$(echo "$theirs" | field images_per_second)
  # The FLOP that run: forward 2 x the multiply-adds, backward 2 for the
  # weight gradients and 2 for the input gradients, but for the first
  # layer's (its input is the image: neither alexc nor PyTorch computes it).
  summary=$("$build/bin/alexc" summary --target=cpu "models/$model.model")
  macs=$(echo "$summary" | sed -n 's/^multiply-adds per image: \([0-9,]*\).*/\1/p' | tr -d ,)
  first=$(echo "$summary" | awk '$NF ~ /^[0-9,]+$/ && $NF != "0" && $1 != "total" { gsub(",", "", $NF); print $NF; exit }')
  read -r ratio gflops share < <($python -c "g = (6 * $macs - 2 * $first) * $batch / ($a * 1e-3) / 1e9; print(f'{$a / $b:.2f} {g:.1f} {100 * g / $peak:.0f}%')")
  table+=$'\n'"| $model | $batch | $a | $ai | $b | $bi | $setup | $ratio | $gflops | $share |"
done

torch_version="$(echo "$theirs" | field torch), $(echo "$theirs" | field threads) threads, the fastest per model of Debian's OpenBLAS builds (pthreads, with its own threads or one; OpenMP)"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
report="# CPU training step: alexc vs PyTorch

Measured $(date -u +%Y-%m-%d) on $(nproc) cores of $cpu; PyTorch $torch_version.
Median of $steps steps after one warm-up, same shapes, batch and optimizer
(each model's momentum and weight decay), fp32. A ratio below 1 means alexc
is faster. Best sgemm on 4096^3 matrices in the same run: $peak GFLOP/s
($peak_library, $(nproc) threads); a model's GFLOP/s counts the FLOP its
step runs: 6 x its multiply-adds per image x batch, less the first layer's
input gradient (2 x its multiply-adds), which neither side computes.

$table"
# The file's later sections (GEMM libraries, profiles) are kept.
rest=$(sed -n '/^## /,$p' bench/RESULTS-cpu.md 2>/dev/null || true)
echo "$report"
printf '%s\n%s%s\n' "$report" "${rest:+$'\n'}" "$rest" > bench/RESULTS-cpu.md
