#!/usr/bin/env python3
"""Reference over-training fit (Gadre et al. 2024's law) for the benchmark.

For each training set of openlm-scaling, the small grid (N < 5e8): scipy's L-BFGS-B from the same
900 starts as mixrun, objective sum of Huber(delta=1e-3) on log-loss residuals of loss/c4_val, with
log L = logsumexp(a + eta*(log M - log C), b - eta*(log M + log C), e). Prints one JSON line:
{dataset: {"seconds", "objective", "E", "eta", "starts"}}. Used only by the benchmark.
"""
import itertools
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import huber, logsumexp


def fit(group):
    n = group["params"].to_numpy(dtype=float)
    d = group["tokens"].to_numpy(dtype=float)
    log_c, log_m = np.log(6 * n * d), np.log(d / n)
    log_loss = np.log(group["loss/c4_val"].to_numpy(dtype=float))
    delta = 1e-3

    def objective(params):
        a, b, e, eta = params
        predicted = logsumexp([a + eta * (log_m - log_c), b - eta * (log_m + log_c),
                               e * np.ones_like(log_c)], axis=0)
        return np.sum(huber(delta, predicted - log_loss))

    grid = itertools.product([0.05, 0.1, 0.2, 0.3, 0.5], np.arange(-1, 1.5, 0.5),
                             np.arange(0, 30, 5), np.arange(0, 30, 5))
    best, best_value, starts = None, np.inf, 0
    start_time = time.perf_counter()
    for eta, e, a, b in grid:
        result = minimize(objective, [a, b, e, eta], method="L-BFGS-B")
        starts += 1
        if result.fun < best_value:
            best, best_value = result.x, result.fun
    return {"seconds": time.perf_counter() - start_time, "objective": best_value,
            "starts": starts, "E": float(np.exp(best[2])), "eta": float(best[3])}


def main():
    data = pd.read_csv(sys.argv[1])
    small = data[data["params"] < 5e8]
    print(json.dumps({name: fit(group) for name, group in small.groupby("dataset")}))


if __name__ == "__main__":
    main()
