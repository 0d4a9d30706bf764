"""Writes the golden fixture for the ground-truth metrics (Tests/LabTrainingTests/GroundTruthGoldenTests.swift).

Run once with sae-lens 6.54.12 (torch CPU):
    /tmp/benchenv/bin/python Tests/LabTrainingTests/Fixtures/make_saelens_metrics_fixture.py
It draws small fixed inputs with a seeded NumPy generator, saves them as float64 .npy files in
Fixtures/saelens-metrics/, and stores the values SAELens computes on them (float64 tensors) in
expected.json: MCC and its Hungarian pairs (scipy linear_sum_assignment), uniqueness, the
classification means, shrinkage and explained variance from sae_lens.synthetic.evals, and the
relative reconstruction bias with the expression of sae_lens.evals (Gated-SAE eq. 10).
"""
import json
import os

import numpy as np
import sae_lens
import torch
from scipy.optimize import linear_sum_assignment
from sae_lens.synthetic.evals import (
    ClassificationMetricsCalculator,
    ExplainedVarianceCalculator,
    ShrinkageCalculator,
    feature_uniqueness,
    mean_correlation_coefficient,
)
from sae_lens.util import cosine_similarities

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "saelens-metrics")
rng = np.random.default_rng(20261201)
n, m, k, f = 40, 6, 5, 7

truth = rng.normal(size=(k, m))
true_codes = rng.uniform(0.2, 2.0, size=(n, k)) * (rng.uniform(size=(n, k)) < 0.35)
true_codes[0] = 0.0  # one zero input: skipped by the shrinkage ratio
bias = rng.normal(scale=0.1, size=m)
x = true_codes @ truth
x[1:] += bias
# A decoder near a signed, permuted copy of the truth plus two extra rows (one zero).
decoder = np.zeros((f, m))
perm = rng.permutation(k)
signs = np.array([1, 1, 1, 1, -1])
decoder[:k] = signs[:, None] * truth[perm] + rng.normal(scale=0.3, size=(k, m))
decoder[k] = rng.normal(size=m)
codes = np.maximum(0.0, true_codes[:, perm] * (1 + rng.normal(scale=0.2, size=(n, k))) - 0.1)
codes = np.concatenate([codes, rng.uniform(size=(n, 2)) * (rng.uniform(size=(n, 2)) < 0.2)], axis=1)
reconstruction = codes @ decoder + 0.8 * bias

os.makedirs(OUT, exist_ok=True)
for name, array in [("x", x), ("reconstruction", reconstruction), ("decoder", decoder), ("truth", truth),
                    ("codes", codes), ("true_codes", true_codes)]:
    np.save(os.path.join(OUT, f"{name}.npy"), array.astype(np.float64))

t = lambda a: torch.tensor(a, dtype=torch.float64)
cost = 1 - cosine_similarities(t(decoder), t(truth)).abs().numpy()
rows, cols = linear_sum_assignment(cost)
shrinkage = ShrinkageCalculator()
shrinkage.add_batch(t(reconstruction), t(x))
ev = ExplainedVarianceCalculator()
ev.add_batch(t(reconstruction), t(x))
classification = ClassificationMetricsCalculator(t(decoder), t(truth))
classification.add_batch(t(codes), t(true_codes))
c = classification.compute()
xhat_sq = torch.norm(t(reconstruction), dim=-1) ** 2
x_dot = (t(x) * t(reconstruction)).sum(dim=-1)
expected = {
    "saeLensVersion": sae_lens.__version__,
    "mcc": mean_correlation_coefficient(t(decoder), t(truth)),
    "hungarianRows": rows.tolist(),
    "hungarianColumns": cols.tolist(),
    "uniqueness": feature_uniqueness(t(decoder), t(truth)),
    "precision": c.precision,
    "recall": c.recall,
    "f1": c.f1_score,
    "accuracy": c.accuracy,
    "shrinkage": shrinkage.compute(),
    "explainedVariance": ev.compute(),
    "relativeReconstructionBias": (xhat_sq.mean() / x_dot.mean()).item(),
}
with open(os.path.join(OUT, "expected.json"), "w") as handle:
    json.dump(expected, handle, indent=2, sort_keys=True)
    handle.write("\n")
print(json.dumps(expected))
