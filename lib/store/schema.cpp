#include "store/schema.h"

namespace mixrun {
namespace {

constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE experiments (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  config_json   TEXT NOT NULL,
  config_sha256 TEXT NOT NULL,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE domains (
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  tokens        INTEGER,
  PRIMARY KEY (experiment_id, name)
);

CREATE TABLE runs (
  id                INTEGER PRIMARY KEY,
  experiment_id     INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  run_key           TEXT NOT NULL UNIQUE,
  label             TEXT,  -- a human name: the imported row's id, or the mixture's name
  status            TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'running', 'done', 'failed')),
  model_json        TEXT,
  n_params          REAL,
  n_params_nonembed REAL,
  n_tokens          REAL,
  flops             REAL,
  seed              INTEGER,
  source            TEXT NOT NULL CHECK (source IN ('builtin', 'command', 'import')),
  host              TEXT,
  pid               INTEGER,
  started_at        TEXT,
  finished_at       TEXT,
  wall_s            REAL,
  error             TEXT,
  attempts          INTEGER NOT NULL DEFAULT 0,
  created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX runs_by_experiment ON runs(experiment_id, status);

CREATE TABLE run_weights (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  domain TEXT NOT NULL,
  weight REAL NOT NULL CHECK (weight >= 0),
  PRIMARY KEY (run_id, domain)
) WITHOUT ROWID;

CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name   TEXT NOT NULL,
  step   INTEGER NOT NULL,
  tokens REAL,
  value  REAL,
  PRIMARY KEY (run_id, name, step)
) WITHOUT ROWID;

CREATE TABLE fits (
  id            INTEGER PRIMARY KEY,
  experiment_id INTEGER REFERENCES experiments(id) ON DELETE CASCADE,
  law           TEXT NOT NULL,
  options_json  TEXT NOT NULL,
  params_json   TEXT NOT NULL,
  stats_json    TEXT NOT NULL,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE recommendations (
  id             INTEGER PRIMARY KEY,
  fit_id         INTEGER NOT NULL REFERENCES fits(id) ON DELETE CASCADE,
  mixture_json   TEXT NOT NULL,
  predicted_loss REAL,
  interval_low   REAL,
  interval_high  REAL,
  options_json   TEXT NOT NULL,
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The last value of every metric of every run.
CREATE VIEW final_metrics AS
  SELECT m.run_id, m.name, m.step, m.tokens, m.value
  FROM metrics AS m
  WHERE m.step = (SELECT MAX(step) FROM metrics AS last
                  WHERE last.run_id = m.run_id AND last.name = m.name);

-- Per-domain validation loss at the last evaluated step (metrics named eval/<domain>/loss; the
-- target, eval/target/loss, is not a domain).
CREATE VIEW final_eval AS
  SELECT run_id, substr(name, 6, length(name) - 10) AS domain, value AS loss, step, tokens
  FROM final_metrics
  WHERE name LIKE 'eval/%/loss' AND name <> 'eval/target/loss';

-- One row per run: scale, mixture and final metrics (the last two as JSON objects).
CREATE VIEW runs_wide AS
  SELECT r.id AS run_id, e.name AS experiment, r.run_key, r.label, r.status, r.source,
         r.n_params, r.n_params_nonembed, r.n_tokens, r.flops, r.seed,
         (SELECT json_group_object(w.domain, w.weight) FROM run_weights AS w
          WHERE w.run_id = r.id) AS weights,
         (SELECT json_group_object(f.name, f.value) FROM final_metrics AS f
          WHERE f.run_id = r.id) AS final_metrics
  FROM runs AS r JOIN experiments AS e ON e.id = r.experiment_id;
)sql";

// Version 2, provenance: every run keeps the canonical spec its key hashes and the training
// settings it was trained with (settings_id groups runs trained alike), and an experiment keeps
// every config it was registered with, not only the latest.
constexpr std::string_view kVersion2 = R"sql(
ALTER TABLE runs ADD COLUMN spec_json TEXT;      -- the canonical run spec (NULL: imported or older)
ALTER TABLE runs ADD COLUMN settings_json TEXT;  -- the spec's training settings
ALTER TABLE runs ADD COLUMN settings_id TEXT;    -- a short hash of settings_json
CREATE INDEX runs_by_settings ON runs(experiment_id, settings_id);

CREATE TABLE experiment_configs (
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  config_sha256 TEXT NOT NULL,
  config_json   TEXT NOT NULL,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (experiment_id, config_sha256)
);
INSERT INTO experiment_configs (experiment_id, config_sha256, config_json, created_at)
  SELECT id, config_sha256, config_json, created_at FROM experiments;

DROP VIEW runs_wide;
CREATE VIEW runs_wide AS
  SELECT r.id AS run_id, e.name AS experiment, r.run_key, r.label, r.status, r.source,
         r.n_params, r.n_params_nonembed, r.n_tokens, r.flops, r.seed, r.settings_id,
         (SELECT json_group_object(w.domain, w.weight) FROM run_weights AS w
          WHERE w.run_id = r.id) AS weights,
         (SELECT json_group_object(f.name, f.value) FROM final_metrics AS f
          WHERE f.run_id = r.id) AS final_metrics,
         r.settings_json AS settings
  FROM runs AS r JOIN experiments AS e ON e.id = r.experiment_id;
)sql";

// Version 3, sequential design: each round of a study (`mixrun study`) — the fit made on the runs
// finished so far, the recommendation under it with its prediction interval, and the batch it
// suggested next (or why the study stopped there).
constexpr std::string_view kVersion3 = R"sql(
CREATE TABLE study_rounds (
  experiment_id     INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  round             INTEGER NOT NULL,  -- 0: the fit of the initial design
  runs              INTEGER NOT NULL,  -- finished runs the round's fit saw
  fit_id            INTEGER REFERENCES fits(id) ON DELETE SET NULL,
  recommendation_id INTEGER REFERENCES recommendations(id) ON DELETE SET NULL,
  predicted_loss    REAL,              -- the recommended mixture's, with its 95% prediction interval
  interval_low      REAL,
  interval_high     REAL,
  suggestions_json  TEXT NOT NULL,     -- the next batch: a JSON array of mixtures
  stop_reason       TEXT,              -- why the study ended at this round; NULL: it went on
  created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (experiment_id, round)
);
)sql";

}  // namespace

const std::vector<std::string_view>& StoreMigrations() {
  static const std::vector<std::string_view> migrations = {kVersion1, kVersion2, kVersion3};
  return migrations;
}

}  // namespace mixrun
