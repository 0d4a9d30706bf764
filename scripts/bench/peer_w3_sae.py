#!/usr/bin/env python3
"""Peer of `lab bench train` (workload W3): a ReLU-L1 sparse autoencoder trained in plain PyTorch.

The model is SAELens' standard architecture, as `lab train --arch relu-l1` trains it:
    z = ReLU((x − b_dec) W_enc + b_enc),  x̂ = z W_dec + b_dec,
    loss = mean over the batch of Σ_d (x̂ − x)² + l1 · Σ_i z_i ‖W_dec,i‖,
W_dec rows random with norm 0.1, W_enc = W_decᵀ, zero biases, Adam (0.9, 0.999) at a constant
rate, batches from a fresh random permutation each epoch.
--config small: `independent_X.npy` (m = 64), F = 512; trains on all rows but the last 10,000 and
  scores MSE, FVU, L0, dead latents and MMCS on those.
--config large: m = 512, F = 4096 on Gaussian data (throughput only).
Prints one JSON line whose `results.torch` holds samples/s (median and best of --repeats).
"""
import argparse
import os

from peers_common import limit_pools, mean_max_cosine, measure, package_versions, pin_threads, print_record


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", choices=["small", "large"], default="small")
    parser.add_argument("--backends", default="torch", help="only 'torch'")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--data", help="directory written by bench_data.py (small only)")
    parser.add_argument("--width", type=int, help="F (default 512 small / 4096 large)")
    parser.add_argument("--m", type=int, default=512, help="input dimension of the large configuration")
    parser.add_argument("--batch", type=int, default=4096)
    parser.add_argument("--steps", type=int, help="default 2000 small / 20 large")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--l1", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    a = parser.parse_args()
    if a.backends != "torch":
        raise SystemExit("this peer has one backend: torch")
    small = a.config == "small"
    if small and not a.data:
        raise SystemExit("--config small needs --data")
    pin_threads(a.threads)
    width, steps = a.width or (512 if small else 4096), a.steps or (2000 if small else 20)

    import numpy as np
    import torch
    limit_pools(a.threads)
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)

    if small:
        everything = np.load(os.path.join(a.data, "independent_X.npy"))
        truth = np.load(os.path.join(a.data, "independent_D.npy"))
        train, held_out = torch.from_numpy(everything[:-10000].copy()), torch.from_numpy(everything[-10000:].copy())
    else:
        train = torch.randn(65536, a.m, generator=torch.Generator().manual_seed(a.seed + 1))
        held_out, truth = None, None
    m = train.shape[1]

    def batches():
        generator = torch.Generator().manual_seed(a.seed)
        while True:
            order = torch.randperm(train.shape[0], generator=generator)
            for start in range(0, train.shape[0] - a.batch + 1, a.batch):
                yield train[order[start:start + a.batch]]

    def fit():
        decoder = torch.randn(width, m, generator=torch.Generator().manual_seed(a.seed))
        decoder = 0.1 * decoder / decoder.norm(dim=1, keepdim=True)
        W_enc = decoder.t().contiguous().requires_grad_()
        W_dec = decoder.clone().requires_grad_()
        b_enc, b_dec = torch.zeros(width, requires_grad=True), torch.zeros(m, requires_grad=True)
        optimiser = torch.optim.Adam([W_enc, b_enc, W_dec, b_dec], lr=a.lr, betas=(0.9, 0.999))
        stream = batches()
        for _ in range(steps):
            x = next(stream)
            z = torch.relu((x - b_dec) @ W_enc + b_enc)
            loss = (z @ W_dec + b_dec - x).pow(2).sum(-1).mean() + a.l1 * (z * W_dec.norm(dim=1)).sum(-1).mean()
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
        return {name: p.detach() for name, p in zip(("W_enc", "b_enc", "W_dec", "b_dec"), (W_enc, b_enc, W_dec, b_dec))}

    @torch.no_grad()
    def evaluate(p):
        if held_out is None:
            return {}
        z = torch.relu((held_out - p["b_dec"]) @ p["W_enc"] + p["b_enc"])
        mse = (z @ p["W_dec"] + p["b_dec"] - held_out).pow(2).sum(-1).mean().item()
        variance = (held_out - held_out.mean(0)).pow(2).sum(-1).mean().item()
        mmcs, share = mean_max_cosine(truth, p["W_dec"].numpy())
        return {"eval_mse": mse, "eval_fvu": mse / variance, "eval_L0": (z > 0).float().sum(-1).mean().item(),
                "dead_latents": int(((z > 0).sum(0) == 0).sum().item()), "mmcs": mmcs, "frac_true_cos_gt_0.9": share}

    figures, parameters = measure(fit, a.repeats)
    torch_results = {"samples_per_s": steps * a.batch / figures["median_s"], "samples_per_s_best": steps * a.batch / figures["best_s"],
                     "ms_per_step": 1000 * figures["median_s"] / steps, "median_s": figures["median_s"],
                     "times_s": figures["times_s"], "others_cpu_max": figures["others_cpu_max"]}
    torch_results.update(evaluate(parameters))
    print_record({"bench": "w3_sae", "config": a.config, "threads": a.threads, "m": m, "F": width, "batch": a.batch,
                  "steps": steps, "lr": a.lr, "l1": a.l1, "repeats": a.repeats, "train_rows": int(train.shape[0]),
                  "matmul_gflop_per_step": 12 * a.batch * m * width / 1e9, "results": {"torch": torch_results},
                  "versions": package_versions("numpy", "torch")})


if __name__ == "__main__":
    main()
