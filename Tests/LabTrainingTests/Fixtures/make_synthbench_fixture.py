"""Writes the golden fixture of `lab eval` / SynthBenchEvaluation (Tests/LabTrainingTests/SynthBenchGoldenTests.swift).

Run once with sae-lens 6.54.12 (torch CPU):
    /tmp/benchenv/bin/python Tests/LabTrainingTests/Fixtures/make_synthbench_fixture.py
Everything is written by sae-lens itself into Fixtures/synthbench/:
  model/    a small hierarchical synthetic model (SyntheticModel.save): 24 features in 10 dimensions;
  sae/      a JumpReLU SAE of width 32 (SAE.save_model): its first 24 latents near the true features
            (init_sae_to_match_feature_dict with noise), 8 more random, thresholds spread so that some
            latents never fire;
  codes.npy the 2,000 true feature activations sampled by the model (float32), and
  x.npy     the hidden activations the model makes of them (float32);
  expected.json  eval_sae_on_synthetic_data on exactly those samples (one batch), sae-lens's float32.
"""
import json
import os

import numpy as np
import sae_lens
import torch
from sae_lens.saes.jumprelu_sae import JumpReLUSAE, JumpReLUSAEConfig
from sae_lens.synthetic import (
    HierarchyConfig,
    LinearMagnitudeConfig,
    SyntheticModel,
    SyntheticModelConfig,
    ZipfianFiringProbabilityConfig,
    eval_sae_on_synthetic_data,
    init_sae_to_match_feature_dict,
)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "synthbench")
N = 2000

cfg = SyntheticModelConfig(
    num_features=24,
    hidden_dim=10,
    firing_probability=ZipfianFiringProbabilityConfig(exponent=0.5, max_prob=0.3, min_prob=0.03),
    hierarchy=HierarchyConfig(total_root_nodes=3, branching_factor=2, max_depth=2, mutually_exclusive_portion=0.5,
                              compensate_probabilities=True, scale_children_by_parent=False),
    std_firing_magnitudes=0.1,
    mean_firing_magnitudes=LinearMagnitudeConfig(start=2.0, end=1.0),
    bias=0.5,
    seed=11,
)
model = SyntheticModel(cfg)
model.save(os.path.join(OUT, "model"))

torch.manual_seed(3)
sae = JumpReLUSAE(JumpReLUSAEConfig(d_in=10, d_sae=32, dtype="float32", device="cpu"))
with torch.no_grad():
    sae.W_enc.data = torch.randn(10, 32) * 0.3
    init_sae_to_match_feature_dict(sae, model.feature_dict, noise_level=0.25)
    sae.W_dec.data = sae.W_dec.data.contiguous()
    sae.b_enc.data = torch.randn(32) * 0.1
    sae.b_dec.data = model.feature_dict.bias.data.clone() * 0.9
    sae.threshold.data = 0.5 + torch.rand(32) * 0.6
    sae.threshold.data[30:] = 100.0  # two latents that never fire
sae.save_model(os.path.join(OUT, "sae"))

torch.manual_seed(5)
hidden, features = model.sample_with_features(N)
np.save(os.path.join(OUT, "codes.npy"), features.numpy().astype(np.float32))
np.save(os.path.join(OUT, "x.npy"), hidden.numpy().astype(np.float32))


class Replay:
    """An activations generator that returns the saved samples."""

    def __init__(self, acts):
        self.acts = acts

    def sample(self, n):
        assert n == self.acts.shape[0]
        return self.acts


loaded = JumpReLUSAE.load_from_disk(os.path.join(OUT, "sae"))
result = eval_sae_on_synthetic_data(loaded, model.feature_dict, Replay(features), num_samples=N)
expected = {
    "saeLensVersion": sae_lens.__version__,
    "samples": N,
    "mcc": result.mcc,
    "uniqueness": result.uniqueness,
    "precision": result.classification.precision,
    "recall": result.classification.recall,
    "f1": result.classification.f1_score,
    "explainedVariance": result.explained_variance,
    "l0": result.sae_l0,
    "trueL0": result.true_l0,
    "deadLatents": result.dead_latents,
    "shrinkage": result.shrinkage,
}
with open(os.path.join(OUT, "expected.json"), "w") as handle:
    json.dump(expected, handle, indent=2, sort_keys=True)
    handle.write("\n")
print(json.dumps(expected))
