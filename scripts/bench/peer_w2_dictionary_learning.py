#!/usr/bin/env python3
"""Peer of `lab bench learn` (workload W2): online dictionary learning with nonnegative codes.

Learns K atoms from the first --n-train points of `independent_X.npy` for --epochs passes of
mini-batches of --batch: SPAMS `trainDL` (mode 2, posAlpha, the same number of mini-batch steps)
and scikit-learn `MiniBatchDictionaryLearning` (fit_algorithm 'cd', positive codes, tol 0). Both
minimise the mean of ½‖x − zD‖² + α‖z‖₁ with atoms of norm ≤ 1. Every dictionary, and the true one
as the reference, is scored on the held-out last --n-eval rows by one encoder (SPAMS `lasso`, or
scikit-learn's lasso_cd without SPAMS): objective per point, mean L0 and MMCS against the truth.
Prints one JSON line.
"""
import argparse
import math
import os
import sys
import warnings

from peers_common import (lasso_objective, limit_pools, mean_max_cosine, measure, package_versions, pin_threads,
                          print_record)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="directory written by bench_data.py")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--n-train", type=int, default=50000)
    parser.add_argument("--n-eval", type=int, default=10000)
    parser.add_argument("--K", type=int, default=256)
    parser.add_argument("--alpha", type=float, default=0.1)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--methods", default="spams_trainDL,sklearn_mbdl")
    parser.add_argument("--dtypes", default="float64")
    parser.add_argument("--seed", type=int, default=0)
    a = parser.parse_args()
    pin_threads(a.threads)
    os.environ.setdefault("PYTHONWARNINGS", "ignore::UserWarning")

    import numpy as np
    from sklearn.decomposition import MiniBatchDictionaryLearning, sparse_encode
    try:
        import spams
    except ImportError:
        spams = None
        print("spams is not importable: spams_trainDL skipped", file=sys.stderr)
    limit_pools(a.threads)

    X = np.load(os.path.join(a.data, "independent_X.npy"))
    truth = np.load(os.path.join(a.data, "independent_D.npy"))
    train, held_out = X[: a.n_train], X[-a.n_eval:]
    steps = a.epochs * math.ceil(a.n_train / a.batch)

    def score(D):
        D = np.asarray(D, dtype=np.float64)
        if spams is not None:
            Z = spams.lasso(np.asfortranarray(held_out.T.astype(np.float64)), D=np.asfortranarray(D.T),
                            lambda1=a.alpha, pos=True, mode=2, numThreads=a.threads).toarray().T
        else:
            Z = sparse_encode(held_out.astype(np.float64), D, algorithm="lasso_cd", alpha=a.alpha, positive=True)
        mmcs, share = mean_max_cosine(truth, D)
        return {"eval_objective": lasso_objective(held_out, D, Z, a.alpha), "eval_L0": float((Z > 0).sum(axis=1).mean()),
                "mmcs": mmcs, "frac_true_cos_gt_0.9": share, "max_atom_norm": float(np.linalg.norm(D, axis=1).max())}

    results = {"true_dictionary": score(truth)}
    for dtype in a.dtypes.split(","):
        data = train.astype(dtype)
        for method in a.methods.split(","):
            if method == "spams_trainDL":
                if spams is None:
                    continue
                Xf = np.asfortranarray(data.T)
                def run(Xf=Xf):
                    return np.asarray(spams.trainDL(Xf, K=a.K, lambda1=a.alpha, mode=2, posAlpha=True, iter=steps,
                                                    batchsize=a.batch, numThreads=a.threads, verbose=False)).T
            elif method == "sklearn_mbdl":
                def run(data=data):
                    learner = MiniBatchDictionaryLearning(n_components=a.K, alpha=a.alpha, max_iter=a.epochs,
                                                          fit_algorithm="cd", batch_size=a.batch, positive_code=True,
                                                          tol=0, max_no_improvement=None, random_state=a.seed,
                                                          n_jobs=a.threads if a.threads > 1 else None)
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        learner.fit(data)
                    return learner.components_
            else:
                raise SystemExit(f"unknown method {method}")
            figures, D = measure(run, a.repeats)
            entry = {"wall_s": figures["median_s"], "times_s": figures["times_s"], "others_cpu_max": figures["others_cpu_max"],
                     "repeats": a.repeats, "train_points_per_s": a.epochs * a.n_train / figures["median_s"]}
            entry.update(score(D))
            results[f"{method}_{dtype}"] = entry
    print_record({"bench": "w2_dictlearn", "threads": a.threads, "n_train": a.n_train, "n_eval": a.n_eval, "K": a.K,
                  "alpha": a.alpha, "epochs": a.epochs, "batch": a.batch, "minibatch_steps": steps, "results": results,
                  "eval_encoder": "spams.lasso" if spams is not None else "sklearn lasso_cd",
                  "versions": package_versions("numpy", "scipy", "scikit-learn", "spams-bin")})


if __name__ == "__main__":
    main()
