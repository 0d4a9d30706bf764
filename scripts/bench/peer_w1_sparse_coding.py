#!/usr/bin/env python3
"""Peer of `lab bench encode` (workload W1): nonnegative lasso codes with a known dictionary.

For the first --n points x of `independent_X.npy` and the true atoms D (`independent_D.npy`),
each peer solves min_{z ≥ 0} ½‖x − zD‖² + α Σz per point: SPAMS `lasso` (mode 2, pos=True) and
scikit-learn `sparse_encode` (lasso_cd / lasso_lars, positive=True), in float32 and float64.
scikit-learn's `alpha` and SPAMS' `lambda1` both equal α here. Prints one JSON line whose
`results` map `<method>_<dtype>` to points/s (median and best of --repeats), the objective per
point (float64), mean L0 and the largest share of the machine other processes used.
"""
import argparse
import os
import sys
import warnings

from peers_common import lasso_objective, limit_pools, measure, package_versions, pin_threads, print_record


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="directory written by bench_data.py")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--alpha", type=float, default=0.1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--methods", default="spams_lasso,sklearn_lasso_cd")
    parser.add_argument("--dtypes", default="float32,float64")
    a = parser.parse_args()
    pin_threads(a.threads)
    os.environ.setdefault("PYTHONWARNINGS", "ignore::UserWarning")  # joblib workers' ConvergenceWarnings

    import numpy as np
    from sklearn.decomposition import sparse_encode
    try:
        import spams
    except ImportError:
        spams = None
        print("spams is not importable: spams_lasso skipped", file=sys.stderr)
    limit_pools(a.threads)

    X = np.load(os.path.join(a.data, "independent_X.npy"))[: a.n]
    D = np.load(os.path.join(a.data, "independent_D.npy"))
    results = {}
    for dtype in a.dtypes.split(","):
        Xd, Dd = X.astype(dtype), D.astype(dtype)
        for method in a.methods.split(","):
            if method == "spams_lasso":
                if spams is None:
                    continue
                Xf, Df = np.asfortranarray(Xd.T), np.asfortranarray(Dd.T)
                def run(Xf=Xf, Df=Df):
                    return spams.lasso(Xf, D=Df, lambda1=a.alpha, pos=True, mode=2, numThreads=a.threads).T.toarray()
            elif method.startswith("sklearn_"):
                algorithm, jobs = method[len("sklearn_"):], (a.threads if a.threads > 1 else None)
                def run(Xd=Xd, Dd=Dd, algorithm=algorithm, jobs=jobs):
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        return sparse_encode(Xd, Dd, algorithm=algorithm, alpha=a.alpha, positive=True, n_jobs=jobs)
            else:
                raise SystemExit(f"unknown method {method}")
            figures, Z = measure(run, a.repeats)
            Z = np.asarray(Z)
            results[f"{method}_{dtype}"] = {
                "points_per_s": a.n / figures["median_s"], "points_per_s_best": a.n / figures["best_s"],
                "median_s": figures["median_s"], "times_s": figures["times_s"], "others_cpu_max": figures["others_cpu_max"],
                "objective": lasso_objective(X, D, Z, a.alpha), "mean_L0": float((Z > 0).sum(axis=1).mean()),
            }
    print_record({"bench": "w1_sparse_coding", "threads": a.threads, "n": a.n, "alpha": a.alpha,
                  "K": int(D.shape[0]), "m": int(D.shape[1]), "repeats": a.repeats, "results": results,
                  "versions": package_versions("numpy", "scipy", "scikit-learn", "spams-bin")})


if __name__ == "__main__":
    main()
