#!/usr/bin/python3
"""Training curves of one or more alexc runs, from their JSON-lines logs.

usage: tools/plot.py RUN.log.jsonl [MORE.log.jsonl ...] -o curves.png

`train` writes such a log beside its weight file (alexnet.fb ->
alexnet.log.jsonl). Left: training and test loss per epoch; right: test
top-1 and top-5 error (%). Each run is labelled by its file name. Needs
Debian's python3-matplotlib.
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402


def read_log(path):
    epochs = []
    with open(path) as log:
        for number, line in enumerate(log, 1):
            if not line.strip():
                continue
            try:
                epochs.append(json.loads(line))
            except json.JSONDecodeError as error:
                sys.exit(f"{path}:{number}: not a JSON line ({error.msg})")
    if not epochs:
        sys.exit(f"{path}: no epochs logged")
    return epochs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logs", nargs="+", help="JSON-lines training logs")
    parser.add_argument("-o", "--output", required=True, help="PNG to write")
    args = parser.parse_args()

    figure, (losses, errors) = plt.subplots(1, 2, figsize=(11, 4.2))
    for path in args.logs:
        run = os.path.basename(path).removesuffix(".log.jsonl")
        epochs = read_log(path)
        x = [e["epoch"] for e in epochs]
        line, = losses.plot(x, [e["train_loss"] for e in epochs], marker=".",
                            label=f"{run} train")
        losses.plot(x, [e["test_loss"] for e in epochs], "--",
                    color=line.get_color(), label=f"{run} test")
        errors.plot(x, [100 * e["top1_error"] for e in epochs],
                    color=line.get_color(), label=f"{run} top-1")
        errors.plot(x, [100 * e["top5_error"] for e in epochs], ":",
                    color=line.get_color(), label=f"{run} top-5")
    losses.set(xlabel="epoch", ylabel="loss", title="loss")
    errors.set(xlabel="epoch", ylabel="test error (%)", title="test error")
    for axes in (losses, errors):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(alpha=0.3)
        axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(args.output, dpi=100)


if __name__ == "__main__":
    main()
