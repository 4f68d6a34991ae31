# Shared by the bench/ scripts (sourced, from the repository root): the
# build, Debian's PyTorch, a scratch folder and a JSON field reader.
build=${BUILD_DIR:-build}
[ -x "$build/bin/alexc" ] || bash tools/build.sh >/dev/null
python=/usr/bin/python3 # Debian's python3-torch belongs to the system Python.
if ! $python -c 'import torch' 2>/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# field NAME: the value of NAME in the JSON line on standard input.
field() { $python -c "import json,sys; print(json.loads(sys.stdin.readline())['$1'])"; }
