#!/usr/bin/env bash
# CPU training-step time of alexc's binaries next to PyTorch CPU on the same
# shapes, measured in the same run, with the machine's best sgemm; then the
# two AlexNets' bf16 steps (issue 25) next to alexc's fp32 step, PyTorch's
# bf16 autocast step and the machine's bf16 GEMM peak. Prints the tables
# and writes them at the top of bench/RESULTS-cpu.md with the date and
# machine. The fp32 table is written before the bf16 runs, so a compiler
# or a CPU without bf16 fails only the bf16 table (with a message and
# status 1), never prints bf16 numbers that are not bf16.
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

# pytorch VARIANT MOMENTUM DECAY [PRECISION]: PyTorch's fastest step over
# the BLAS setups, its JSON line with "setup" added. The bf16 step gets the
# same search, though with torch 1.13 it makes no BLAS call (its products
# all run in oneDNN; gdb counted 9 sgemm calls in an fp32 step of the
# fmnist net, none in a bf16 one): the best of a few runs favours the
# anchor, never alexc, and stays right should a torch send some to the BLAS.
pytorch() {
  local best="" best_ms="" dir threads line ms
  for dir in "${blas_dirs[@]}"; do
    [ -e "$dir/libblas.so.3" ] || continue
    threads_choices=("")
    [[ $dir == *pthread ]] && threads_choices+=(1)
    for threads in "${threads_choices[@]}"; do
      line=$(env ${threads:+OPENBLAS_NUM_THREADS=$threads} LD_LIBRARY_PATH="$dir" \
        $python bench/pytorch_cpu.py "$1" "$batch" "$steps" "$2" "$3" "${4:-fp32}")
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

# optimized_blas LINE: stops the run where PyTorch's JSON line says it ran
# on the reference BLAS, whose times are no anchor.
optimized_blas() {
  case "$(echo "$1" | field blas)" in
    */blas/libblas.so*|none)
      echo "PyTorch ran on $(echo "$1" | field blas), not an optimized BLAS: no ratio (install libopenblas0-pthread, or point update-alternatives' libblas.so.3-x86_64-linux-gnu at it)" >&2
      exit 1 ;;
  esac
}

# The machine's best sgemm on large square matrices, in this same run: the
# ceiling each model's GFLOP/s is held against.
c++ -O2 -o "$work/sgemm" bench/gemm/sgemm.cpp -ldl
read -r peak peak_library < <(OMP_NUM_THREADS=$(nproc) "$work/sgemm" /dev/null "$(nproc)" 4096 |
  $python -c "import json,sys; r=max((json.loads(l) for l in sys.stdin), key=lambda r: r['square_gflops']); print(r['square_gflops'], r['library'])")
# And the bf16 one, right after it (the machine's speed drifts from minute
# to minute): oneDNN's bf16 matmul, bf16 A and B, f32 C, the primitive
# alexc's bf16 GEMMs call. A CPU without bf16 instructions, or a oneDNN
# without the headers, leaves it empty and its reason for the bf16 table.
bf16_peak="" bf16_peak_error=""
if c++ -O2 -fopenmp -o "$work/bf16gemm" bench/gemm/bf16gemm.cpp -ldnnl 2>"$work/bf16gemm.log" &&
    bf16_lines=$("$work/bf16gemm" "$(nproc)" 4096 2>>"$work/bf16gemm.log"); then
  read -r bf16_peak bf16_peak_how < <(echo "$bf16_lines" |
    $python -c "import json,sys; r=max((json.loads(l) for l in sys.stdin), key=lambda r: r['square_gflops']); print(r['square_gflops'], f\"{r['library']} matmul, {r['layout']}, {r['implementation']}\")")
else
  bf16_peak_error="no bf16 GEMM peak: $(cat "$work/bf16gemm.log")"
fi

