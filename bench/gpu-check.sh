#!/usr/bin/env bash
# The CUDA target against the CPU target: one training step of the paper's
# net at batch 8 from the same weights and data, in two halves because the
# GPU machine has no MLIR:
#
#   bash bench/gpu-check.sh build   # here: compile, run the CPU step
#   bash bench/gpu-check.sh run     # on the GPU machine, over the result
#
# `build` writes bench/gpu-job/ (about 30 MiB; carry it): the CPU target's
# executable (with oneDNN and libomp beside it in lib.tar.xz, which `run`
# unpacks: the GPU machine may lack them; the codecs linked statically), CUDA executables (1 device fp32, 2 devices
# fp32, 2 devices tf32, convolutions in cuDNN, which the GPU machine's CUDA
# toolkit has; 1 device fp32 with im2col + cuBLAS convolutions; 1 device
# bf16, checked against the CPU's fp32 and bf16 steps) and
# alex-weights-diff. `run` runs the CPU step (one BLAS thread), then each
# CUDA executable for one step, and compares its weights and momenta
# (after one step from zero momenta: the gradient plus weight decay) with
# the CPU's, 2 towers with 1 (step 1 from workspaces zeroed on each
# device's own stream), printing cuDNN's algorithm and workspace for each
# convolution, and runs one step under compute-sanitizer memcheck; a tiny
# model with a corrupted fatbin must say why its kernels did not load. Then the CUDA graph path: three steps replayed as a graph
# against the same three steps launched one by one (ALEXRT_CUDA_GRAPH=0),
# and the paper net's step at batch 128 (1 device: fp32 and TF32 with
# cuDNN's convolutions, TF32 with im2col + cuBLAS) timed both ways next to
# alexc's roofline estimate for the GPU the job runs on
# (estimate.txt, written by `build` for the H100 and the H200: the GPU
# machine has no alexc), every kernel's time under Nsight Systems where
# it is there, and PyTorch's step (../shared/bench/pytorch_alexnet.py,
# eager TF32, torch.compile and bf16 autocast) for the ratio. $OUT (or bench/gpu-job/out) gets summary.txt and
# logs.tar.gz (every log, diff, timing, kernel profile and the estimates'
# full tables). Exit status: 0 if every check passed.
set -u
cd "$(dirname "$0")/.."
job=bench/gpu-job
# Step arguments: one batch of the synthetic set, a short evaluation.
step=(train --dataset synthetic --limit 8 --test-limit 8 --epochs 1 --force)

