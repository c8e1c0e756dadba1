# Shared by the slurm_*.sh tests (sourced after common.bash): a small study of 6 runs
# (3 mixtures x 2 seeds) of a tiny model, about a second each, in $WORK.
mkdir -p "$WORK/data"
cp "$SOURCE_DIR"/configs/examples/data/code/*.txt "$WORK/data/"
cp "$SOURCE_DIR/configs/examples/data/web/pages.jsonl" "$WORK/data/"

# write_study NAME TOKENS: $WORK/NAME.json with its store $WORK/NAME.db.
write_study() {
  cat > "$WORK/$1.json" <<JSON
{
  "name": "$1",
  "store": "$1.db",
  "domains": [{"name": "code", "paths": ["data/*.txt"]},
              {"name": "web", "paths": ["data/pages.jsonl"], "format": "jsonl"}],
  "target": {"weights": {"code": 0.5, "web": 0.5}},
  "mixtures": {"design": "explicit",
               "include": [{"code": 0.2, "web": 0.8}, {"code": 0.5, "web": 0.5},
                           {"code": 0.8, "web": 0.2}]},
  "models": [{"name": "tiny", "layers": 1, "d_model": 32, "heads": 2}],
  "train": {"tokens": $2, "context": 32, "batch": 8, "seeds": [0, 1],
            "eval_every": 50, "eval_tokens": 1024, "checkpoint_every": 10}
}
JSON
}
