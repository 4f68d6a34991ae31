"""Checks `alexc summary --target=cuda`'s table of loop kernels' resources.

Reads the summary on stdin. For each train step: the table lists as many
kernels as the step has loop kernels, and each kernel's threads in flight
per SM follow from its registers and block by sm_90's limits (64K
registers allocated 256 a warp, 2,048 threads, 32 blocks an SM), computed
here independently of alexc. Prints one line per step.
"""
import re
import sys

text = sys.stdin.read()
steps = re.split(r"\n  @", text)
failures = 0
for step in steps[1:]:
    name = step.split(":", 1)[0]
    launches = re.search(r"launches \((\d+) loop kernels", step)
    if not name.startswith("train_step") or not launches:
        continue
    rows = re.findall(
        r"^ +(\S+_kernel\S*) +.+? +(\d+) +(\d+) +(\d+)/(\d+) +(\d+) \((\d+)%\)$",
        step, re.M)
    if len(rows) != int(launches.group(1)):
        print(f"{name}: {len(rows)} kernels listed, "
              f"{launches.group(1)} loop kernels in the step")
        failures += 1
        continue
    for kernel, block, regs, _, _, resident, percent in rows:
        block, regs = int(block), int(regs)
        warps = (block + 31) // 32
        warp_registers = max(1, -(-regs * 32 // 256)) * 256
        blocks = min(65536 // warp_registers // warps, 2048 // (warps * 32), 32)
        expected = blocks * block
        if int(resident) != expected or int(percent) != round(100 * expected / 2048):
            print(f"{name}: {kernel} ({regs} registers, blocks of {block}): "
                  f"{resident} threads in flight, expected {expected}")
            failures += 1
    print(f"{name}: {len(rows)} kernels, "
          f"{'ok' if not failures else 'WRONG'}")
sys.exit(1 if failures else 0)
