"""Checks that two training logs (NAME.log.jsonl) hold the same figures.

  same_figures.py A.jsonl B.jsonl [--tolerance T]

Compares every epoch's losses, accuracies and error rates (relative
difference at most T, default 1e-5; rates as absolute differences) and
the step counts exactly; prints one line per epoch and exits 1 on any
mismatch.
"""
import json
import sys

FIGURES = ["train_loss", "train_accuracy", "test_loss", "top1_error",
           "top5_error", "learning_rate"]


def main():
    args = sys.argv[1:]
    tolerance = 1e-5
    if "--tolerance" in args:
        at = args.index("--tolerance")
        tolerance = float(args[at + 1])
        del args[at:at + 2]
    logs = [[json.loads(line) for line in open(path)] for path in args]
    if len(logs[0]) != len(logs[1]):
        print(f"{len(logs[0])} epochs against {len(logs[1])}")
        return 1
    failures = 0
    for a, b in zip(*logs):
        worst = max(abs(a[key] - b[key]) / max(abs(b[key]), 1.0)
                    for key in FIGURES)
        same = worst <= tolerance and a["step"] == b["step"]
        failures += not same
        print(f"epoch {a['epoch']} step {a['step']}: worst difference "
              f"{worst:.3g}: {'same' if same else 'DIFFERENT'}")
    return 1 if failures else 0


sys.exit(main())
