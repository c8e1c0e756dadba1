// Importing other trainers' results from CSV files into the store as finished runs.
// Several files are joined on one column; re-importing the same rows adds nothing.
// Two forms: one row per run (its final metrics), or with --step the eval-history form, one row
// per (run, step): the rows sharing a --on value are one run whose metrics are stored at each
// step (its final values are those at its last step); mixture and scale must agree on its rows.
//
// The files are streamed (memory grows with the number of rows' join keys, not with the files'
// size) and read twice: every row is checked before anything is written, so a fault anywhere in
// them leaves the store as it was; then the runs are written in batches of `batch_rows`, each
// its own short transaction, so a trainer writing to the same store waits at most one batch.
// A failure of the store itself mid-way (disk full) leaves the batches before it written;
// importing again completes the import, since existing runs are recognised by their key.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace mixrun {

struct ImportOptions {
  std::string experiment;
  std::vector<std::string> files;
  std::string on;              // join column; required with several files
  std::string weights_prefix;  // columns PREFIX<domain> hold the mixture
  std::string metrics_prefix;  // columns PREFIX<name> hold final metrics
  std::vector<std::pair<std::string, std::string>> metrics;  // metric name -> column
  std::string n_column;                                      // parameters N
  std::string d_column;                                      // tokens D
  std::string c_column;  // FLOPs C; D = C / (6N) when D is not given
  std::string m_column;  // tokens per parameter M; D = M·N when D is not given
  // The history form: the column of optimizer steps (whole numbers ≥ 0), and the tokens seen at
  // each step (a column, or steps × tokens_per_step). Without --d, a run's D is its tokens at its
  // last step when they are known.
  std::string step_column;
  std::string tokens_column;
  double tokens_per_step = 0;
  // A run already stored (same key: with --on, the same row id, mixture and scale) whose stored
  // metrics differ from the file's takes the file's (--update); otherwise the stored ones stay.
  bool update = false;
  int batch_rows = 2000;  // runs written per transaction
  // Called after each batch is committed, with the number of rows written so far.
  std::function<void(int rows_written)> batch_committed;
};

struct ImportSummary {
  int rows = 0;
  int runs = 0;  // runs in the files (= rows unless the history form)
  int added = 0;
  int existing = 0;  // runs already stored (including those below)
  // Runs already stored with other metric values than the file's: kept, or replaced (updated)
  // with --update; a few examples ("LABEL: METRIC stored X, file Y").
  int differing = 0;
  int updated = 0;
  std::vector<std::string> differing_examples;
  std::vector<std::string> domains;
  std::vector<std::string> metrics;
  int weight_sums_off = 0;  // rows whose weights sum further than 1% from 1
};

Result<ImportSummary> ImportCsv(Store& store, const ImportOptions& options);

}  // namespace mixrun
