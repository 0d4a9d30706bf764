"""Writes SAEs saved by sae-lens itself, for LabTrainingTests (run with /tmp/benchenv/bin/python).

standard/ : StandardSAE d_in=3, d_sae=5; topk/ : TopKSAE d_in=3, d_sae=5, k=2 with
rescale_acts_by_decoder_norm=True (decoder rows of non-unit norm, so the loader must fold them).
Each directory also holds x.npy (4x3 inputs), codes.npy and recon.npy computed by sae-lens.
"""
import os

import numpy as np
import torch
from sae_lens import StandardSAE, StandardSAEConfig, TopKSAE, TopKSAEConfig

here = os.path.dirname(os.path.abspath(__file__))
g = torch.Generator().manual_seed(0)
x = torch.randn(4, 3, generator=g)
for name, sae in [("standard", StandardSAE(StandardSAEConfig(d_in=3, d_sae=5))),
                  ("topk", TopKSAE(TopKSAEConfig(d_in=3, d_sae=5, k=2, rescale_acts_by_decoder_norm=True)))]:
    with torch.no_grad():
        for p in (sae.W_enc, sae.W_dec, sae.b_enc, sae.b_dec):
            p.copy_(torch.randn(p.shape, generator=g))
        codes = sae.encode(x)
        recon = sae.decode(codes)
    out = os.path.join(here, "saelens-sae", name)
    os.makedirs(out, exist_ok=True)
    sae.save_model(out)
    np.save(os.path.join(out, "x.npy"), x.numpy())
    np.save(os.path.join(out, "codes.npy"), codes.numpy())
    np.save(os.path.join(out, "recon.npy"), recon.numpy())
