#!/usr/bin/env bash
# A million damaged images and packed files through the decoder and the
# packed-file reader, built with AddressSanitizer and UBSan in build-asan/
# (only the runtime and the fuzz driver are compiled there).
#   bash bench/fuzz-data.sh [ITERATIONS]     (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."

iterations=${1:-1000000}
build=build-asan
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLLVM_USE_LINKER=lld \
    -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
fi
ninja -C "$build" alex-fuzz-data alex-make-images >/dev/null
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
"$build/bin/alex-make-images" "$seeds" --classes 2 --train 22 --val 0 \
  --min-size 8 --max-size 64
"$build/bin/alex-fuzz-data" --iterations "$iterations" --seed "${SEED:-1}" "$seeds"
