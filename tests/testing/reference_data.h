// Loads the released reference data in MIXRUN_SHARED_DATA as RunPoints, the way the store would
// give them to the laws. Part of mixrun_testing: the tests and benchmarks of every module use it.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "csv/csv.h"

namespace mixrun::testing {

inline std::string SharedData(const std::string& relative) {
  return std::string(MIXRUN_SHARED_DATA) + "/" + relative;
}

// Epoch's reconstruction of Chinchilla's Figure 4: N, C, D = C/(6N), metric "loss". With
// drop_highest = 5 it is the 240-point set of Besiroglu et al.
inline Result<std::vector<RunPoint>> LoadEpochChinchilla(int drop_highest = 5) {
  MIXRUN_ASSIGN_OR_RETURN(CsvTable table,
                          ReadCsv(SharedData("epoch-chinchilla/svg_extracted_data.csv")));
  const auto n_col = table.Column("Model Size"), c_col = table.Column("Training FLOP"),
             loss_col = table.Column("loss");
  if (!n_col || !c_col || !loss_col) return Status::InvalidInput("epoch csv: missing columns");
  std::vector<RunPoint> runs;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    RunPoint run;
    run.run_id = static_cast<int64_t>(r + 1);
    MIXRUN_ASSIGN_OR_RETURN(run.n_params, table.Number(r, *n_col));
    MIXRUN_ASSIGN_OR_RETURN(run.flops, table.Number(r, *c_col));
    run.n_tokens = run.flops / (6.0 * run.n_params);
    MIXRUN_ASSIGN_OR_RETURN(run.metrics["loss"], table.Number(r, *loss_col));
    runs.push_back(std::move(run));
  }
  // Drop the highest losses; stable so that ties keep file order.
  std::stable_sort(runs.begin(), runs.end(), [](const RunPoint& x, const RunPoint& y) {
    return x.metrics.at("loss") > y.metrics.at("loss");
  });
  runs.erase(runs.begin(), runs.begin() + std::min<size_t>(drop_highest, runs.size()));
  std::stable_sort(runs.begin(), runs.end(),
                   [](const RunPoint& x, const RunPoint& y) { return x.run_id < y.run_id; });
  return runs;
}

// RegMix's released runs: `split` is "train" or "test", `size` "1m", "60m" or "1B". Weights from
// train_the_pile_<domain>, metrics <domain>_val_loss (e.g. pile_cc_val_loss), joined on index.
inline Result<std::vector<RunPoint>> LoadRegmix(const std::string& split, const std::string& size) {
  const std::string mixture_size = size == "1B" ? "1B" : size;
  MIXRUN_ASSIGN_OR_RETURN(CsvTable mixtures, ReadCsv(SharedData("regmix/" + split + "_mixture_" +
                                                                mixture_size + ".csv")));
  MIXRUN_ASSIGN_OR_RETURN(CsvTable losses,
                          ReadCsv(SharedData("regmix/" + split + "_pile_loss_" + size + ".csv")));
  const std::string weight_prefix = "train_the_pile_", loss_prefix = "metric/the_pile_";
  std::map<long, RunPoint> by_index;
  const auto mix_index = mixtures.Column("index");
  const auto loss_index = losses.Column("index");
  if (!mix_index || !loss_index) return Status::InvalidInput("regmix csv: no index column");
  for (size_t r = 0; r < mixtures.rows.size(); ++r) {
    MIXRUN_ASSIGN_OR_RETURN(double index, mixtures.Number(r, *mix_index));
    RunPoint& run = by_index[static_cast<long>(index)];
    run.run_id = static_cast<int64_t>(index);
    for (size_t c = 0; c < mixtures.header.size(); ++c) {
      if (mixtures.header[c].rfind(weight_prefix, 0) != 0) continue;
      MIXRUN_ASSIGN_OR_RETURN(run.weights[mixtures.header[c].substr(weight_prefix.size())],
                              mixtures.Number(r, c));
    }
  }
  for (size_t r = 0; r < losses.rows.size(); ++r) {
    MIXRUN_ASSIGN_OR_RETURN(double index, losses.Number(r, *loss_index));
    auto it = by_index.find(static_cast<long>(index));
    if (it == by_index.end()) return Status::InvalidInput("regmix csv: loss without mixture");
    for (size_t c = 0; c < losses.header.size(); ++c) {
      if (losses.header[c].rfind(loss_prefix, 0) != 0) continue;
      MIXRUN_ASSIGN_OR_RETURN(it->second.metrics[losses.header[c].substr(loss_prefix.size())],
                              losses.Number(r, c));
    }
  }
  std::vector<RunPoint> runs;
  for (auto& [index, run] : by_index) runs.push_back(std::move(run));
  return runs;
}

