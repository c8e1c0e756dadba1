// mixrun plan: validate a config, show what it expands to — runs, parameters, tokens, FLOPs and
// the wall time this machine will take — and register its runs as pending.
#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/text_table.h"
#include "config/config.h"
#include "data/corpus.h"
#include "design/run_plan.h"
#include "model/throughput.h"
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

// Seconds one run takes: training at the measured rate, plus its evaluations (forward passes
// only, about a third of a training step's work per token).
double EstimateRunSeconds(const Experiment& experiment, double tokens, double tokens_per_second) {
  const TrainSpec& train = experiment.train;
  double steps = std::max(1.0, std::round(tokens / (double(train.batch) * train.context)));
  double evaluations = std::floor(steps / train.eval_every) + 2;
  double eval_tokens = evaluations * train.eval_tokens * experiment.domains.size();
  return (tokens + eval_tokens / 3) / tokens_per_second;
}

// One row per model and token budget: how many runs, their size, their cost.
json PlanTable(const Experiment& experiment, const std::vector<PlannedRun>& runs) {
  std::map<std::string, double> throughput;  // per model name, built-in backend only
  struct Group {
    const PlannedRun* example = nullptr;
    int runs = 0;
  };
  std::map<std::pair<std::string, double>, Group> groups;
  for (const PlannedRun& run : runs) {
    Group& group = groups[{run.model.name, run.tokens}];
    if (!group.example) group.example = &run;
    ++group.runs;
  }
  json table = json::array();
  for (const auto& [key, group] : groups) {
    const PlannedRun& run = *group.example;
    json row = {{"model", run.model.name},
                {"n_params", run.spec.n_params},
                {"n_params_nonembed", run.spec.n_params_nonembed},
                {"tokens", run.tokens},
                {"flops_per_run", run.spec.flops},
                {"runs", group.runs}};
    if (experiment.backend.kind == "builtin") {
      if (!throughput.count(run.model.name)) {
        auto measured =
            MeasureTrainingThroughput(run.model, experiment.train, experiment.backend.threads, 0.3);
        throughput[run.model.name] = measured.ok() ? *measured : NAN;
      }
      double rate = throughput[run.model.name];
      row["tokens_per_second"] = rate;
      row["seconds_per_run"] = EstimateRunSeconds(experiment, run.tokens, rate);
    }
    table.push_back(row);
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
  json table = PlanTable(experiment, runs);
  double flops = 0, seconds = 0;
  for (const auto& row : table) {
    flops += row["flops_per_run"].get<double>() * row["runs"].get<int>();
    seconds += row.value("seconds_per_run", NAN) * row["runs"].get<int>();
  }
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
          {"table", table},
          {"total_flops", flops},
          {"estimated_seconds", std::isfinite(seconds) ? json(seconds) : json(nullptr)}};
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
  TextTable table(
      {"model", "params", "non-emb", "tokens", "FLOPs/run", "runs", "tok/s", "time/run"});
  for (const auto& row : header["table"]) {
    table.AddRow({row["model"], HumanCount(row["n_params"].get<double>()),
                  HumanCount(row["n_params_nonembed"].get<double>()),
                  HumanCount(row["tokens"].get<double>()),
                  FormatSignificant(row["flops_per_run"].get<double>(), 3),
                  std::to_string(row["runs"].get<int>()),
                  row.contains("tokens_per_second")
                      ? HumanCount(row["tokens_per_second"].get<double>())
                      : "-",
                  row.contains("seconds_per_run") ? FormatSeconds(row["seconds_per_run"]) : "-"});
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

}  // namespace

int RunPlan(const GlobalOptions& global, const PlanOptions& options) {
  auto experiment = LoadExperiment(options.config);
  if (!experiment.ok()) return ReportFailure(experiment.status());
  std::string store_path = ChooseStorePath(global, experiment->store);
  auto corpora = LoadExperimentCorpora(*experiment);
  if (!corpora.ok()) return ReportFailure(corpora.status());
  const DomainTokens tokens = TokenCounts(*corpora);
  auto runs = ExpandRuns(*experiment, tokens);
  if (!runs.ok()) return ReportFailure(runs.status());
  json header = HeaderJson(*experiment, store_path, tokens, *runs);

  if (options.dry_run) {
    if (global.json) {
      std::cout << header.dump(2) << '\n';
    } else {
      PrintHeader(header, std::cout);
      std::cout << "(dry run: nothing registered)\n";
    }
    return 0;
  }
  auto store = Store::Open(store_path);
  if (!store.ok()) return ReportFailure(store.status());
  auto registered =
      (*store)->RegisterRuns(experiment->name, experiment->config_json, tokens, RunSpecs(*runs));
  if (!registered.ok()) return ReportFailure(registered.status());
  auto listed = (*store)->ListRuns({experiment->name, {}});
  if (!listed.ok()) return ReportFailure(listed.status());
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
    std::cout << "store now  ";
    for (const auto& [status, count] : counts) std::cout << " " << count << " " << status;
    std::cout << " (of this config's " << runs->size() << " runs) in " << store_path << '\n';
  }
  return 0;
}

}  // namespace mixrun
