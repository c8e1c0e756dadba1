#!/usr/bin/env python3
"""Converts Data Mixing Laws' released 5-group Pile runs (Ye et al. 2024, yegcjs/mixinglaws,
data/5Mix/<size>.txt) into mixrun's eval-history CSV: one row per (run, step) with the run's
mixture over the 5 training groups, its size and the loss of each group and of the whole
validation set, ready for

    mixrun import --experiment 5mix --on run --step step --n n \
        --weights-prefix weight_ --metrics-prefix metric/ 5mix.csv

Input lines are `checkpoint<TAB>validation file<TAB>loss`; the checkpoint path ends in
`<size>_<id>-<w1>-...-<w5>/<step>`. What it does (the dataset's README):
  - a repeated (checkpoint, domain) line is used once; the same pair with two losses is an error;
  - the weights in the path are normalised to sum to 1;
  - a group's loss (metric/eval/<group>/loss) is the valid_weight-weighted mean of its Pile
    domains' losses, renormalised within the group; a checkpoint lacking one of them has no value
    for that group (an empty cell);
  - metric/eval/target/loss is the valid_weight-weighted mean over all 22 domains (the whole Pile
    validation set), i.e. sum_g W_g * L_g with W_g the group's share of valid_weight;
  - runs with an id above 900 are extra mixtures outside the 26-mixture design: left out unless
    --keep-extra (then their run label ends in "-extra").
--pile-domains adds each Pile domain's loss (metric/pile/<Domain>/loss: not an eval/<d>/loss name,
so the group laws' defaults do not pick them up).
--print-target prints the fit-law flags of that target (--target eval/<group>/loss=W_g ...).
Standard library only; exit 2 on a bad input line, naming FILE:LINE.
"""
import argparse
import json
import os
import re
import sys

GROUPS = {
    "academic": ["ArXiv", "PubMed_Abstracts", "PhilPapers", "NIH_ExPorter", "FreeLaw",
                 "USPTO_Backgrounds", "PubMed_Central"],
    "prose": ["PG19", "Books3", "BookCorpus2"],
    "dialogue": ["Ubuntu_IRC", "OpenSubtitles", "EuroParl", "Enron_Emails", "HackerNews",
                 "YoutubeSubtitles"],
    "symbolic": ["DM_Mathematics", "Github"],
    "internet": ["Pile-CC", "OpenWebText2", "StackExchange", "Wikipedia_en"],
}
ORDER = ["academic", "prose", "dialogue", "symbolic", "internet"]  # the weights' order in a path
CHECKPOINT = re.compile(r"(?:^|/)(\d+(?:\.\d+)?)([MB])_(\d+)((?:-[0-9.eE+-]+?){5})/(\d+)/?$")
DOMAIN = re.compile(r"pythia-pile\.valid\.([A-Za-z0-9_.-]+)\.bin$")


def fail(message):
    print(f"mixinglaws-5mix-to-csv: {message}", file=sys.stderr)
    sys.exit(2)


def group_weights(valid):
    total = sum(valid.values())
    return {g: sum(valid[d] for d in GROUPS[g]) / total for g in ORDER}


