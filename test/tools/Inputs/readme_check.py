"""Runs the README's alexc commands that are cheap, as written, and checks
the figures the README quotes against what alexc prints.

  readme_check.py README.md ALEXC WORKDIR

The commands are the `alexc` lines of the README's first code block that
compile tiny.model, print a summary or stop at an --emit stage (a full
compile of the paper's net takes minutes: those are left to the e2e tests).
Each runs in WORKDIR (outputs land there) from the repository root's
models; any that fails is named. Prints one line.
"""
import os
import re
import shlex
import subprocess
import sys

readme, alexc, work = sys.argv[1:4]
root = os.path.dirname(os.path.abspath(readme))
text = open(readme, encoding="utf-8").read()
block = text.split("```")[1]
commands = []
for line in block.splitlines():
    command = line.split("#", 1)[0].strip()
    if not command.startswith("alexc "):
        continue
    cheap = ("summary" in command or "tiny.model" in command
             or "--emit=" in command)
    if cheap:
        commands.append(command)
failures = []
for command in commands:
    args = shlex.split(command)
    args[0] = alexc
    # Models from the repository; outputs into WORKDIR (an --emit stage to
    # a file, not the terminal).
    args = [os.path.join(root, a) if a.startswith("models/") else a
            for a in args]
    if "--emit=" in command and "-o" not in args:
        args += ["-o", os.path.join(work, "emitted")]
    done = subprocess.run(args, cwd=work, capture_output=True, text=True)
    if done.returncode != 0:
        failures.append(f"{command}: {done.stderr.strip()}")

# The memory plan's figures, as the README quotes them.
quoted = re.search(r"needs ([\d,.]+) MiB of\s+temporaries instead of "
                   r"([\d,.]+) MiB", text)
summary = subprocess.run(
    [alexc, "summary", "--target=cpu", "--devices=1",
     os.path.join(root, "models", "alexnet.model")],
    capture_output=True, text=True).stdout
printed = re.search(r"@train_step: .*temporaries ([\d.]+) MiB \(([\d.]+) MiB "
                    r"without reuse\)", summary)
if not quoted or not printed:
    failures.append("the temporaries figures: not found "
                    f"(README {bool(quoted)}, summary {bool(printed)})")
elif [q.replace(",", "") for q in quoted.groups()] != list(printed.groups()):
    failures.append(f"the README says {quoted.group(1)} and {quoted.group(2)} "
                    f"MiB of temporaries, alexc summary {printed.group(1)} and "
                    f"{printed.group(2)}")
for failure in failures:
    print("FAIL:", failure)
print(f"{len(commands)} README commands ran, {len(failures)} failed")
sys.exit(1 if failures else 0)
