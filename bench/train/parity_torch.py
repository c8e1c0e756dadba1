"""The PyTorch side of bench/train/parity.sh: trains torch_reference.py's GPT on a mixture of byte
text files the way mixrun's builtin trainer does, and prints each domain's final validation loss.

Usage: parity_torch.py --domain NAME=FILE:WEIGHT [--domain ...] --seed S --tokens N
                       [--layers L] [--d-model C] [--heads H] [--context T] [--batch B] [--lr LR]
                       [--warmup F] [--weight-decay WD] [--grad-clip G] [--val-fraction V]
                       [--eval-tokens E] [--threads N]
Prints one JSON line: {"seed": S, "steps": ..., "eval": {NAME: loss, ...}}.

What mirrors mixrun, and where (benchmark only; mixrun never runs this):
- data: each file is one domain of bytes; SplitTrainValidation (lib/data/train_val_split.cpp) holds
  out val_fraction of each 64K-or-more validation chunk at the chunk's end; training sequences
  pick a domain by weight, then a uniform window of T + 1 tokens inside one training range
  (lib/data/mixture_sampler.cpp) — same distribution, not the same stream;
- evaluation: the same windows exactly (lib/data/validation_windows.cpp: non-overlapping windows
  stepping by T, ceil(eval_tokens / T) of them spread evenly), mean nats per target token;
- steps: round(tokens / (B·T)); lr: linear warmup over round(warmup·steps) steps to the peak, with
  step s < warmup at peak·(s + 1)/warmup, then cosine to 0.1·peak (lib/model/lr_schedule.cpp);
- AdamW (0.9, 0.95, eps 1e-8) with decay on matrices and embeddings only, global-norm clipping
  (lib/model/adamw.cpp); GPT-2 initialisation (lib/model/gpt.cpp), all as torch_reference.py.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_reference import Gpt  # noqa: E402  (the same model as the throughput benchmark)

MAX_CHUNKS = 64
MIN_VALIDATION_PIECE = 65536


def split_train_validation(tokens, val_fraction):
    """lib/data/train_val_split.cpp: (train ranges, validation ranges) as (begin, end) pairs."""
    validation_total = tokens * val_fraction
    chunks = min(max(int(validation_total / MIN_VALIDATION_PIECE), 1), MAX_CHUNKS)
    train, validation = [], []
    for c in range(chunks):
        begin, end = tokens * c // chunks, tokens * (c + 1) // chunks
        held_out = min(max(round_half_away((end - begin) * val_fraction), 0), end - begin)
        boundary = end - held_out
        if boundary > begin:
            train.append((begin, boundary))
        if end > boundary:
            validation.append((boundary, end))
    return train, validation


def round_half_away(x):
    """std::llround: halves away from zero (Python's round() rounds halves to even)."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


def validation_windows(ranges, context, eval_tokens):
    """lib/data/validation_windows.cpp: start offsets of the evaluated windows."""
    available = [start for begin, end in ranges
                 for start in range(begin, end - context, context)]
    wanted = max(1, (eval_tokens + context - 1) // context)
    if wanted >= len(available):
        return available
    n = len(available)
    return [available[i * n // wanted] for i in range(wanted)]


class Domain:
    def __init__(self, name, path, weight, val_fraction, context, eval_tokens):
        self.name, self.weight = name, weight
        with open(path, "rb") as f:
            self.tokens = torch.from_numpy(np.frombuffer(f.read(), dtype=np.uint8).astype(np.int64))
        train, validation = split_train_validation(len(self.tokens), val_fraction)
        # Window starts per training range: a window holds context + 1 tokens.
        self.ranges = [(b, e - b - context) for b, e in train if e - b - context > 0]
        self.first_window = np.cumsum([0] + [count for _, count in self.ranges])
        self.windows = int(self.first_window[-1])
        self.eval_starts = validation_windows(validation, context, eval_tokens)

    def window_starts(self, rng, count):
        k = rng.integers(0, self.windows, size=count)
        r = np.searchsorted(self.first_window, k, side="right") - 1
        return np.array([self.ranges[i][0] for i in r]) + (k - self.first_window[r])


def lr_at(step, peak, warmup_steps, total_steps, min_ratio=0.1):
    """lib/model/lr_schedule.cpp, cosine."""
    if step < warmup_steps:
        return peak * (step + 1) / warmup_steps
    decay_steps = max(1, total_steps - warmup_steps)
    progress = min(max((step - warmup_steps) / decay_steps, 0.0), 1.0)
    return peak * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def windows(tokens, starts, context):
    first = torch.as_tensor(np.asarray(starts), dtype=torch.int64)
    index = first[:, None] + torch.arange(context + 1)
    rows = tokens[index]
    return rows[:, :-1].contiguous(), rows[:, 1:].contiguous()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--domain", action="append", required=True, help="NAME=FILE:WEIGHT")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tokens", type=float, required=True)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--d-model", type=int, default=64)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--context", type=int, default=64)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--warmup", type=float, default=0.05)
    parser.add_argument("--weight-decay", type=float, default=0.1)
    parser.add_argument("--grad-clip", type=float, default=1.0)
    parser.add_argument("--val-fraction", type=float, default=0.05)
    parser.add_argument("--eval-tokens", type=int, default=65536)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng([args.seed, 0x5041524954])  # the batch stream, apart from init
    T, B = args.context, args.batch

    domains = []
    for entry in args.domain:
        name, rest = entry.split("=", 1)
        path, weight = rest.rsplit(":", 1)
        domains.append(Domain(name, path, float(weight), args.val_fraction, T, args.eval_tokens))
    weights = np.array([d.weight for d in domains])
    probabilities = weights / weights.sum()

    model = Gpt(args.layers, args.d_model, args.heads, T, 256)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": args.weight_decay},
         {"params": no_decay, "weight_decay": 0.0}],
        lr=args.lr, betas=(0.9, 0.95), eps=1e-8)
    total_steps = max(1, round_half_away(args.tokens / (B * T)))
    warmup_steps = round_half_away(args.warmup * total_steps)

    for step in range(total_steps):
        chosen = rng.choice(len(domains), size=B, p=probabilities)
        starts = np.empty(B, dtype=np.int64)
        for d, domain in enumerate(domains):
            where = np.flatnonzero(chosen == d)
            if where.size:
                starts[where] = domain.window_starts(rng, where.size)
        rows = torch.stack([domains[d].tokens[s:s + T + 1] for d, s in zip(chosen, starts)])
        inputs, targets = rows[:, :-1].contiguous(), rows[:, 1:].contiguous()
        loss = model(inputs, targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.grad_clip)
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, args.lr, warmup_steps, total_steps)
        optimizer.step()

    losses = {}
    with torch.no_grad():
        for domain in domains:
            total, count = 0.0, 0
            for first in range(0, len(domain.eval_starts), B):
                starts = domain.eval_starts[first:first + B]
                inputs, targets = windows(domain.tokens, starts, T)
                total += model(inputs, targets).item() * len(starts)
                count += len(starts)
            losses[domain.name] = total / count
    print(json.dumps({"seed": args.seed, "steps": total_steps,
                      "eval": {k: round(v, 5) for k, v in losses.items()}}))


if __name__ == "__main__":
    main()