def read_size(path, valid, keep_extra, max_step, rows, dropped):
    seen = {}
    with open(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            where = f"{path}:{number}"
            if len(fields) != 3:
                fail(f"{where}: expected 3 tab-separated fields, found {len(fields)}")
            match = CHECKPOINT.search(fields[0])
            if not match:
                fail(f"{where}: checkpoint path does not end in <size>_<id>-w1-...-w5/<step>")
            domain = DOMAIN.search(fields[1])
            if not domain or domain.group(1) not in valid:
                fail(f"{where}: validation file names no known Pile domain: {fields[1]}")
            try:
                loss = float(fields[2])
            except ValueError:
                fail(f"{where}: loss is not a number: {fields[2]!r}")
            if not (loss > 0 and loss < 1e6):
                fail(f"{where}: loss {loss} is not a positive finite loss")
            size_text, unit, run_id, weights, step = match.groups()
            n = float(size_text) * (1e6 if unit == "M" else 1e9)
            weights = [float(w) for w in weights[1:].split("-")]
            if int(run_id) > 900 and not keep_extra:
                dropped.add(f"{size_text}{unit}_{run_id}")
                continue
            step = int(step)
            if max_step is not None and step > max_step:
                continue
            label = f"{size_text}{unit}_{run_id}" + ("-extra" if int(run_id) > 900 else "")
            key = (label, step, domain.group(1))
            if key in seen:
                if seen[key][0] != loss:
                    fail(f"{where}: {label} step {step} {domain.group(1)} has loss {loss} here "
                         f"and {seen[key][0]} at line {seen[key][1]}")
                continue
            seen[key] = (loss, number)
            run = rows.setdefault((label, step), {"n": n, "weights": weights, "losses": {}})
            if run["weights"] != weights:
                fail(f"{where}: {label} has two mixtures")
            run["losses"][domain.group(1)] = loss


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="the 5Mix folder (<size>.txt and valid_weight.json)")
    parser.add_argument("--sizes", default="", help="comma-separated sizes, e.g. 70M,160M,305M "
                        "(default: every <size>.txt)")
    parser.add_argument("--max-step", type=int, default=None, help="leave out later steps")
    parser.add_argument("--keep-extra", action="store_true",
                        help="keep the runs with ids above 900 (outside the 26-mixture design)")
    parser.add_argument("--pile-domains", action="store_true",
                        help="add the 22 Pile domains' losses as metric/pile/<Domain>/loss")
    parser.add_argument("--print-target", action="store_true",
                        help="print the --target flags of the whole-validation-set loss and exit")
    parser.add_argument("-o", "--output", default="-", help="CSV to write (default stdout)")
    args = parser.parse_args()

    weight_file = os.path.join(args.folder, "valid_weight.json")
    try:
        with open(weight_file) as handle:
            valid = json.load(handle)
    except (OSError, ValueError) as error:
        fail(f"{weight_file}: {error}")
    missing = [d for g in ORDER for d in GROUPS[g] if d not in valid]
    if missing:
        fail(f"{weight_file}: no weight for {', '.join(missing)}")
    shares = group_weights(valid)
    if args.print_target:
        print(" ".join(f"--target eval/{g}/loss={shares[g]!r}" for g in ORDER))
        return
    if args.sizes:
        sizes = args.sizes.split(",")
    else:
        sizes = sorted((f[:-4] for f in os.listdir(args.folder)
                        if re.fullmatch(r"\d+[MB]\.txt", f)),
                       key=lambda s: float(s[:-1]) * (1e3 if s.endswith("B") else 1))
    rows, dropped = {}, set()
    for size in sizes:
        path = os.path.join(args.folder, size + ".txt")
        if not os.path.exists(path):
            fail(f"{path}: no such file (--sizes {size})")
        read_size(path, valid, args.keep_extra, args.max_step, rows, dropped)
    if dropped:
        print(f"mixinglaws-5mix-to-csv: left out {len(dropped)} runs with ids above 900 "
              f"(outside the 26-mixture design): {', '.join(sorted(dropped))}", file=sys.stderr)

    out = sys.stdout if args.output == "-" else open(args.output, "w")
    header = (["run", "n", "step"] + [f"weight_{g}" for g in ORDER] +
              [f"metric/eval/{g}/loss" for g in ORDER] + ["metric/eval/target/loss"])
    every = [d for g in ORDER for d in GROUPS[g]]
    if args.pile_domains:
        header += [f"metric/pile/{d}/loss" for d in every]
    out.write(",".join(header) + "\n")
    for (label, step) in sorted(rows, key=lambda k: (rows[k]["n"], k[0], k[1])):
        run = rows[(label, step)]
        total = sum(run["weights"])
        weights = [w / total for w in run["weights"]]
        losses = run["losses"]
        cells = []
        for g in ORDER:
            if all(d in losses for d in GROUPS[g]):
                share = sum(valid[d] for d in GROUPS[g])
                cells.append(repr(sum(valid[d] * losses[d] for d in GROUPS[g]) / share))
            else:
                cells.append("")
        target = ""
        if all(d in losses for d in every):
            target = repr(sum(valid[d] * losses[d] for d in every) / sum(valid[d] for d in every))
        if not any(cells):
            continue
        pile = [repr(losses[d]) if d in losses else "" for d in every] if args.pile_domains else []
        out.write(",".join([label, repr(run["n"]), str(step)] + [repr(w) for w in weights] +
                           cells + [target] + pile) + "\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
