#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds alexc and runs the whole test suite.
#   bash tools/check.sh            (BUILD_DIR=build by default)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-build}
bash tools/setup.sh
bash tools/build.sh

set +e
ninja -C "$build" check-alexc 2>&1 | tee "$build/check.log"
status=${PIPESTATUS[0]}
set -e
count() { grep -oE "^ *$1: *[0-9]+" "$build/check.log" | grep -oE '[0-9]+$' || echo 0; }
echo "$(count Passed) passed, $(count Failed) failed"
exit "$status"
