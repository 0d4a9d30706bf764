#!/usr/bin/env python3
"""The PyTorch peer of `lab bench train --arch ARCH`: the same model trained with sae-lens 6.54's own
training classes and a plain Adam loop (CPU, float32), on Gaussian rows, printing one JSON line.

  jumprelu           JumpReLUTrainingSAE, "step" L0 loss, threshold 0.01, bandwidth 0.05, l0 coefficient --l0
                     (fixed: the lab's controller only rescales this number once per step)
  matryoshka         MatryoshkaBatchTopKTrainingSAE, k = --k, matryoshka_widths = --prefixes + [width],
                     rescale_acts_by_decoder_norm False (as the lab's batchtopk)
  matching-pursuit   MatchingPursuitTrainingSAE, max_iterations = --k

samples/s = steps * batch / wall time from building the SAE to the last step (as the lab counts it).
    /tmp/benchenv/bin/python scripts/bench_train_archs.py --arch jumprelu --m 128 --width 1024 --batch 1024 --steps 20
"""
import argparse
import json
import time

import torch
from sae_lens.saes.jumprelu_sae import JumpReLUTrainingSAE, JumpReLUTrainingSAEConfig
from sae_lens.saes.matching_pursuit_sae import MatchingPursuitTrainingSAE, MatchingPursuitTrainingSAEConfig
from sae_lens.saes.matryoshka_batchtopk_sae import MatryoshkaBatchTopKTrainingSAE, MatryoshkaBatchTopKTrainingSAEConfig
from sae_lens.saes.sae import TrainStepInput


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", choices=["jumprelu", "matryoshka", "matching-pursuit"], required=True)
    ap.add_argument("--m", type=int, default=128)
    ap.add_argument("--width", type=int, default=1024)
    ap.add_argument("--rows", type=int, default=16384)
    ap.add_argument("--batch", type=int, default=1024)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--k", type=int, default=16)
    ap.add_argument("--prefixes", default="")
    ap.add_argument("--l0", type=float, default=0.01)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    x = torch.randn(args.rows, args.m, generator=torch.Generator().manual_seed(1))

    start = time.perf_counter()
    if args.arch == "jumprelu":
        sae = JumpReLUTrainingSAE(JumpReLUTrainingSAEConfig(d_in=args.m, d_sae=args.width, l0_coefficient=args.l0))
        coefficients = {"l0": args.l0}
    elif args.arch == "matryoshka":
        widths = [int(w) for w in args.prefixes.split(",") if w] + [args.width]
        sae = MatryoshkaBatchTopKTrainingSAE(MatryoshkaBatchTopKTrainingSAEConfig(
            d_in=args.m, d_sae=args.width, k=args.k, matryoshka_widths=widths, rescale_acts_by_decoder_norm=False))
        coefficients = {}
    else:
        sae = MatchingPursuitTrainingSAE(MatchingPursuitTrainingSAEConfig(d_in=args.m, d_sae=args.width, max_iterations=args.k))
        coefficients = {}
    optimizer = torch.optim.Adam(sae.parameters(), lr=args.lr, betas=(0.9, 0.999))
    generator = torch.Generator().manual_seed(0)
    order, position = torch.randperm(args.rows, generator=generator), 0
    loss = None
    for step in range(args.steps):
        if position + args.batch > args.rows:
            order, position = torch.randperm(args.rows, generator=generator), 0
        batch = x[order[position:position + args.batch]]
        position += args.batch
        output = sae.training_forward_pass(TrainStepInput(sae_in=batch, coefficients=coefficients, dead_neuron_mask=None,
                                                          n_training_steps=step, is_logging_step=False))
        optimizer.zero_grad(set_to_none=True)
        output.loss.backward()
        optimizer.step()
        loss = output.loss.item()
    seconds = time.perf_counter() - start
    print(json.dumps({"arch": args.arch, "samples_per_s": args.steps * args.batch / seconds, "seconds": seconds, "final_loss": loss,
                      "threads": args.threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
