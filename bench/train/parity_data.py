"""Writes the learning-parity corpora: two order-2 Markov sources over disjoint byte alphabets, one
text file each, which mixrun and parity_torch.py then read byte for byte. Prints each source's
entropy rate and the best loss a model can reach on a window of CONTEXT targets, as JSON.

Usage: parity_data.py OUT_DIR [--tokens N] [--symbols K] [--sharpness S] [--context T]
Writes OUT_DIR/heavy.txt (bytes 'a'..) and OUT_DIR/light.txt (bytes 'A'..). The same arguments give
the same files (numpy's seeded PCG64). Benchmark only: mixrun never runs it.
"""
import argparse
import json
import os

import numpy as np


class MarkovSource:
    """Order-2 source over K symbols: P(c | a, b) = softmax(sharpness · N(0, 1) logits)."""

    def __init__(self, symbols, sharpness, seed):
        rng = np.random.default_rng(seed)
        k = symbols
        weights = np.exp(sharpness * rng.standard_normal((k * k, k)))
        self.k = k
        self.transition = weights / weights.sum(axis=1, keepdims=True)
        stationary = np.full(k * k, 1.0 / (k * k))
        for _ in range(2000):
            following = np.zeros(k * k)
            for a in range(k):
                for b in range(k):
                    state = a * k + b
                    following[b * k:(b + 1) * k] += stationary[state] * self.transition[state]
            stationary = following
        self.stationary = stationary

    def generate(self, length, seed):
        rng = np.random.default_rng(seed)
        cumulative = np.cumsum(self.transition, axis=1)
        uniforms = rng.random(length)
        out = np.empty(length, dtype=np.int64)
        a, b = 0, 1
        for i in range(length):
            c = min(int(np.searchsorted(cumulative[a * self.k + b], uniforms[i], side="right")),
                    self.k - 1)
            out[i] = c
            a, b = b, c
        return out

    def entropy_rate(self):
        p = self.transition
        return float(-(self.stationary[:, None] * p * np.log(p)).sum())

    def best_window_loss(self, context):
        # The first target of a window sees one symbol (H(x_t | x_{t-1})), the rest two or more.
        k = self.k
        pairs = self.stationary.reshape(k, k)
        marginal = pairs.sum(axis=0)
        first_order = float(-(pairs * np.log(pairs)).sum() + (marginal * np.log(marginal)).sum())
        return (first_order + (context - 1) * self.entropy_rate()) / context


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir")
    parser.add_argument("--tokens", type=int, default=1_000_000, help="bytes per domain")
    parser.add_argument("--symbols", type=int, default=8)
    parser.add_argument("--sharpness", type=float, default=1.0)
    parser.add_argument("--context", type=int, default=64)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    summary = {}
    for name, first_byte, seed in (("heavy", ord("a"), 21), ("light", ord("A"), 22)):
        source = MarkovSource(args.symbols, args.sharpness, seed)
        symbols = source.generate(args.tokens, seed + 1000) + first_byte
        with open(os.path.join(args.out_dir, name + ".txt"), "wb") as f:
            f.write(symbols.astype(np.uint8).tobytes())
        summary[name] = {"entropy_rate": round(source.entropy_rate(), 4),
                         "best_window_loss": round(source.best_window_loss(args.context), 4)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
