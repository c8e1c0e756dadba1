# Sourced by the demo's scripts (demo-loop.sh, demo-study.sh).
# demo_config NAME DATA_DIR INCLUDES SEEDS prints an experiment config over the demo's four
# domains (their texts in DATA_DIR, an absolute path) with the target, model and training of
# experiments/demo/demo.json, an explicit design of INCLUDES (a JSON list of mixture files or
# names) and the seeds SEEDS (a JSON list); its store is demo.db beside the config.
demo_config() {
  local name="$1" data="$2" includes="$3" seeds="$4"
  cat <<JSON
{
  "name": "$name",
  "store": "demo.db",
  "domains": [
    {"name": "c_headers", "paths": ["$data/c_headers.txt"]},
    {"name": "python", "paths": ["$data/python.txt"]},
    {"name": "licenses", "paths": ["$data/licenses.txt"]},
    {"name": "changelogs", "paths": ["$data/changelogs.txt"]}
  ],
  "target": {"weights": {"c_headers": 0.2, "python": 0.4, "licenses": 0.1, "changelogs": 0.3}},
  "mixtures": {"design": "explicit", "include": $includes},
  "models": [{"name": "demo", "layers": 2, "d_model": 64, "heads": 4}],
  "train": {"tokens": 600000, "context": 64, "batch": 16, "lr": 3e-3, "schedule": "cosine",
            "warmup": 0.05, "seeds": $seeds, "eval_every": 100, "eval_tokens": 16384,
            "checkpoint_every": 50}
}
JSON
}
