#!/usr/bin/env python3
"""torchvision's AlexNet weights as a state_dict file, for `train --init`.

  python3 tools/torchvision_weights.py OUT.pth
      torchvision's ImageNet weights (AlexNet_Weights.IMAGENET1K_V1: top-1
      56.5%; torchvision downloads them once, 233 MB, into ~/.cache/torch)
  python3 tools/torchvision_weights.py OUT.pth --stand-in SEED
      for machines without network: seeded random weights of the same
      shapes, the convolutions He-initialised (kaiming_normal_, ReLU gain)
      so their features keep their scale through five layers, the
      classifier as torchvision initialises it. Random features, not
      ImageNet's: they show the mechanics of fine-tuning, not its accuracy.

Then tools/pth_to_safetensors.py OUT.pth OUT.safetensors makes the file
`import` and `train --init` read. OUT is written to a temporary file and
renamed. Needs torch and torchvision.
"""
import io
import sys

from safetensors_io import SafetensorsError, write_atomically


def fail(message):
    print(f"torchvision_weights: error: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    args = sys.argv[1:]
    if len(args) not in (1, 3) or (len(args) == 3 and args[1] != "--stand-in"):
        fail("usage: torchvision_weights.py OUT.pth [--stand-in SEED]")
    try:
        import torch
        import torchvision
    except ImportError:
        fail("needs torch and torchvision "
             "(apt install python3-torch python3-torchvision)")
    if len(args) == 1:
        weights = torchvision.models.AlexNet_Weights.IMAGENET1K_V1
        try:
            model = torchvision.models.alexnet(weights=weights)
        except Exception as error:  # urllib's, hashing's, torch.load's
            fail(f"cannot get torchvision's ImageNet weights ({error}); "
                 "without network, --stand-in SEED writes stand-ins")
        what = "torchvision's ImageNet weights (IMAGENET1K_V1)"
    else:
        try:
            seed = int(args[2])
        except ValueError:
            fail(f"--stand-in takes an integer seed, not '{args[2]}'")
        torch.manual_seed(seed)
        model = torchvision.models.alexnet()
        for module in model.features:
            if isinstance(module, torch.nn.Conv2d):
                torch.nn.init.kaiming_normal_(module.weight,
                                              nonlinearity="relu")
                torch.nn.init.zeros_(module.bias)
        what = f"stand-in weights (seed {seed}; random, not ImageNet's)"
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    try:
        write_atomically(args[0], [buffer.getvalue()])
    except SafetensorsError as error:
        fail(str(error))
    print(f"wrote {what} to {args[0]}")


if __name__ == "__main__":
    main()
