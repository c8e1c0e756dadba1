// mixrun plan: validate a config, show what it expands to — runs, parameters, tokens, FLOPs and
// the wall time this machine will take (lib/design/run_cost.h) — and register its runs as pending.
#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/system_memory.h"
#include "common/text_table.h"
#include "config/config.h"
#include "data/corpus.h"
#include "design/run_cost.h"
#include "design/run_plan.h"
#include "store/store.h"

namespace mixrun {
namespace {

using nlohmann::json;

const char* FormatName(CorpusFormat format) {
  switch (format) {
    case CorpusFormat::kJsonl:
      return "jsonl";
    case CorpusFormat::kTokensU16:
      return "tokens-u16";
    default:
      return "text";
  }
}

std::string DescribeMixture(const Mixture& mixture) {
  std::string text;
  for (const auto& [domain, weight] : mixture) {
    text += (text.empty() ? "" : ", ") + domain + " " + FormatSignificant(weight, 3);
  }
  return text;
}

std::string FormatSeconds(double seconds) {
  if (!std::isfinite(seconds)) return "-";
  if (seconds < 120) return FormatSignificant(seconds, 2) + " s";
  if (seconds < 7200) return FormatSignificant(seconds / 60, 2) + " min";
  return FormatSignificant(seconds / 3600, 3) + " h";
}

// The run-cost table (lib/design/run_cost.h) as JSON: one row per model and token budget.
json CostTableJson(const RunCost& cost) {
  json table = json::array();
  for (const RunCostRow& row : cost.rows) {
    json entry = {{"model", row.model},
                  {"n_params", row.n_params},
                  {"n_params_nonembed", row.n_params_nonembed},
                  {"tokens", row.tokens},
                  {"flops_per_run", row.flops_per_run},
                  {"runs", row.runs}};
    if (row.tokens_per_second) entry["tokens_per_second"] = *row.tokens_per_second;
    if (row.seconds_per_run) entry["seconds_per_run"] = *row.seconds_per_run;
    if (row.memory_per_run) entry["memory_bytes_per_run"] = *row.memory_per_run;
    table.push_back(entry);
  }
  return table;
}

json HeaderJson(const Experiment& experiment, const std::string& store_path,
                const DomainTokens& tokens, const std::vector<PlannedRun>& runs) {
  json domains = json::array();
  for (const auto& domain : experiment.domains) {
    uintmax_t bytes = 0;
    for (const auto& file : domain.files) bytes += std::filesystem::file_size(file);
    domains.push_back({{"name", domain.name},
                       {"format", FormatName(domain.format)},
                       {"files", domain.files.size()},
                       {"bytes", bytes},
                       {"tokens", tokens.at(domain.name)}});
  }
  json models = json::array();
  for (const auto& model : experiment.models) models.push_back(json::parse(ModelJson(model)));
  const RunCost cost = EstimateRunCost(experiment, runs);
  return {{"experiment", experiment.name},
          {"config", experiment.config_path},
          {"store", store_path},
          {"domains", domains},
          {"target", experiment.target.weights},
          {"design", experiment.mixtures.design},
          {"models", models},
          {"seeds", experiment.train.seeds},
          {"backend", experiment.backend.kind},
          {"runs", runs.size()},
          {"table", CostTableJson(cost)},
          {"total_flops", cost.total_flops},
          {"estimated_seconds",
           std::isfinite(cost.total_seconds) ? json(cost.total_seconds) : json(nullptr)}};
}

void PrintHeader(const json& header, std::ostream& out) {
  out << "experiment  " << header["experiment"].get<std::string>() << '\n'
      << "config      " << header["config"].get<std::string>() << '\n'
      << "store       " << header["store"].get<std::string>() << '\n';
  TextTable domains({"domain", "format", "files", "bytes", "tokens"});
  for (const auto& domain : header["domains"]) {
    domains.AddRow({domain["name"], domain["format"], std::to_string(domain["files"].get<int>()),
                    HumanCount(domain["bytes"].get<double>()),
                    HumanCount(domain["tokens"].get<double>())});
  }
  out << '\n';
  domains.Print(out);
  out << "\ntarget      " << DescribeMixture(header["target"].get<Mixture>()) << '\n'
      << "design      " << header["design"].get<std::string>() << '\n'
      << "seeds       " << header["seeds"].dump() << "\n\n";
  TextTable table({"model", "params", "non-emb", "tokens", "FLOPs/run", "runs", "tok/s", "time/run",
                   "memory/run"});
  for (const auto& row : header["table"]) {
    table.AddRow({row["model"], HumanCount(row["n_params"].get<double>()),
                  HumanCount(row["n_params_nonembed"].get<double>()),
                  HumanCount(row["tokens"].get<double>()),
                  FormatSignificant(row["flops_per_run"].get<double>(), 3),
                  std::to_string(row["runs"].get<int>()),
                  row.contains("tokens_per_second")
                      ? HumanCount(row["tokens_per_second"].get<double>())
                      : "-",
                  row.contains("seconds_per_run") ? FormatSeconds(row["seconds_per_run"]) : "-",
                  row.contains("memory_bytes_per_run")
                      ? HumanBytes(row["memory_bytes_per_run"].get<double>())
                      : "-"});
  }
  table.Print(out);
  out << "\nruns        " << header["runs"].get<size_t>() << ", "
      << FormatSignificant(header["total_flops"].get<double>(), 3) << " FLOPs in all\n";
  if (!header["estimated_seconds"].is_null()) {
    double seconds = header["estimated_seconds"].get<double>();
    out << "estimate    " << FormatSeconds(seconds) << " with one job; about "
        << FormatSeconds(seconds / 2) << " with --jobs 2 on 2 cores (measured on this machine)\n";
  }
}

// Each planned run with its mixture (plan -v): label, model, tokens, seed and weights.
json PlannedRunsJson(const std::vector<PlannedRun>& runs) {
  json rows = json::array();
  for (const PlannedRun& run : runs) {
    rows.push_back({{"label", run.spec.label},
                    {"model", run.model.name},
                    {"tokens", run.tokens},
                    {"seed", run.seed},
                    {"weights", run.spec.weights}});
  }
  return rows;
}

// One row per planned run, one column per domain (in the config's order) with its weight.
void PrintPlannedRuns(const json& runs, const Experiment& experiment, std::ostream& out) {
  std::vector<std::string> header = {"#", "label", "model", "tokens", "seed"};
  for (const auto& domain : experiment.domains) header.push_back(domain.name);
  TextTable table(header);
  for (size_t i = 0; i < runs.size(); ++i) {
    const json& run = runs[i];
    std::vector<std::string> row = {std::to_string(i + 1), run["label"], run["model"],
                                    HumanCount(run["tokens"].get<double>()),
                                    std::to_string(run["seed"].get<uint64_t>())};
    for (const auto& domain : experiment.domains) {
      row.push_back(FormatSignificant(run["weights"].value(domain.name, 0.0), 3));
    }
    table.AddRow(row);
  }
  out << '\n';
  table.Print(out);
}

}  // namespace

Status RunPlan(const GlobalOptions& global, const PlanOptions& options) {
  auto experiment = LoadExperiment(options.config);
  if (!experiment.ok()) return experiment.status();
  std::string store_path = ChooseStorePath(global, experiment->store);
  auto corpora = LoadExperimentCorpora(*experiment);
  if (!corpora.ok()) return corpora.status();
  const DomainTokens tokens = TokenCounts(*corpora);
  auto runs = ExpandRuns(*experiment, tokens);
  if (!runs.ok()) return runs.status();
  // Timing the models (below) builds them: a model that cannot fit is refused first.
  MIXRUN_RETURN_IF_ERROR(CheckExperimentMemory(*experiment, ReadAvailableMemory()));
  json header = HeaderJson(*experiment, store_path, tokens, *runs);
  if (options.list_runs) header["planned_runs"] = PlannedRunsJson(*runs);

  if (options.dry_run) {
    if (global.json) {
      std::cout << header.dump(2) << '\n';
    } else {
      PrintHeader(header, std::cout);
      if (options.list_runs) PrintPlannedRuns(header["planned_runs"], *experiment, std::cout);
      std::cout << "(dry run: nothing registered)\n";
    }
    return Status::Ok();
  }
  auto store = Store::Open(store_path);
  if (!store.ok()) return store.status();
  auto registered =
      (*store)->RegisterRuns(experiment->name, experiment->config_json, tokens, RunSpecs(*runs));
  if (!registered.ok()) return registered.status();
  auto listed = (*store)->ListRuns({experiment->name, {}});
  if (!listed.ok()) return listed.status();
  std::map<std::string, RunStatus> status_by_key;
  for (const RunRow& run : *listed) status_by_key[run.spec.run_key] = run.spec.status;
  // Registered before this call: runs of the config that already had a status other than the
  // fresh "pending" of the ones just added is not knowable afterwards, so count by creation.
  int existing = static_cast<int>(listed->size()) - static_cast<int>(runs->size());
  std::map<std::string, int> counts;
  for (const PlannedRun& run : *runs) {
    ++counts[std::string(RunStatusName(status_by_key[run.spec.run_key]))];
  }
  header["status"] = counts;
  header["other_runs_of_experiment"] = std::max(0, existing);
  if (global.json) {
    std::cout << header.dump(2) << '\n';
  } else {
    PrintHeader(header, std::cout);
    if (options.list_runs) PrintPlannedRuns(header["planned_runs"], *experiment, std::cout);
    std::cout << "store now  ";
    for (const auto& [status, count] : counts) std::cout << " " << count << " " << status;
    std::cout << " (of this config's " << runs->size() << " runs) in " << store_path << '\n';
  }
  return Status::Ok();
}

}  // namespace mixrun
