#!/usr/bin/env python3
"""Peer of `lab bench train --whole-process`: what `lab train --arch relu-l1` does, as one PyTorch process.

The process reads X.npy, trains the ReLU-L1 SAE of peer_w3_sae.py (SAELens `standard`, Adam at a
constant rate, batches from a fresh random permutation each epoch) on all its rows, measures MSE,
explained variance, L0 and dead latents on all rows, and writes a SAELens folder (cfg.json and
sae_weights.safetensors) to --out. `lab bench` times the whole process from outside; the JSON line
printed at the end also gives the training loop's own seconds (`loop_s`, from building the model to
the last step) and the metrics.
"""
import argparse
import json
import os
import time

from peers_common import limit_pools, package_versions, pin_threads, print_record


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="N×m float32 .npy")
    parser.add_argument("--out", required=True, help="output SAELens folder")
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--batch", type=int, default=4096)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--l1", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    a = parser.parse_args()
    pin_threads(a.threads)

    import numpy as np
    import torch
    from safetensors.torch import save_file
    limit_pools(a.threads)
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)

    x = torch.from_numpy(np.load(a.data).astype(np.float32, copy=False))
    n, m = x.shape
    start = time.perf_counter()
    decoder = torch.randn(a.width, m, generator=torch.Generator().manual_seed(a.seed))
    decoder = 0.1 * decoder / decoder.norm(dim=1, keepdim=True)
    W_enc = decoder.t().contiguous().requires_grad_()
    W_dec = decoder.clone().requires_grad_()
    b_enc, b_dec = torch.zeros(a.width, requires_grad=True), torch.zeros(m, requires_grad=True)
    optimiser = torch.optim.Adam([W_enc, b_enc, W_dec, b_dec], lr=a.lr, betas=(0.9, 0.999))
    generator = torch.Generator().manual_seed(a.seed)
    order, position = torch.randperm(n, generator=generator), 0
    for _ in range(a.steps):
        if position + a.batch > n:
            order, position = torch.randperm(n, generator=generator), 0
        batch = x[order[position:position + a.batch]]
        position += a.batch
        z = torch.relu((batch - b_dec) @ W_enc + b_enc)
        loss = (z @ W_dec + b_dec - batch).pow(2).sum(-1).mean() + a.l1 * (z * W_dec.norm(dim=1)).sum(-1).mean()
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
    loop = time.perf_counter() - start

    with torch.no_grad():
        squared, active, fired = 0.0, 0, torch.zeros(a.width, dtype=torch.bool)
        for chunk in torch.split(x, 8192):
            z = torch.relu((chunk - b_dec) @ W_enc + b_enc)
            squared += (z @ W_dec + b_dec - chunk).pow(2).sum().item()
            active += int((z > 0).sum().item())
            fired |= (z > 0).any(0)
        variance = (x - x.mean(0)).pow(2).sum(-1).mean().item()
        mse = squared / n
    os.makedirs(a.out, exist_ok=True)
    save_file({"W_enc": W_enc.detach().contiguous(), "b_enc": b_enc.detach(), "W_dec": W_dec.detach().contiguous(), "b_dec": b_dec.detach()},
              os.path.join(a.out, "sae_weights.safetensors"))
    with open(os.path.join(a.out, "cfg.json"), "w") as f:
        json.dump({"architecture": "standard", "d_in": m, "d_sae": a.width, "dtype": "float32", "device": "cpu",
                   "apply_b_dec_to_input": True}, f)
    print_record({"bench": "train_process", "threads": a.threads, "steps": a.steps, "batch": a.batch, "width": a.width, "rows": n,
                  "loop_s": loop, "mse": mse, "explained_variance": 1 - mse / variance, "l0": active / n,
                  "dead_latents": int((~fired).sum().item()), "versions": package_versions("numpy", "torch")})


if __name__ == "__main__":
    main()
