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

try:
    import matplotlib
except ImportError:
    sys.exit("error: tools/plot.py needs matplotlib: Debian's "
             "python3-matplotlib, for /usr/bin/python3 (tools/setup.sh "
             "installs it)")

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402


FIELDS = ("epoch", "train_loss", "test_loss", "top1_error", "top5_error")


def read_log(path):
    """The epochs of a log, or an error naming the file (and line)."""
    epochs = []
    try:
        with open(path, encoding="utf-8") as log:
            for number, line in enumerate(log, 1):
                if not line.strip():
                    continue
                try:
                    epoch = json.loads(line)
                except json.JSONDecodeError as error:
                    sys.exit(f"error: {path}:{number}: not a JSON line "
                             f"({error.msg})")
                missing = [f for f in FIELDS
                           if not isinstance(epoch, dict) or f not in epoch]
                if missing:
                    sys.exit(f"error: {path}:{number}: not an alexc epoch "
                             f"(no {', '.join(missing)})")
                epochs.append(epoch)
    except OSError as error:
        sys.exit(f"error: cannot read {path}: {error.strerror}")
    except UnicodeDecodeError:
        sys.exit(f"error: {path} is not a text file (an alexc log is JSON "
                 f"lines, NAME.log.jsonl beside the weight file)")
    if not epochs:
        sys.exit(f"error: {path}: no epochs logged")
    return epochs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logs", nargs="+", help="JSON-lines training logs")
    parser.add_argument("-o", "--output", required=True, help="PNG to write")
    args = parser.parse_args()
    # Every input and the output's folder before any drawing.
    runs = [(path, read_log(path)) for path in args.logs]
    folder = os.path.dirname(os.path.abspath(args.output))
    if not os.path.isdir(folder):
        sys.exit(f"error: cannot write {args.output}: no folder {folder}")

    figure, (losses, errors) = plt.subplots(1, 2, figsize=(11, 4.2))
    for path, epochs in runs:
        run = os.path.basename(path).removesuffix(".log.jsonl")
        x = [e["epoch"] for e in epochs]
        # Markers on every line: a one-epoch run is a point, not nothing.
        line, = losses.plot(x, [e["train_loss"] for e in epochs], marker=".",
                            label=f"{run} train")
        losses.plot(x, [e["test_loss"] for e in epochs], "--", marker="x",
                    color=line.get_color(), label=f"{run} test")
        errors.plot(x, [100 * e["top1_error"] for e in epochs], marker=".",
                    color=line.get_color(), label=f"{run} top-1")
        # No top-5 figure for 5 classes or fewer (null in the log).
        if all(e["top5_error"] is not None for e in epochs):
            errors.plot(x, [100 * e["top5_error"] for e in epochs], ":",
                        marker="x", color=line.get_color(),
                        label=f"{run} top-5")
    losses.set(xlabel="epoch", ylabel="loss", title="loss")
    errors.set(xlabel="epoch", ylabel="test error (%)", title="test error")
    for axes in (losses, errors):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(alpha=0.3)
        axes.legend(fontsize="small")
    figure.tight_layout()
    try:
        figure.savefig(args.output, dpi=100)
    except OSError as error:
        sys.exit(f"error: cannot write {args.output}: {error.strerror}")


if __name__ == "__main__":
    main()
