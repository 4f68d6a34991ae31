#!/usr/bin/env bash
# Configures (once) and builds alexc with Ninja, lld and ccache.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-build}
# ccache hits across clones of the tree: hash paths relative to the tree.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S . -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DLLVM_USE_LINKER=lld
fi
start=$(date +%s)
ninja -C "$build"
echo "build: $(( $(date +%s) - start )) s"