if [ "${1:-}" = build ]; then
  set -e
  build=${BUILD_DIR:-build}
  [ -x "$build/bin/alexc" ] || bash tools/build.sh >/dev/null
  rm -rf "$job" && mkdir -p "$job"
  compile() { "$build/bin/alexc" compile models/alexnet.model --batch=8 "$@"; }
  mkdir -p "$job/lib"
  cp /usr/lib/x86_64-linux-gnu/libdnnl.so.2 /usr/lib/x86_64-linux-gnu/libgomp.so.1 \
    /usr/lib/llvm-22/lib/libomp.so.5 "$job/lib/"
  # The CPU steps, fp32 and bf16 (the latter runs where the GPU machine's
  # CPU has AVX512_BF16 or AMX).
  for precision in fp32 bf16; do
    name=paper-cpu
    [ $precision = fp32 ] || name=paper-cpu-$precision
    compile --target=cpu --devices=1 --precision=$precision --emit=obj -o "$job/$name.o"
    ${CXX:-c++} -fuse-ld=lld -o "$job/$name" "$job/$name.o" \
      -L"$build/lib" -lalexrt_main -lalexrt_cpu -lalexrt \
      /usr/lib/llvm-22/lib/libomp.so.5 -ldnnl \
      /usr/lib/x86_64-linux-gnu/libjpeg.a /usr/lib/x86_64-linux-gnu/libpng16.a \
      -lz -lpthread -lm -Wl,-rpath,'$ORIGIN/lib'
    rm "$job/$name.o"
  done
  # 41 MB of libraries are 7 MB as xz: `run` unpacks them.
  tar -C "$job" -cJf "$job/lib.tar.xz" lib && rm -r "$job/lib"
  compile --target=cuda --devices=1 -o "$job/paper-cuda1"
  compile --target=cuda --devices=1 --convolutions=im2col -o "$job/paper-cuda1-im2col"
  compile --target=cuda --devices=2 -o "$job/paper-cuda2"
  compile --target=cuda --devices=2 --precision=tf32 -o "$job/paper-cuda2-tf32"
  compile --target=cuda --devices=1 --precision=bf16 -o "$job/paper-cuda1-bf16"
  # Host symbols only (kernels keep their names in the fatbin): the job
  # must fit the 64 MiB a device run carries.
  strip "$job"/paper-cuda*
  # The step as the paper runs it, for timing (stripped: the job must stay
  # under the 64 MiB a device run carries), and the estimate of it: eager,
  # as a graph, and the graph's upper bound without cache reuse.
  for variant in fp32-library tf32-library tf32-im2col bf16-im2col; do
    precision=${variant%-*} convolutions=${variant#*-}
    "$build/bin/alexc" compile models/alexnet.model --target=cuda --devices=1 \
      --precision=$precision --convolutions=$convolutions -o "$job/paper128-$variant"
    strip "$job/paper128-$variant"
    for gpu in h100 h200; do
      "$build/bin/alexc" summary models/alexnet.model --target=cuda --devices=1 \
        --precision=$precision --convolutions=$convolutions --gpu=$gpu |
        tee "$job/summary-$gpu-$variant.txt" |
        sed -n -e "s/.*step \([0-9.]*\) ms launched one by one, \([0-9.]*\) ms as one CUDA graph/\1 \2/p" \
          -e "s/.*no reuse in the caches (an upper bound): GPU busy [0-9.]* ms, \([0-9.]*\) ms as one CUDA graph/\1/p" |
        paste -sd' ' | sed "s/^/$gpu $variant /" >> "$job/estimate.txt"
    done
  done
  # The kernel load error path: tiny for CUDA with its first fatbin's
  # header zeroed, which no driver loads.
  "$build/bin/alexc" compile models/tiny.model --target=cuda -o "$job/tiny-broken-fatbin"
  strip "$job/tiny-broken-fatbin"
  python3 - "$job/tiny-broken-fatbin" <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
# The fatbin header: magic 0xBA55ED50, version 1, header size 16.
at = data.find(bytes.fromhex("50ed55ba01001000"))
assert at >= 0, "no fatbin in " + path
data[at:at + 4] = bytes(4)
open(path, "wb").write(data)
PY
  cp "$build/bin/alex-weights-diff" "$job/"
  # PyTorch's step, timed in the same run for the ratio.
  cp ../shared/bench/pytorch_alexnet.py "$job/" 2>/dev/null ||
    echo "no ../shared/bench/pytorch_alexnet.py: the job will not time PyTorch"
  echo "bench/gpu-job ready: $(du -sh "$job" | cut -f1)"
  exit 0
fi

[ "${1:-}" = run ] || { echo "usage: $0 build|run" >&2; exit 2; }
out=${OUT:-$job/out}
mkdir -p "$out"
# Logs gather in $log; $OUT gets summary.txt and logs.tar.gz (a device run
# brings back at most 8 files). Weight files (half a gigabyte each) stay
# out of both.
weights=$(mktemp -d) libs=$(mktemp -d) log=$(mktemp -d)
# save after every stage: a run cut short by its time limit still returns
# what it did.
save() {
  cp "$log/summary.txt" "$out/" 2>/dev/null
  tar -C "$log" -czf "$out/logs.tar.gz" .
}
trap 'save; rm -rf "$weights" "$libs" "$log"' EXIT
status=0
nvidia-smi -L | tee "$log/device.txt"
loss() { grep -o 'train loss [0-9.]*' "$1" | head -1; }
tar -C "$libs" -xJf "$job/lib.tar.xz"
LD_LIBRARY_PATH="$libs/lib" OMP_NUM_THREADS=1 "$job/paper-cpu" "${step[@]}" \
  --weights "$weights/cpu.fb" > "$log/cpu.log" 2>&1 ||
  { echo "the CPU step failed" >&2; exit 1; }
echo "cpu:  $(loss "$log/cpu.log")" | tee "$log/summary.txt"
# cuBLAS and cuDNN: the toolkit's, through the executables' run path
# (/usr/local/cuda/lib); where that misses, PyTorch's wheels'.
if ldd "$job/paper-cuda1" | grep -q 'not found'; then
  wheels=$(python3 -c 'import nvidia, os; print(":".join(os.path.join(p, d, "lib") for p in nvidia.__path__ for d in sorted(os.listdir(p))))' 2>/dev/null)
  export LD_LIBRARY_PATH="$wheels${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "libraries from PyTorch's wheels: $(ldd "$job/paper-cuda1" | grep -c 'not found') still missing" |
    tee -a "$log/summary.txt"
fi
# check NAME BINARY REFERENCE TOLERANCE
check() {
  local name=$1 binary=$2 reference=$3 tolerance=$4
  # ALEXRT_VERBOSE: where the devices run, each convolution's cuDNN
  # algorithm and workspace (in the log).
  if ! ALEXRT_VERBOSE=1 "$job/$binary" "${step[@]}" --weights "$weights/$binary.fb" \
      > "$log/$binary.log" 2>&1; then
    echo "$name: FAIL (the step failed, see $binary.log)" | tee -a "$log/summary.txt"
    status=1
    return
  fi
  echo "$binary: $(loss "$log/$binary.log")" | tee -a "$log/summary.txt"
  if "$job/alex-weights-diff" "$weights/$binary.fb" "$reference" \
      --tolerance "$tolerance" > "$log/$name.diff"; then
    echo "$name: $(tail -1 "$log/$name.diff")" | tee -a "$log/summary.txt"
  else
    echo "$name: FAIL $(tail -1 "$log/$name.diff")" | tee -a "$log/summary.txt"
    status=1
  fi
}
check cuda1-vs-cpu paper-cuda1 "$weights/cpu.fb" 1e-4
# cuDNN's choices for the paper net's convolutions on one device.
grep '^alexrt: ' "$log/paper-cuda1.log" | tee -a "$log/summary.txt"
check cuda1-im2col-vs-cpu paper-cuda1-im2col "$weights/cpu.fb" 1e-4
check cuda2-vs-cpu paper-cuda2 "$weights/cpu.fb" 1e-4
check cuda2-vs-cuda1 paper-cuda2 "$weights/paper-cuda1.fb" 1e-4
# TF32 keeps 10 mantissa bits of each GEMM input (relative error ~5e-4
# per product, accumulated in fp32): the bound allowed for one step.
check tf32-vs-cpu paper-cuda2-tf32 "$weights/cpu.fb" 2e-2
# bf16 keeps 8 significant bits of each GEMM input (2^-7 per product), as
# test/e2e/train-step-bf16.test bounds a step against float64; against
# the CPU's bf16 step, which rounds the same operands the same way, only
# the fp32 accumulation order differs.
check bf16-vs-cpu paper-cuda1-bf16 "$weights/cpu.fb" 6.25e-2
if LD_LIBRARY_PATH="$libs/lib" OMP_NUM_THREADS=1 "$job/paper-cpu-bf16" "${step[@]}" \
    --weights "$weights/cpu-bf16.fb" > "$log/cpu-bf16.log" 2>&1; then
  check bf16-vs-cpu-bf16 paper-cuda1-bf16 "$weights/cpu-bf16.fb" 1e-3
else
  echo "bf16-vs-cpu-bf16: not run, the CPU bf16 step failed: $(tail -1 "$log/cpu-bf16.log")" |
    tee -a "$log/summary.txt"
fi
save

# A kernel image the driver refuses is reported as such before any work,
# with CUDA's reason (not "invalid resource handle" at the first launch).
"$job/tiny-broken-fatbin" info > "$log/broken-fatbin.log" 2>&1
broken=$?
if [ $broken -ne 0 ] && grep -q "cannot load the model's GPU kernels: ." "$log/broken-fatbin.log"; then
  echo "broken fatbin: refused ($(grep -o "kernels: .*" "$log/broken-fatbin.log"))" | tee -a "$log/summary.txt"
else
  echo "broken fatbin: FAIL (status $broken, see broken-fatbin.log)" | tee -a "$log/summary.txt"
  status=1
fi

# The graph path computes what the eager one does: three steps each.
three=(train --dataset synthetic --limit 24 --test-limit 8 --epochs 1 --force)
if "$job/paper-cuda2" "${three[@]}" --weights "$weights/graph.fb" > "$log/graph.log" 2>&1 &&
   ALEXRT_CUDA_GRAPH=0 "$job/paper-cuda2" "${three[@]}" --weights "$weights/eager.fb" \
     > "$log/eager.log" 2>&1 &&
   "$job/alex-weights-diff" "$weights/graph.fb" "$weights/eager.fb" --tolerance 1e-6 \
     > "$log/graph-vs-eager.diff"; then
  echo "graph-vs-eager (3 steps, 2 devices): $(tail -1 "$log/graph-vs-eager.diff")" | tee -a "$log/summary.txt"
else
  echo "graph-vs-eager: FAIL (see graph.log, eager.log, graph-vs-eager.diff)" | tee -a "$log/summary.txt"
  status=1
fi

save

# Step time at batch 128 against the estimate for this GPU.
case "$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)" in
  *H200*) gpu=h200 ;; *) gpu=h100 ;;
