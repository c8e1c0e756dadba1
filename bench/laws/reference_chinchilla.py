#!/usr/bin/env python3
"""Reference Chinchilla fit (Besiroglu et al. 2024, data_analysis.ipynb protocol) for the benchmark.

scipy's L-BFGS-B from the same 4500 starts as mixrun, on Epoch's 240 points (5 highest losses
dropped, D = C/(6N)), objective sum of Huber(delta=1e-3) on log-loss residuals. Prints one JSON line:
{"seconds", "objective", "params": {A, B, E, alpha, beta}, "starts"}. Used only by the benchmark.
"""
import itertools
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import huber, logsumexp


def main():
    path = sys.argv[1]
    data = pd.read_csv(path)
    data = data.sort_values("loss", ascending=False, kind="stable").iloc[5:]
    n = data["Model Size"].to_numpy(dtype=float)
    c = data["Training FLOP"].to_numpy(dtype=float)
    d = c / (6 * n)
    log_n, log_d, log_loss = np.log(n), np.log(d), np.log(data["loss"].to_numpy(dtype=float))
    delta = 1e-3

    def objective(params):
        a, b, e, alpha, beta = params
        predicted = logsumexp([a - alpha * log_n, b - beta * log_d, e * np.ones_like(log_n)], axis=0)
        return np.sum(huber(delta, predicted - log_loss))

    grid = itertools.product(np.arange(0, 2.5, 0.5), np.arange(0, 2.5, 0.5), np.arange(-1, 1.5, 0.5),
                             np.arange(0, 30, 5), np.arange(0, 30, 5))
    best, best_value, starts = None, np.inf, 0
    start_time = time.perf_counter()
    for alpha, beta, e, a, b in grid:
        result = minimize(objective, [a, b, e, alpha, beta], method="L-BFGS-B")
        starts += 1
        if result.fun < best_value:
            best, best_value = result.x, result.fun
    seconds = time.perf_counter() - start_time
    a, b, e, alpha, beta = best
    print(json.dumps({"seconds": seconds, "objective": best_value, "starts": starts,
                      "params": {"A": float(np.exp(a)), "B": float(np.exp(b)), "E": float(np.exp(e)),
                                 "alpha": float(alpha), "beta": float(beta)}}))


if __name__ == "__main__":
    main()
