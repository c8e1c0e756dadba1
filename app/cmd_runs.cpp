// mixrun runs: list the runs of a store — what each trained, how it ended (interrupted runs
// marked), its final target loss and wall time — sorted and limited as asked.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "commands.h"
#include "common/metric_names.h"
#include "common/subprocess.h"
#include "common/text_table.h"
#include "mixture/mixture.h"
#include "train/sweep.h"

namespace mixrun {

namespace {

using nlohmann::json;

// A failure's reason fits a table row: its first line, shortened (--json has it whole).
std::string FirstLine(const std::string& text, size_t limit) {
  std::string line = text.substr(0, text.find('\n'));
  return line.size() <= limit ? line : line.substr(0, limit) + "…";
}

struct ListedRun {
  const RunRow* run = nullptr;
  bool interrupted = false;
  std::string loss_metric;  // empty: the experiment has no eval loss
  double loss = NAN;
};

// The loss a run is judged by: the target's, else the experiment's first per-domain eval loss.
std::map<std::string, std::string> LossMetricByExperiment(
    const std::vector<RunRow>& runs, std::map<int64_t, std::map<std::string, double>>& finals) {
  std::map<std::string, std::set<std::string>> losses;
  for (const RunRow& run : runs) {
    for (const auto& [name, value] : finals[run.id]) {
      if (name == kTargetLossMetric || DomainOfLossMetric(name))
        losses[run.experiment].insert(name);
    }
  }
  std::map<std::string, std::string> chosen;
  for (const auto& [experiment, names] : losses) {
    chosen[experiment] = names.count(kTargetLossMetric) ? kTargetLossMetric : *names.begin();
  }
  return chosen;
}

const char* const kSortColumns[] = {"id", "loss", "wall", "status", "label"};

// Sorts by --sort COLUMN ('-' first: descending); runs without the value (no loss, no wall time)
// come last either way.
Status SortRuns(const std::string& sort, std::vector<ListedRun>& runs) {
  const bool descending = sort.starts_with("-");
  const std::string column = descending ? sort.substr(1) : sort;
  if (std::find(std::begin(kSortColumns), std::end(kSortColumns), column) ==
      std::end(kSortColumns)) {
    return Status::InvalidInput("--sort: '" + sort +
                                "' is not id, loss, wall, status or label (a leading '-' sorts "
                                "descending)");
  }
  const auto text_key = [&column](const ListedRun& listed) -> std::string {
    if (column == "label") return listed.run->spec.label;
    return listed.interrupted ? "interrupted" : std::string(RunStatusName(listed.run->spec.status));
  };
  const auto number_key = [&column](const ListedRun& listed) -> double {
    if (column == "loss") return listed.loss;
    if (column == "wall") return listed.run->wall_s;
    return static_cast<double>(listed.run->id);
  };
  const bool textual = column == "label" || column == "status";
  std::stable_sort(runs.begin(), runs.end(), [&](const ListedRun& a, const ListedRun& b) {
    if (textual) return descending ? text_key(b) < text_key(a) : text_key(a) < text_key(b);
    const double x = number_key(a), y = number_key(b);
    if (std::isnan(x) || std::isnan(y)) return !std::isnan(x) && std::isnan(y);
    return descending ? y < x : x < y;
  });
  return Status::Ok();
}

void PrintRuns(const std::vector<ListedRun>& listed, std::ostream& out) {
  TextTable table({"id", "experiment", "label", "status", "source", "N", "D", "seed", "loss",
                   "wall", "mixture", "error"});
  std::set<std::string> loss_metrics;
  for (const ListedRun& each : listed) {
    const RunRow& run = *each.run;
    if (!each.loss_metric.empty()) loss_metrics.insert(each.loss_metric);
    table.AddRow({std::to_string(run.id), run.experiment, run.spec.label,
                  each.interrupted ? "interrupted" : std::string(RunStatusName(run.spec.status)),
                  run.spec.source, HumanCount(run.spec.n_params), HumanCount(run.spec.n_tokens),
                  run.spec.seed ? std::to_string(*run.spec.seed) : "-",
                  std::isnan(each.loss) ? "-" : FormatSignificant(each.loss, 5),
                  std::isnan(run.wall_s) ? "-" : FormatSignificant(run.wall_s, 3) + " s",
                  HeaviestDomains(run.spec.weights, 3), FirstLine(run.error, 160)});
  }
  table.Print(out);
  out << table.size() << " runs";
  if (!loss_metrics.empty()) {
    out << "; loss: final ";
    for (auto name = loss_metrics.begin(); name != loss_metrics.end(); ++name) {
      out << (name == loss_metrics.begin() ? "" : ", ") << *name;
    }
  }
  if (std::any_of(listed.begin(), listed.end(), [](const ListedRun& r) { return r.interrupted; })) {
    out << "; interrupted runs resume with the next train";
  }
  out << '\n';
}

}  // namespace

Status RunRuns(const GlobalOptions& global, const RunsOptions& options) {
  auto store = Store::Open(ChooseStorePath(global, ""), Store::Mode::kReadOnly);
  if (!store.ok()) return store.status();
  if (options.filter.experiment) {
    auto id = (*store)->ExperimentId(*options.filter.experiment);
    if (!id.ok()) return id.status();
  }
  auto runs = (*store)->ListRuns(options.filter);
  if (!runs.ok()) return runs.status();
  auto finals = (*store)->FinalMetrics(options.filter);
  if (!finals.ok()) return finals.status();
  const std::map<std::string, std::string> loss_metrics = LossMetricByExperiment(*runs, *finals);
  const std::string host = HostName();
  std::vector<ListedRun> listed;
  for (const RunRow& run : *runs) {
    ListedRun each;
    each.run = &run;
    each.interrupted = IsInterruptedRun(run, host);
    auto metric = loss_metrics.find(run.experiment);
    if (metric != loss_metrics.end()) {
      each.loss_metric = metric->second;
      auto value = (*finals)[run.id].find(metric->second);
      if (value != (*finals)[run.id].end()) each.loss = value->second;
    }
    listed.push_back(each);
  }
  MIXRUN_RETURN_IF_ERROR(SortRuns(options.sort, listed));
  if (options.limit && listed.size() > *options.limit) listed.resize(*options.limit);
  if (global.json) {
    json rows = json::array();
    for (const ListedRun& each : listed) {
      json row = RunJson(*each.run, (*finals)[each.run->id]);
      row["interrupted"] = each.interrupted;
      row["loss_metric"] = each.loss_metric.empty() ? json(nullptr) : json(each.loss_metric);
      row["loss"] = std::isnan(each.loss) ? json(nullptr) : json(each.loss);
      rows.push_back(row);
    }
    std::cout << rows.dump(2) << '\n';
  } else {
    PrintRuns(listed, std::cout);
  }
  return Status::Ok();
}

}  // namespace mixrun
