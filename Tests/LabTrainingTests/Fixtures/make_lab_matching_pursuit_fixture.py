"""Runs matching-pursuit SAEs through sae-lens 6.54.12 (Tests/LabTrainingTests/MatchingPursuitTests.swift).

Fixtures/lab-matching-pursuit/sae was written by
    lab train --data X.npy --arch matching-pursuit --k 3 --width 16 --batch 128 --steps 200 --lr 0.003 --threads 1 --seed 2
on 4,000 samples of Fixtures/synthbench/model (lab generate --from-saelens ... --seed 1). This script loads it with
sae-lens (SAE.load_from_disk) and stores sae-lens's codes.npy (sae.encode) and reconstructions.npy on the first 300 rows
of Fixtures/synthbench/x.npy; then it saves a MatchingPursuitSAE of its own (random unit decoder rows, max_iterations 4)
as saelens-sae/ with its codes as saelens-codes.npy on the same rows.
    /tmp/benchenv/bin/python Tests/LabTrainingTests/Fixtures/make_lab_matching_pursuit_fixture.py
"""
import os

import numpy as np
import torch
from sae_lens import SAE
from sae_lens.saes.matching_pursuit_sae import MatchingPursuitSAE, MatchingPursuitSAEConfig

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "lab-matching-pursuit")
x = torch.tensor(np.load(os.path.join(HERE, "synthbench", "x.npy"))[:300])

sae = SAE.load_from_disk(os.path.join(OUT, "sae"))
assert type(sae).__name__ == "MatchingPursuitSAE", type(sae).__name__
with torch.no_grad():
    codes = sae.encode(x)
    reconstructions = sae.decode(codes)
np.save(os.path.join(OUT, "codes.npy"), codes.numpy().astype(np.float32))
np.save(os.path.join(OUT, "reconstructions.npy"), reconstructions.numpy().astype(np.float32))

torch.manual_seed(9)
own = MatchingPursuitSAE(MatchingPursuitSAEConfig(d_in=10, d_sae=20, max_iterations=4, dtype="float32"))
with torch.no_grad():
    w = torch.randn(20, 10)
    own.W_dec.data = (w / w.norm(dim=-1, keepdim=True)).contiguous()
    own.b_dec.data = torch.randn(10) * 0.2
own.save_model(os.path.join(OUT, "saelens-sae"))
with torch.no_grad():
    np.save(os.path.join(OUT, "saelens-codes.npy"), own.encode(x).numpy().astype(np.float32))
print((codes != 0).float().sum(1).mean().item())
