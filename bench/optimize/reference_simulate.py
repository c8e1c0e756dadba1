"""numpy reference for recommend's simulate under a linear RegMix fit: Dirichlet(prior) draws,
rejection outside the observed range, predict, mean of the top 128. Prints seconds and pile_cc.
Usage: reference_simulate.py LINEAR_JSON [SAMPLES]"""
import json
import sys
import time

import numpy as np

state = json.load(open(sys.argv[1]))
samples = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
domains = state["domains"]
prior = np.array([state["prior"][d] for d in domains])
prior /= prior.sum()
upper = np.array([state["observed_max"][d] for d in domains])
# The fit's state keeps the linear model as [intercept, coefficients in domain order].
intercept = state["fit"][0]
coefficients = np.array(state["fit"][1:])
start = time.perf_counter()
rng = np.random.default_rng(42)
kept = []
count = 0
while count < samples:
    draws = rng.dirichlet(prior, size=samples)
    draws = draws[(draws <= upper + 1e-12).all(axis=1)]
    kept.append(draws)
    count += len(draws)
candidates = np.concatenate(kept)[:samples]
predicted = intercept + candidates @ coefficients
top = candidates[np.argpartition(predicted, 128)[:128]].mean(axis=0)
seconds = time.perf_counter() - start
print(f"numpy  simulate {samples} candidates, top 128: {seconds:.3f} s; "
      f"pile_cc {top[domains.index('pile_cc')]:.4f}")
print(f"seconds {seconds:.6f}")
