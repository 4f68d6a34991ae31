#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds alexc and runs the whole test suite.
#   bash tools/check.sh            (BUILD_DIR=build by default)
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
bash tools/build.sh
ninja -C "${BUILD_DIR:-build}" check-alexc