table="| model | batch | alexc ms/step | alexc img/s | PyTorch ms/step | PyTorch img/s | PyTorch's BLAS | alexc / PyTorch time | alexc GFLOP/s | % of best sgemm |
|---|---|---|---|---|---|---|---|---|---|"
# What the bf16 table reuses from this one.
declare -A flop_per_image momentum_of decay_of
for pair in tiny:tiny fashion:fashion alexnet-fmnist:fmnist alexnet:paper; do
  model=${pair%%:*} variant=${pair##*:}
  "$build/bin/alexc" compile "models/$model.model" --target=cpu --batch "$batch" -o "$work/$model"
  ours=$("$work/$model" bench --steps "$steps" --warmup 1 2>/dev/null)
  # The same optimizer as the model's (its compiled recipe).
  optimizer=$("$work/$model" info |
    sed -n 's/^sgd: lr [^ ]* momentum \([^ ]*\) weight decay \([^,]*\),.*/\1 \2/p')
  [ -n "$optimizer" ] || { echo "cannot read $model's optimizer from its info" >&2; exit 1; }
  read -r momentum decay <<< "$optimizer"
  momentum_of[$model]=$momentum decay_of[$model]=$decay
  theirs=$(pytorch "$variant" "$momentum" "$decay")
  optimized_blas "$theirs"
  setup=$(echo "$theirs" | field setup)
  a=$(echo "$ours" | field ms_per_step) b=$(echo "$theirs" | field ms_per_step)
  ai=$(echo "$ours" | field images_per_second) bi=$(echo "$theirs" | field images_per_second)
  # The FLOP that run: forward 2 x the multiply-adds, backward 2 for the
  # weight gradients and 2 for the input gradients, but for the first
  # layer's (its input is the image: neither alexc nor PyTorch computes it).
  summary=$("$build/bin/alexc" summary --target=cpu "models/$model.model")
  macs=$(echo "$summary" | sed -n 's/^multiply-adds per image: \([0-9,]*\).*/\1/p' | tr -d ,)
  first=$(echo "$summary" | awk '$NF ~ /^[0-9,]+$/ && $NF != "0" && $1 != "total" { gsub(",", "", $NF); print $NF; exit }')
  flop_per_image[$model]=$((6 * macs - 2 * first))
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
# The file's later sections (GEMM libraries, profiles) are kept: all from
# the first "## " heading on, so the report above it has none.
rest=$(sed -n '/^## /,$p' bench/RESULTS-cpu.md 2>/dev/null || true)
# write_report TEXT: TEXT at the top of bench/RESULTS-cpu.md.
write_report() {
  printf '%s\n%s%s\n' "$1" "${rest:+$'\n'}" "$rest" > bench/RESULTS-cpu.md
}
echo "$report"
write_report "$report"

# bf16 (issue 25): the two AlexNets compiled with --precision=bf16, against
# the fp32 steps above and PyTorch's bf16 autocast step. Every failure
# before a number is printed says why and ends the run; the fp32 table is
# already written.
no_bf16() {
  echo "bench/cpu.sh: no bf16 table: $*" >&2
  exit 1
}
[ -n "$bf16_peak" ] || no_bf16 "$bf16_peak_error"
bf16_pairs=(alexnet-fmnist:fmnist alexnet:paper)
# Both compiled before anything is timed: a compiler without bf16 stops
# the run at once.
for pair in "${bf16_pairs[@]}"; do
  model=${pair%%:*}
  if ! error=$("$build/bin/alexc" compile "models/$model.model" --target=cpu --precision=bf16 \
      --batch "$batch" -o "$work/$model-bf16" 2>&1); then
    no_bf16 "alexc cannot compile models/$model.model with --precision=bf16: $error"
  fi
done
bf16_table="| model | batch | alexc fp32 ms | alexc bf16 ms | bf16/fp32 (range) | PyTorch bf16 ms | alexc bf16 / PyTorch bf16 | alexc bf16 GFLOP/s | % of bf16 GEMM peak |
|---|---|---|---|---|---|---|---|---|"
bf16_setups=""
# The machine's speed drifts by a fifth within minutes, more than the
# ratio's margin: the fp32 and bf16 binaries run in alternating rounds, and
# the ratio is the median of the rounds' ratios (each of two neighbouring
# runs), its range beside it.
rounds=5
# bench_line BINARY: its bench JSON line; a binary that fails, or prints
# none, ends the bf16 table with its name and last words.
bench_line() {
  local line
  if ! line=$("$1" bench --steps "$steps" --warmup 1 2>"$work/bench.err") || [ -z "$line" ]; then
    no_bf16 "$1 bench failed: $(tail -n 3 "$work/bench.err")"
  fi
  echo "$line"
}
for pair in "${bf16_pairs[@]}"; do
  model=${pair%%:*} variant=${pair##*:}
  fp32_times="" bf16_times=""
  for _ in $(seq "$rounds"); do
    ours=$(bench_line "$work/$model")
    fp32_times+=" $(echo "$ours" | field ms_per_step)"
    ours=$(bench_line "$work/$model-bf16")
    # The binary says what it ran: a compiler that took the flag but built
    # an fp32 step would otherwise fill the table with fp32 times.
    precision=$(echo "$ours" | field precision)
    [ "$precision" = bf16 ] || no_bf16 "$model compiled with --precision=bf16 reports precision '$precision' in its bench line"
    bf16_times+=" $(echo "$ours" | field ms_per_step)"
  done
  theirs=$(pytorch "$variant" "${momentum_of[$model]}" "${decay_of[$model]}" bf16)
  optimized_blas "$theirs"
  [ "$(echo "$theirs" | field precision)" = bf16 ] || no_bf16 "bench/pytorch_cpu.py did not run bf16"
  bf16_setups+="${bf16_setups:+; }$model: $(echo "$theirs" | field setup)"
  d=$(echo "$theirs" | field ms_per_step)
  read -r a c speedup low high ratio gflops share < <($python - "$fp32_times" "$bf16_times" <<PY
import statistics, sys
fp32 = [float(t) for t in sys.argv[1].split()]
bf16 = [float(t) for t in sys.argv[2].split()]
ratios = [b / f for f, b in zip(fp32, bf16)]
a, c = statistics.median(fp32), statistics.median(bf16)
g = ${flop_per_image[$model]} * $batch / (c * 1e-3) / 1e9
print(f"{a:.1f} {c:.1f} {statistics.median(ratios):.2f} {min(ratios):.2f} {max(ratios):.2f} "
      f"{c / $d:.2f} {g:.1f} {100 * g / $bf16_peak:.0f}%")
PY
)
  bf16_table+=$'\n'"| $model | $batch | $a | $c | $speedup ($low-$high) | $d | $ratio | $gflops | $share |"
done
bf16_report="bf16 training steps (issue 25), measured after the table above in the
same run. alexc: the binary compiled with \`--precision=bf16\`, whose
products (the convolutions' and dense layers' GEMMs, forward and backward)
take bf16 operands and accumulate in fp32, while the parameters (fp32
master weights), their gradients, the SGD step and every other layer stay
fp32. alexc's fp32 and bf16 binaries ran in $rounds alternating rounds (each
\`bench --steps $steps --warmup 1\`): their columns are the medians, and
bf16/fp32 is the median of the rounds' ratios, their range in parentheses.
PyTorch: the forward pass and loss under torch.autocast(\"cpu\",
dtype=torch.bfloat16) (oneDNN's bf16 convolutions and matmuls), backward
and SGD as usual on fp32 parameters; same batch and optimizer, the fastest
of the same BLAS setups ($bf16_setups). Ratios are times: below 1, the
first is faster. bf16 GEMM peak on 4096^3 matrices (bf16 A and B, f32 C)
in the same run as the sgemm's: $bf16_peak GFLOP/s ($bf16_peak_how,
$(nproc) threads; the best sgemm $peak GFLOP/s); a model's GFLOP/s counts
the FLOP of the table above.

$bf16_table"
echo
echo "$bf16_report"
write_report "$report"$'\n\n'"$bf16_report"
