#!/usr/bin/env python3
"""Reference joint mixture-and-scale fit (Shukor et al. 2025) for the benchmark, in scipy.

The same problem as `mixrun fit-law mixscale --form joint` with one law per SlimPajama domain on
the runs with N <= 680M: the same parametrisation (mixscale_model.h: E = exp e, gamma = exp g,
h against 1/k, centred log N and log D, log A(h) = a + (1/lambda) log sum_j h_j exp(lambda tau_j)),
the same objective (sum of Huber, delta 1e-3, on the loss: scipy's least_squares cost with
loss='huber', f_scale=delta is exactly that sum) and the same protocol: the additive grid (24
starts, 10 evaluations each, the best 4 polished in 400), the joint form from the additive
candidates and the grid, bootstrap refits from the best point and 10 cross-validation folds (best
and runner-up start), each in 100 evaluations. Trust Region Reflective with the analytic Jacobian.

Prints one JSON line: seconds of the fits, per bootstrap refit and of the folds, the refits
timed, the objectives per domain, and the seconds extrapolated to --bootstrap refits per domain.
Used only by bench_mixscale.
"""
import argparse
import json
import time

import numpy as np
import pandas as pd
from scipy.optimize import least_squares
from scipy.special import huber, logsumexp

DOMAINS = ["arxiv", "book", "c4", "github", "commoncrawl", "stackexchange", "wikipedia"]
DELTA = 1e-3


class Law:
    """The joint (or additive) law over k domains on fixed rows."""

    def __init__(self, h, n, d, joint):
        self.h, self.n, self.d, self.joint = h, n, d, joint
        self.k = h.shape[1]
        with np.errstate(divide="ignore"):
            self.log_kh = np.log(h) + np.log(self.k)
        self.scale = self.k + 1 if joint else 1

    def split(self, p):
        k, s = self.k, self.scale
        return p[0], p[1:1 + k], p[1 + k:1 + 2 * k], p[1 + 2 * k:1 + 2 * k + s], \
            p[1 + 2 * k + s:1 + 2 * k + 2 * s], p[-2], p[-1]

    def log_scale(self, block):
        """log A(h) and its derivatives by the block (a, lambda, tau...)."""
        rows = self.h.shape[0]
        grad = np.zeros((rows, block.size))
        grad[:, 0] = 1.0
        if not self.joint:
            return np.full(rows, block[0]), grad
        lam, tau, h = block[1], block[2:], self.h[:, :-1]
        if abs(lam) >= 1e-6:
            shifted = np.expm1(lam * tau)
            total = h @ shifted
            g = np.log1p(total) / lam
            weights = h * np.exp(lam * tau) / (1 + total)[:, None]
            grad[:, 1] = -g / lam + (weights @ tau) / lam
            grad[:, 2:] = weights
        else:
            mean = h @ tau
            var = h @ tau ** 2 - mean ** 2
            g = mean + lam / 2 * var
            grad[:, 1] = var / 2
            grad[:, 2:] = h + lam * h * (tau - mean[:, None])
        return block[0] + g, grad

    def predict(self, p, jacobian=False):
        e, c, g, a_block, b_block, alpha, beta = self.split(p)
        gamma = np.exp(g)
        terms = np.where(np.isfinite(self.log_kh), c + gamma * self.log_kh, -np.inf)
        lse = logsumexp(terms, axis=1)
        mixture = np.exp(-lse)
        log_a, grad_a = self.log_scale(a_block)
        log_b, grad_b = self.log_scale(b_block)
        n_term = np.exp(log_a - alpha * self.n)
        d_term = np.exp(log_b - beta * self.d)
        value = np.exp(e) + mixture + n_term + d_term
        if not jacobian:
            return value
        soft = np.exp(terms - lse[:, None])
        kh = np.where(np.isfinite(self.log_kh), self.log_kh, 0.0)
        k, s = self.k, self.scale
        jac = np.empty((value.size, p.size))
        jac[:, 0] = np.exp(e)
        jac[:, 1:1 + k] = -mixture[:, None] * soft
        jac[:, 1 + k:1 + 2 * k] = -mixture[:, None] * soft * gamma * kh
        jac[:, 1 + 2 * k:1 + 2 * k + s] = n_term[:, None] * grad_a
        jac[:, 1 + 2 * k + s:1 + 2 * k + 2 * s] = d_term[:, None] * grad_b
        jac[:, -2] = -n_term * self.n
        jac[:, -1] = -d_term * self.d
        return value, jac