esac
ms() { grep -o '"ms_per_step": [0-9.]*' "$1" | grep -o '[0-9.]*$'; }
for variant in fp32-library tf32-library tf32-im2col bf16-im2col; do
  "$job/paper128-$variant" bench --steps 20 --warmup 3 > "$log/bench-graph-$variant.json" 2>/dev/null &&
  ALEXRT_CUDA_GRAPH=0 "$job/paper128-$variant" bench --steps 20 --warmup 3 \
    > "$log/bench-eager-$variant.json" 2>/dev/null ||
    { echo "bench $variant: FAIL" | tee -a "$log/summary.txt"; status=1; continue; }
  read -r _ _ eager graph bound < <(grep "^$gpu $variant " "$job/estimate.txt")
  echo "paper net, batch 128, 1 device, $variant convolutions: $(ms "$log/bench-graph-$variant.json") ms as a graph (estimate $graph, at most $bound without cache reuse), $(ms "$log/bench-eager-$variant.json") ms launched one by one (estimate $eager)" |
    tee -a "$log/summary.txt"
done

save

# Where the time goes: every kernel of five TF32 steps (cuDNN convolutions)
# by Nsight Systems, next to the estimate's table (summary-*.txt).
cp "$job"/summary-*.txt "$log/"
nsys=$(command -v nsys || echo /usr/local/cuda/bin/nsys)
if [ -x "$nsys" ] &&
   "$nsys" profile -o "$weights/steps" --force-overwrite true \
     "$job/paper128-tf32-library" bench --steps 5 --warmup 2 > "$log/nsys.log" 2>&1 &&
   "$nsys" stats --report cuda_gpu_kern_sum --format csv \
     "$weights/steps.nsys-rep" > "$log/kernels-tf32-library.csv" 2>>"$log/nsys.log"; then
  echo "kernels of 7 TF32 steps: kernels-tf32-library.csv in logs.tar.gz" | tee -a "$log/summary.txt"
