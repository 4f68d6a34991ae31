#!/usr/bin/env bash
# Installs what alexc needs on a Debian 12 machine (idempotent: skips what is already there).
set -euo pipefail

packages=(
  cmake ninja-build ccache python3
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  libflatbuffers-dev flatbuffers-compiler libdnnl-dev libomp-22-dev zlib1g-dev
  libgtest-dev
  libjpeg62-turbo-dev libpng-dev openmpi-bin libopenmpi-dev
  python3-numpy python3-flatbuffers python3-matplotlib python3-pil
  python3-torch python3-torchvision  # checkpoints in tests; the anchor
  dataset-fashion-mnist
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