def solve(law, y, start, evaluations):
    """least_squares from `start` in at most `evaluations`; (params, sum of Huber)."""
    def residuals(p):
        with np.errstate(all="ignore"):
            r = law.predict(p) - y
        return np.where(np.isfinite(r), r, 1e6)

    def jacobian(p):
        with np.errstate(all="ignore"):
            return np.nan_to_num(law.predict(p, jacobian=True)[1])

    result = least_squares(residuals, start, jac=jacobian, loss="huber", f_scale=DELTA,
                           method="trf", max_nfev=evaluations, ftol=1e-15, xtol=1e-15,
                           gtol=1e-12)
    return result.x, float(np.sum(huber(DELTA, residuals(result.x))))


def multi_start(law, y, starts):
    loose = sorted((solve(law, y, s, 10) for s in starts), key=lambda r: r[1])[:4]
    return sorted((solve(law, y, p, 400) for p, _ in loose), key=lambda r: r[1])


def grid(law, y):
    k, lowest, mean = law.k, y.min(), y.mean()
    starts = []
    for floor in (0.1, 0.4, 0.7):
        e = floor * lowest
        share = (mean - e) / 3
        for gamma in (0.3, 1.0):
            kh = np.where(law.h > 0, (law.h * k) ** gamma, 0.0)
            c = -np.log(share) - np.log(kh.sum(axis=1).mean())
            for alpha in (0.25, 0.75):
                for beta in (0.25, 0.75):
                    starts.append(np.concatenate((
                        [np.log(e)], np.full(k, c), np.full(k, np.log(gamma)),
                        [np.log(share) + alpha * law.n.mean(), np.log(share) + beta * law.d.mean(),
                         alpha, beta])))
    return starts


def joint_from_additive(p, k):
    return np.concatenate((p[:1 + 2 * k], [p[1 + 2 * k], 0.0], np.zeros(k - 1),
                           [p[2 + 2 * k], 0.0], np.zeros(k - 1), p[-2:]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    parser.add_argument("--refits", type=int, default=20, help="bootstrap refits timed per domain")
    parser.add_argument("--bootstrap", type=int, default=200, help="refits to extrapolate to")
    parser.add_argument("--folds", type=int, default=10)
    args = parser.parse_args()
    data = pd.read_csv(args.csv)
    data = data[data["model_size"] <= 6.8e8].reset_index(drop=True)
    losses = data[[f"{d}_loss" for d in DOMAINS]].to_numpy()
    complete = np.isfinite(losses).all(axis=1)
    log_n, log_d = np.log(data["model_size"].to_numpy()), np.log(data["n_tokens"].to_numpy())
    n0, d0 = log_n[complete].mean(), log_d[complete].mean()
    weights = data[[f"weight_{d}" for d in DOMAINS]].to_numpy()
    rng = np.random.default_rng(42)
    seconds = {"fit": 0.0, "refits": 0.0, "folds": 0.0}
    objectives = {}
    for i, domain in enumerate(DOMAINS):
        rows = np.isfinite(losses[:, i])
        h, y = weights[rows], losses[rows, i]
        args_law = (h, log_n[rows] - n0, log_d[rows] - d0)
        additive, joint = Law(*args_law, joint=False), Law(*args_law, joint=True)
        start = time.perf_counter()
        starts = grid(additive, y)
        additive_fits = multi_start(additive, y, starts)
        joint_starts = [joint_from_additive(p, 7) for p, _ in additive_fits]
        joint_starts += [joint_from_additive(s, 7) for s in starts]
        fits = multi_start(joint, y, joint_starts)
        best = fits[0][0]
        objectives[domain] = fits[0][1]
        seconds["fit"] += time.perf_counter() - start

        start = time.perf_counter()
        for _ in range(args.refits):
            sample = rng.integers(0, y.size, y.size)
            law = Law(h[sample], *(x[sample] for x in args_law[1:]), joint=True)
            solve(law, y[sample], best, 100)
        seconds["refits"] += time.perf_counter() - start

        start = time.perf_counter()
        fold = rng.permutation(y.size) % args.folds
        for f in range(args.folds):
            keep = fold != f
            law = Law(h[keep], *(x[keep] for x in args_law[1:]), joint=True)
            for candidate, _ in fits[:2]:
                solve(law, y[keep], candidate, 100)
        seconds["folds"] += time.perf_counter() - start

    per_refit = seconds["refits"] / (args.refits * len(DOMAINS)) if args.refits else 0.0
    total = seconds["fit"] + seconds["folds"] + per_refit * args.bootstrap * len(DOMAINS)
    print(json.dumps({"seconds_fit": seconds["fit"], "seconds_folds": seconds["folds"],
                      "seconds_per_refit": per_refit, "refits_timed": args.refits * len(DOMAINS),
                      "bootstrap": args.bootstrap, "seconds_total": total,
                      "objectives": objectives}))


if __name__ == "__main__":
    main()
