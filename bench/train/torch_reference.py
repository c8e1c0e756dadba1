"""PyTorch reference for train_step_bench: the same GPT (pre-LN, causal attention, tanh-GELU MLP,
tied head), the same shapes, AdamW (0.9/0.95, decay on matrices) and gradient clipping, on CPU.

Usage: torch_reference.py --threads N [--steps S] [--layers L] [--d-model C] [--heads H]
                          [--context T] [--batch B]
Prints one JSON line like train_step_bench does. Needs Debian's python3-torch (bench only).
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, c, heads, context):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(c)
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.ln2 = nn.LayerNorm(c)
        self.fc = nn.Linear(c, 4 * c)
        self.fc_proj = nn.Linear(4 * c, c)
        mask = torch.tril(torch.ones(context, context, dtype=torch.bool))
        self.register_buffer("mask", mask.view(1, 1, context, context))

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
        hs = c // self.heads
        q = q.view(b, t, self.heads, hs).transpose(1, 2)
        k = k.view(b, t, self.heads, hs).transpose(1, 2)
        v = v.view(b, t, self.heads, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
        att = att.masked_fill(~self.mask[:, :, :t, :t], float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        x = x + self.proj(y.transpose(1, 2).contiguous().view(b, t, c))
        return x + self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self, layers, c, heads, context, vocab):
        super().__init__()
        self.wte = nn.Embedding(vocab, c)
        self.wpe = nn.Embedding(context, c)
        self.blocks = nn.ModuleList(Block(c, heads, context) for _ in range(layers))
        self.lnf = nn.LayerNorm(c)
        # GPT-2 initialisation, as mixrun's (only the loss printed depends on it, not the speed).
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith("proj.weight") else 0.02
                nn.init.normal_(p, 0.0, std)
            elif "ln" not in name:
                nn.init.zeros_(p)

    def forward(self, idx, targets):
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(t))
        for block in self.blocks:
            x = block(x)
        logits = self.lnf(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--d-model", type=int, default=256)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--context", type=int, default=256)
    parser.add_argument("--batch", type=int, default=16)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    vocab = 256
    model = Gpt(args.layers, args.d_model, args.heads, args.context, vocab)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
    data = torch.randint(0, vocab, (args.batch, args.context + 1))
    inputs, targets = data[:, :-1].contiguous(), data[:, 1:].contiguous()

    def step():
        loss = model(inputs, targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()

    step()
    start = time.perf_counter()
    cpu_start = time.process_time()
    loss = 0.0
    for _ in range(args.steps):
        loss = step()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    tokens_per_second = args.steps * args.batch * args.context / seconds
    c, layers, t = args.d_model, args.layers, args.context
    flops_per_token = 6.0 * (layers * 12 * c * c + vocab * c) + 6.0 * layers * t * c
    print(json.dumps({
        "impl": "torch " + torch.__version__, "threads": args.threads,
        "params": sum(p.numel() for p in model.parameters()),
        "tokens_per_s": round(tokens_per_second, 1),
        "cpu_tokens_per_s": round(args.steps * args.batch * args.context / cpu_seconds, 1),
        "step_ms": round(1e3 * seconds / args.steps, 1),
        "mflop_per_token": round(flops_per_token / 1e6, 3),
        "gflops": round(tokens_per_second * flops_per_token / 1e9, 1), "loss": round(loss, 4)}))


if __name__ == "__main__":
    main()