elif [ -x "$nsys" ]; then
  echo "nsys: no kernel profile (see nsys.log)" | tee -a "$log/summary.txt"
else
  echo "nsys: not found, no kernel profile" | tee -a "$log/summary.txt"
fi

save

sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
if [ -x "$sanitizer" ]; then
  # Two steps: the first launched kernel by kernel, the second as a graph.
  if "$sanitizer" --tool memcheck --error-exitcode 1 "$job/paper-cuda2" \
      train --dataset synthetic --limit 16 --test-limit 8 --epochs 1 --force \
      --weights "$weights/memcheck.fb" > "$log/memcheck.log" 2>&1; then
    echo "memcheck (2 devices, two steps, eager and graph): clean" | tee -a "$log/summary.txt"
  else
    echo "memcheck: FAIL (see memcheck.log)" | tee -a "$log/summary.txt"
    status=1
  fi
else
  echo "memcheck: compute-sanitizer not found" | tee -a "$log/summary.txt"
  status=1
fi
save

# PyTorch's step on the same GPU in the same run: alexc's time as a ratio
# of it (its paper net is one tower with groups, the compute of ours).
if [ -f "$job/pytorch_alexnet.py" ]; then
  timeout 150 python3 "$job/pytorch_alexnet.py" eager_tf32,compile,bf16 \
    > "$log/pytorch.jsonl" 2> "$log/pytorch.log"
  for mode in eager_tf32 compile bf16; do
    # bf16 autocast against alexc's bf16 step, the others against TF32.
    if [ $mode = bf16 ]; then
      ours=$(ms "$log/bench-graph-bf16-im2col.json") label=bf16
    else
      ours=$(ms "$log/bench-graph-tf32-library.json") label=TF32
    fi
    theirs=$(python3 -c 'import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
print(next((r["ms_per_step"] for r in rows if r.get("variant") == "paper"
            and r.get("mode") == sys.argv[2] and "ms_per_step" in r), ""))' \
      "$log/pytorch.jsonl" "$mode" 2>/dev/null)
    if [ -n "$theirs" ] && [ -n "$ours" ]; then
      echo "paper net, batch 128, $label, 1 device: alexc $ours ms, PyTorch $mode $theirs ms: alexc / PyTorch time $(python3 -c "print(round($ours / $theirs, 2))")" |
        tee -a "$log/summary.txt"
    else
      echo "PyTorch $mode: no time (see pytorch.log)" | tee -a "$log/summary.txt"
    fi
  done
fi
exit $status
