# lit configuration of the alexc test suite.
import os
import shutil
import subprocess
import sys

import lit.formats
from lit.llvm import llvm_config

config.name = "alexc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".model", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.alex_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs",
                   "unit", "runtime/TempDir.h", "reference", "Inputs"]

llvm_config.use_default_substitutions()
config.substitutions.append(("%models", os.path.join(config.alex_src_root, "models")))
config.substitutions.append(("%schemas", os.path.join(config.alex_src_root, "runtime", "schemas")))
# The Python lit runs on (Debian's /usr/bin/python3, with python3-numpy,
# python3-flatbuffers and python3-matplotlib from tools/setup.sh).
config.substitutions.append(("%python", sys.executable))
# Open MPI's launcher on this machine's cores, more processes than cores
# allowed; as root it wants its two variables.
config.substitutions.append(("%mpirun", "env OMPI_ALLOW_RUN_AS_ROOT=1 "
    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe"))
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(
    ["alexc", "alex-opt", "alex-fuzz-frontend", "alexrt-unittests", "alex-check-step", "alex-gradcheck", "alex-weights-diff", "alex-make-images", "alex-fuzz-data", "alexrt-sum-check"],
    [config.alex_tools_dir, config.llvm_tools_dir])

# Running a command as an ordinary user, for tests of files it may not read
# (root reads everything): as root, setpriv to nobody where nobody can reach
# this build; as anyone else, the command itself.
if os.geteuid() != 0:
    config.substitutions.append(("%unprivileged", ""))
    config.available_features.add("unprivileged")
elif shutil.which("setpriv"):
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    try:
        reachable = subprocess.run(
            nobody + ["test", "-x", os.path.join(config.alex_tools_dir, "alexc")],
            capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        reachable = False
    if reachable:
        config.substitutions.append(("%unprivileged", " ".join(nobody)))
        config.available_features.add("unprivileged")

# Tests that make PyTorch checkpoints (Debian's python3-torch) and
# torchvision's models (python3-torchvision).
for module in ("torch", "torchvision"):
    try:
        if subprocess.run([sys.executable, "-c", "import " + module],
                          capture_output=True, timeout=120).returncode == 0:
            config.available_features.add(module)
    except (OSError, subprocess.SubprocessError):
        pass

# Tests that read Debian's dataset-fashion-mnist package.
if os.path.exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"):
    config.available_features.add("fashion-mnist")

# bf16 products on the CPU (alexc --precision=bf16): AVX512_BF16 or AMX,
# the instructions the runtime's cpuHasBf16 asks oneDNN about.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        flags = set(cpuinfo.read().split())
    # ONEDNN_MAX_CPU_ISA (or DNNL_'s) may cap what oneDNN uses below it.
    capped = "ONEDNN_MAX_CPU_ISA" in os.environ or "DNNL_MAX_CPU_ISA" in os.environ
    if flags & {"avx512_bf16", "amx_bf16"} and not capped:
        config.available_features.add("cpu-bf16")
    # The conversions alexc's host code leaves to the CPU (vcvtneps2bf16):
    # tools/alexc/Codegen.cpp's hostConvertsBf16 asks for the same.
    if {"avx512_bf16", "avx512vl"} <= flags or "avx_ne_convert" in flags:
        config.available_features.add("avx512-bf16")
except OSError:
    pass

# The CUDA target is built (toolkit found at configure time); a GPU is
# present if the driver lists one.
if config.alex_cuda_toolkit:
    config.available_features.add("cuda")
    llvm_config.add_tool_substitutions(["alexrt-cuda-unittests"],
                                       [config.alex_tools_dir])
    try:
        listed = subprocess.run(["nvidia-smi", "-L"], capture_output=True,
                                timeout=30)
        if listed.returncode == 0 and b"GPU" in listed.stdout:
            config.available_features.add("gpu")
    except (OSError, subprocess.SubprocessError):
        pass
