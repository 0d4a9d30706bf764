"""Writes the SAELens synthetic-model fixture with sae-lens itself (run with sae-lens 6.54).

    python make_saelens_fixture.py OUT_DIR
"""
import sys

from sae_lens.synthetic import (
    HierarchyConfig,
    LinearMagnitudeConfig,
    SyntheticModel,
    SyntheticModelConfig,
    ZipfianFiringProbabilityConfig,
)
from sae_lens.synthetic.synthetic_model import LowRankCorrelationConfig

cfg = SyntheticModelConfig(
    num_features=14,
    hidden_dim=8,
    firing_probability=ZipfianFiringProbabilityConfig(exponent=0.5, max_prob=0.4, min_prob=0.05),
    hierarchy=HierarchyConfig(total_root_nodes=2, branching_factor=2, max_depth=2, mutually_exclusive_portion=1.0,
                              compensate_probabilities=True, scale_children_by_parent=True),
    correlation=LowRankCorrelationConfig(rank=2, correlation_scale=0.3),
    std_firing_magnitudes=0.1,
    mean_firing_magnitudes=LinearMagnitudeConfig(start=2.0, end=1.0),
    bias=0.5,
    seed=7,
)
model = SyntheticModel(cfg)
model.save(sys.argv[1])

# Firing rates of 20,000 samples drawn by sae-lens itself, for a distribution-level comparison.
import json
import torch
import sae_lens

torch.manual_seed(0)
_, features = model.sample_with_features(20_000)
active = (features > 0).double()
summary = {
    "sae_lens_version": sae_lens.__version__,
    "samples": features.shape[0],
    "firing_rates": active.mean(0).tolist(),
}
with open(f"{sys.argv[1]}/saelens_firing_rates.json", "w") as f:
    json.dump(summary, f, indent=2)
