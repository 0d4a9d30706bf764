"""Shared pieces of SparseLab's peer benchmarks (the Python tools `lab bench` compares against).

Call `pin_threads(n)` before importing numpy, scipy, scikit-learn, spams or torch: their BLAS and
OpenMP pools read the thread count from the environment when they load.
"""
import json
import os
import statistics
import sys
import time

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def pin_threads(n):
    """Every BLAS/OpenMP pool of this process to n threads (environment first, loaded pools after)."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(n)
    os.environ.setdefault("TQDM_DISABLE", "1")


def limit_pools(n):
    """Clamps pools that were already loaded (threadpoolctl, when installed)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits(limits=n)


def _machine_busy_seconds():
    """CPU seconds the whole machine spent busy so far (from /proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (fields + [0] * 7)[:7]
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _own_seconds():
    times = os.times()
    return times.user + times.system


def measure(run, repeats):
    """Runs `run()` `repeats` times. Returns (figures, last result): the median and best wall
    times, every time, and the largest share of the machine other processes used during a repeat
    (0 on an otherwise idle machine)."""
    cores = os.cpu_count() or 1
    times, others, result = [], [], None
    for _ in range(repeats):
        busy0, own0, start = _machine_busy_seconds(), _own_seconds(), time.perf_counter()
        result = run()
        wall = time.perf_counter() - start
        busy1, own1 = _machine_busy_seconds(), _own_seconds()
        times.append(wall)
        if busy0 is not None and busy1 is not None:
            others.append(max(0.0, (busy1 - busy0) - (own1 - own0)) / (cores * wall))
    figures = {"median_s": statistics.median(times), "best_s": min(times), "times_s": [round(t, 6) for t in times],
               "others_cpu_max": round(max(others), 3) if others else None}
    return figures, result


def package_versions(*names):
    """The installed version of each distribution (None when missing)."""
    import importlib.metadata as metadata
    import platform
    found = {"python": platform.python_version()}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def print_record(record):
    """The one JSON line `lab bench` reads (the last line of standard output starting with '{')."""
    sys.stdout.write(json.dumps(record, sort_keys=True) + "\n")
    sys.stdout.flush()


def lasso_objective(X, D, Z, alpha):
    """Mean over points of ½‖x − zD‖² + α Σ|z|, in float64. X: (n, m), D: (K, m), Z: (n, K)."""
    import numpy as np
    X, D, Z = (np.asarray(a, dtype=np.float64) for a in (X, D, Z))
    R = X - Z @ D
    return float(0.5 * np.einsum("ij,ij->i", R, R).mean() + alpha * np.abs(Z).sum(axis=1).mean())


def mean_max_cosine(truth, learned):
    """Mean over the rows of `truth` of the largest signed cosine with a row of `learned`, and the
    share of true rows whose largest cosine exceeds 0.9. Learned norms are floored at 1e-12."""
    import numpy as np
    t = truth / np.linalg.norm(truth, axis=1, keepdims=True)
    l = learned / np.maximum(np.linalg.norm(learned, axis=1, keepdims=True), 1e-12)
    best = (t @ l.T).max(axis=1)
    return float(best.mean()), float((best > 0.9).mean())
