"""The JSON-lines training log against the lines `train` printed: every
epoch logged, each figure equal to the printed one at its precision.

  log_check.py RUN.log.jsonl TRAIN_STDOUT
"""
import json
import re
import sys

log_path, printed_path = sys.argv[1:3]
logged = [json.loads(line) for line in open(log_path) if line.strip()]
pattern = re.compile(
    r"epoch (\d+): train loss ([\d.]+) acc ([\d.]+)% \| test loss ([\d.]+) "
    r"top-1 err ([\d.]+)% top-5 err ([\d.]+%|n/a) \| (\d+) img/s, (\d+)% waiting "
    r"for data \| lr ([\d.e-]+)")
printed = [pattern.match(line) for line in open(printed_path)]
printed = [m for m in printed if m]
assert len(printed) == len(logged) > 0, (len(printed), len(logged))
for entry, line in zip(logged, printed):
    epoch, loss, acc, test, top1, top5, rate, wait, lr = line.groups()
    assert entry["epoch"] == int(epoch)
    assert f"{entry['train_loss']:.4f}" == loss, (entry, line.group(0))
    assert f"{100 * entry['train_accuracy']:.2f}" == acc
    assert f"{entry['test_loss']:.4f}" == test
    assert f"{100 * entry['top1_error']:.2f}" == top1
    assert (top5 == "n/a" if entry["top5_error"] is None
            else f"{100 * entry['top5_error']:.2f}%" == top5)
    assert f"{entry['images_per_second']:.0f}" == rate
    assert f"{100 * entry['data_wait']:.0f}" == wait
    assert f"{entry['learning_rate']:g}" == lr
print(f"{len(logged)} epochs logged as printed")
