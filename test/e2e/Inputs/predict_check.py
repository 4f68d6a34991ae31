"""predict's answers on a validation folder against eval's top-1 error on
the same images (folder mode: the same decoding, resizing and views).

  predict_check.py EVAL_OUTPUT PREDICT_OUTPUT
"""
import os
import re
import sys

eval_line = open(sys.argv[1]).read()
top1 = float(re.search(r"top-1 err ([\d.]+)%", eval_line).group(1))
images = int(re.search(r"\((\d+) images", eval_line).group(1))
wrong = total = 0
for line in open(sys.argv[2]):
    path, answers = line.rstrip("\n").split(": ", 1)
    label = os.path.basename(os.path.dirname(path))
    best = answers.split(" | ")[0].rsplit(" ", 1)[0]
    shares = [float(a.rsplit(" ", 1)[1].rstrip("%")) for a in answers.split(" | ")]
    assert shares == sorted(shares, reverse=True), line
    assert abs(sum(shares) - 100) < 0.1 or len(shares) == 5, line
    wrong += best != label
    total += 1
assert total == images, (total, images)
assert f"{100 * wrong / total:.2f}" == f"{top1:.2f}", (wrong, total, top1)
print(f"{total} images: predict's top-1 error equals eval's ({top1:.2f}%)")
