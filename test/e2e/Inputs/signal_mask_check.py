"""Every thread of a running process keeps SIGINT and SIGTERM blocked and
none has a handler for them: a handler's frame, pushed on whatever stack
the interrupted thread was using, corrupted the heap when it landed inside
oneDNN's JIT GEMM (which points rsp into a heap workspace). The stop
signals are taken by one thread, alex-signals, waiting in sigwait()
instead (the kernel unblocks them in that thread alone while it waits).

  signal_mask_check.py PID
"""
import os
import sys

SIGNALS = {"SIGINT": 2, "SIGTERM": 15}

pid = sys.argv[1]
tasks = sorted(os.listdir(f"/proc/{pid}/task"))
faults, waiting = [], []
for task in tasks:
    fields = {}
    try:
        with open(f"/proc/{pid}/task/{task}/status") as status:
            for line in status:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
    except FileNotFoundError:
        continue  # the thread ended since the listing
    if fields["Name"] == "alex-signals":
        waiting.append(task)
    blocked, caught = int(fields["SigBlk"], 16), int(fields["SigCgt"], 16)
    for name, number in SIGNALS.items():
        bit = 1 << (number - 1)
        if not blocked & bit and task not in waiting:
            faults.append(f"thread {task} ({fields['Name']}): {name} not blocked")
        if caught & bit:
            faults.append(f"thread {task} ({fields['Name']}): {name} has a handler")
if len(waiting) != 1:
    faults.append(f"{len(waiting)} alex-signals threads, not one")
if faults:
    sys.exit("\n".join(faults))
print(f"{len(tasks)} threads: SIGINT and SIGTERM blocked in each but "
      "alex-signals, handled by none")
