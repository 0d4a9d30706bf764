#!/usr/bin/env python3
"""Peer of `lab bench generate`: sae-lens's own sampler of a synthetic model (SynthSAEBench).

Loads a SAELens synthetic-model directory (`synthetic_model_config.json`,
`synthetic_model.safetensors`, `hierarchy.json`; e.g. written by `lab generate synth-sae-bench-16k
--saelens-out DIR`) with `SyntheticModel.load_from_disk` and times
`sample_with_features(batch)` — the firing mask (Gaussian copula), magnitudes, hierarchy modifier
and the hidden vectors h = a·D + b, the features and activations the lab generates too — for
--samples samples in batches of --batch, on --threads torch threads.
Prints one JSON line whose `results.saelens` holds samples/s (median and best of --repeats) and the
mean number of active features per sample.
"""
import argparse

from peers_common import limit_pools, measure, package_versions, pin_threads, print_record


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="SAELens synthetic-model directory")
    parser.add_argument("--samples", type=int, default=8192)
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    a = parser.parse_args()
    pin_threads(a.threads)
    import torch
    from sae_lens.synthetic import SyntheticModel

    limit_pools(a.threads)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = SyntheticModel.load_from_disk(a.model)
    active = []

    def run():
        done, count = 0, 0
        while done < a.samples:
            rows = min(a.batch, a.samples - done)
            hidden, features = model.sample_with_features(rows)
            count += int((features != 0).sum())
            done += rows
        active.append(count / a.samples)
        return hidden

    run()  # warm-up: first-call allocations and lazy initialisation
    figures, _ = measure(run, a.repeats)
    result = {"samples_per_s": a.samples / figures["median_s"], "samples_per_s_best": a.samples / figures["best_s"],
              "mean_L0": active[-1], **figures}
    print_record({"bench": "synth_generate", "threads": a.threads, "samples": a.samples, "batch": a.batch,
                  "versions": package_versions("torch", "sae-lens"), "results": {"saelens": result}})


if __name__ == "__main__":
    main()
