"""Runs a jumprelu SAE written by `lab train` through sae-lens 6.54.12 (Tests/LabTrainingTests/SAELensFormatTests.swift).

The SAE in Fixtures/lab-jumprelu/sae was written by
    lab train --data X.npy --arch jumprelu --k 3 --width 16 --batch 128 --steps 300 --lr 0.003 --threads 1 --seed 2
on 4,000 samples of Fixtures/synthbench/model (lab generate --from-saelens ... --seed 1). This script loads it with
sae-lens (SAE.load_from_disk) and stores what sae-lens computes on the first 300 rows of Fixtures/synthbench/x.npy:
codes.npy (sae.encode) and reconstructions.npy (sae.decode of them), float32.
    /tmp/benchenv/bin/python Tests/LabTrainingTests/Fixtures/make_lab_jumprelu_fixture.py
"""
import os

import numpy as np
import torch
from sae_lens import SAE

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "lab-jumprelu")
sae = SAE.load_from_disk(os.path.join(OUT, "sae"))
assert type(sae).__name__ == "JumpReLUSAE", type(sae).__name__
x = torch.tensor(np.load(os.path.join(HERE, "synthbench", "x.npy"))[:300])
with torch.no_grad():
    codes = sae.encode(x)
    reconstructions = sae.decode(codes)
np.save(os.path.join(OUT, "codes.npy"), codes.numpy().astype(np.float32))
np.save(os.path.join(OUT, "reconstructions.npy"), reconstructions.numpy().astype(np.float32))
print(type(sae).__name__, float((codes != 0).float().sum(1).mean()))
