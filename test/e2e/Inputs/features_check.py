"""features' .npy files against eval, through the network's last layer
computed here: logits = features @ fc4.weight.T + fc4.bias (the weights
from the exported safetensors) must give eval's loss and top-1 error.

  features_check.py FEATURES.npy LABELS.npy WEIGHTS.safetensors EVAL_OUTPUT
"""
import re
import sys

import numpy as np
from safetensors_check import read_safetensors  # beside this file

features, labels = np.load(sys.argv[1]), np.load(sys.argv[2])
_, tensors = read_safetensors(sys.argv[3])
weight, bias = tensors["fc4.weight"][1], tensors["fc4.bias"][1]
assert features.dtype == np.float32 and labels.dtype == np.int32
assert features.shape == (len(labels), weight.shape[1]), features.shape
logits = features.astype(np.float64) @ weight.T.astype(np.float64) + bias
shifted = logits - logits.max(axis=1, keepdims=True)
log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
loss = -log_softmax[np.arange(len(labels)), labels].mean()
error = 100 * (logits.argmax(axis=1) != labels).mean()
printed = open(sys.argv[4]).read()
want_loss = float(re.search(r"test loss ([\d.]+)", printed).group(1))
want_error = float(re.search(r"top-1 err ([\d.]+)%", printed).group(1))
assert f"{loss:.4f}" == f"{want_loss:.4f}", (loss, want_loss)
assert f"{error:.2f}" == f"{want_error:.2f}", (error, want_error)
print(f"{len(labels)} images: features give eval's loss and top-1 error")