// SlimPajama mixtures x scale (slimpajama-mixtures/runs.csv, 2408 runs): weights from weight_<d>,
// N = model_size, D = n_tokens, metrics eval/<d>/loss from <d>_loss for the 7 mixture domains
// (an empty cell is a metric the run lacks). Runs with min_n <= N <= max_n, in file order.
inline const std::vector<std::string>& SlimpajamaDomains() {
  static const std::vector<std::string> domains = {
      "arxiv", "book", "c4", "github", "commoncrawl", "stackexchange", "wikipedia"};
  return domains;
}

inline Result<std::vector<RunPoint>> LoadSlimpajama(double min_n, double max_n) {
  MIXRUN_ASSIGN_OR_RETURN(CsvTable table, ReadCsv(SharedData("slimpajama-mixtures/runs.csv")));
  const auto n_col = table.Column("model_size"), d_col = table.Column("n_tokens");
  if (!n_col || !d_col) return Status::InvalidInput("slimpajama csv: missing columns");
  std::vector<RunPoint> runs;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    RunPoint run;
    run.run_id = static_cast<int64_t>(r + 1);
    MIXRUN_ASSIGN_OR_RETURN(run.n_params, table.Number(r, *n_col));
    if (run.n_params < min_n || run.n_params > max_n) continue;
    MIXRUN_ASSIGN_OR_RETURN(run.n_tokens, table.Number(r, *d_col));
    run.flops = 6 * run.n_params * run.n_tokens;
    for (const std::string& domain : SlimpajamaDomains()) {
      const auto weight = table.Column("weight_" + domain), loss = table.Column(domain + "_loss");
      if (!weight || !loss) return Status::InvalidInput("slimpajama csv: no column for " + domain);
      MIXRUN_ASSIGN_OR_RETURN(run.weights[domain], table.Number(r, *weight));
      if (table.rows[r][*loss].empty()) continue;
      MIXRUN_ASSIGN_OR_RETURN(run.metrics["eval/" + domain + "/loss"], table.Number(r, *loss));
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

// Gadre et al.'s over-trained models (openlm-scaling/runs.csv) of one training set (`dataset`:
// c4_original, rpj, rw_original) with N in [min_n, max_n]: N = params, D = tokens, and every
// loss/ and task/ column as a metric of that name.
inline Result<std::vector<RunPoint>> LoadOpenlmScaling(const std::string& dataset, double min_n,
                                                       double max_n) {
  MIXRUN_ASSIGN_OR_RETURN(CsvTable table, ReadCsv(SharedData("openlm-scaling/runs.csv")));
  const auto set_col = table.Column("dataset"), n_col = table.Column("params"),
             d_col = table.Column("tokens");
  if (!set_col || !n_col || !d_col) return Status::InvalidInput("openlm csv: missing columns");
  std::vector<RunPoint> runs;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    if (table.rows[r][*set_col] != dataset) continue;
    RunPoint run;
    run.run_id = static_cast<int64_t>(r + 1);
    MIXRUN_ASSIGN_OR_RETURN(run.n_params, table.Number(r, *n_col));
    if (run.n_params < min_n || run.n_params > max_n) continue;
    MIXRUN_ASSIGN_OR_RETURN(run.n_tokens, table.Number(r, *d_col));
    run.flops = 6 * run.n_params * run.n_tokens;
    for (size_t c = 0; c < table.header.size(); ++c) {
      const std::string& name = table.header[c];
      if (name.rfind("loss/", 0) != 0 && name.rfind("task/", 0) != 0) continue;
      MIXRUN_ASSIGN_OR_RETURN(run.metrics[name], table.Number(r, c));
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace mixrun::testing
