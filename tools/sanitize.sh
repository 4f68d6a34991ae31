#!/usr/bin/env bash
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer:
# alexc, the runtime and every binary the tests compile (their link takes
# the build's flags). One command; a report fails the run.
#   bash tools/sanitize.sh            (BUILD_DIR=build-sanitize by default)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-build-sanitize}
bash tools/setup.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLLVM_USE_LINKER=lld \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
fi
ninja -C "$build"
# Debian's LLVM and MLIR are not instrumented: their containers' poisoning
# annotations would be reported as overflows in alexc.
# CUDA's runtime maps memory where ASan keeps its shadow gap.
export ASAN_OPTIONS=allow_user_poisoning=0:detect_container_overflow=0:detect_leaks=0:protect_shadow_gap=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
set +e
ninja -C "$build" check-alexc 2>&1 | tee "$build/check.log"
status=${PIPESTATUS[0]}
set -e
if grep -qE "ERROR: AddressSanitizer|runtime error:" "$build/check.log"; then
  echo "sanitizer reports in $build/check.log"
  exit 1
fi
exit "$status"
