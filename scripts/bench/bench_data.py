#!/usr/bin/env python3
"""The benchmark data of `lab bench`: two synthetic worlds with known features, as float32 .npy.

  independent_{X,D,Z}.npy   K features firing independently with probability p, magnitudes U(0, hi)
  hierarchy_{X,D,Z}.npy     P parents firing with probability p_parent; a firing parent has, with
                            probability p_child, exactly one of its C children firing too
  hierarchy_parent.npy      the parent row of each child (-1 for parents)
  manifest.json             the parameters, shapes and SHA-256 of every file

Directions are Gaussian rows normalised to unit length; X = Z·D is computed in float64 and rounded
to float32, so the files do not depend on the BLAS build or thread count. The same seed gives the
same bytes (numpy's PCG64 generator).
"""
import argparse
import hashlib
import json
import os

import numpy as np


def unit_rows(rng, rows, columns):
    d = rng.standard_normal((rows, columns))
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def independent_world(seed, n, m, k, p, high):
    rng = np.random.default_rng(seed)
    D = unit_rows(rng, k, m).astype(np.float32)
    fires = rng.random((n, k)) < p
    magnitudes = rng.uniform(0.0, high, size=(n, k))
    Z = np.where(fires, magnitudes, 0.0).astype(np.float32)
    return (Z.astype(np.float64) @ D.astype(np.float64)).astype(np.float32), D, Z


def hierarchy_world(seed, n, m, parents, children, p_parent, p_child, high):
    rng = np.random.default_rng(seed)
    k = parents * (1 + children)
    D = unit_rows(rng, k, m).astype(np.float32)
    parent_of = np.full(k, -1, dtype=np.int32)
    for j in range(parents):
        parent_of[parents + j * children: parents + (j + 1) * children] = j
    parent_fires = rng.random((n, parents)) < p_parent
    child_fires = parent_fires & (rng.random((n, parents)) < p_child)
    which_child = rng.integers(0, children, size=(n, parents))
    fires = np.zeros((n, k), dtype=bool)
    fires[:, :parents] = parent_fires
    rows, parent = np.nonzero(child_fires)
    fires[rows, parents + parent * children + which_child[rows, parent]] = True
    magnitudes = rng.uniform(0.0, high, size=(n, k))
    Z = np.where(fires, magnitudes, 0.0).astype(np.float32)
    return (Z.astype(np.float64) @ D.astype(np.float64)).astype(np.float32), D, Z, parent_of


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="directory for the .npy files")
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--m", type=int, default=64)
    parser.add_argument("--k", type=int, default=256)
    parser.add_argument("--p", type=float, default=0.02)
    parser.add_argument("--parents", type=int, default=32)
    parser.add_argument("--children", type=int, default=4)
    parser.add_argument("--p-parent", type=float, default=0.03)
    parser.add_argument("--p-child", type=float, default=0.5)
    parser.add_argument("--magnitude", type=float, default=2.0, help="upper end of the uniform magnitudes")
    a = parser.parse_args()
    os.makedirs(a.out, exist_ok=True)
    X, D, Z = independent_world(a.seed, a.n, a.m, a.k, a.p, a.magnitude)
    Xh, Dh, Zh, parent_of = hierarchy_world(a.seed + 1, a.n, a.m, a.parents, a.children, a.p_parent, a.p_child, a.magnitude)
    arrays = {"independent_X": X, "independent_D": D, "independent_Z": Z,
              "hierarchy_X": Xh, "hierarchy_D": Dh, "hierarchy_Z": Zh, "hierarchy_parent": parent_of}
    files = {}
    for name, array in arrays.items():
        path = os.path.join(a.out, name + ".npy")
        np.save(path, np.ascontiguousarray(array))
        files[name + ".npy"] = {"shape": list(array.shape), "dtype": str(array.dtype), "sha256": digest(path)}
    manifest = {"parameters": vars(a), "files": files, "numpy": np.__version__}
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    print(json.dumps({"out": a.out, "sha256": {k: v["sha256"][:16] for k, v in files.items()}}))


if __name__ == "__main__":
    main()
