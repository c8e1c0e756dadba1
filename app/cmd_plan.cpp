// mixrun plan: validate a config, show what it expands to, and register its runs as pending.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/text_table.h"
#include "config/config.h"
#include "design/run_plan.h"
#include "store/store.h"
#include "train/sweep.h"

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

json HeaderJson(const Experiment& experiment, const std::string& store_path,
                const Result<std::vector<PlannedRun>>& runs) {
  json domains = json::array();
  for (const auto& domain : experiment.domains) {
    uintmax_t bytes = 0;
    for (const auto& file : domain.files) bytes += std::filesystem::file_size(file);
    domains.push_back({{"name", domain.name},
                       {"format", FormatName(domain.format)},
                       {"files", domain.files.size()},
                       {"bytes", bytes}});
  }
  json models = json::array();
  for (const auto& model : experiment.models) models.push_back(json::parse(ModelJson(model)));
  json header = {{"experiment", experiment.name},
                 {"config", experiment.config_path},
                 {"store", store_path},
                 {"domains", domains},
                 {"target", experiment.target.weights},
                 {"design", experiment.mixtures.design},
                 {"models", models},
                 {"tokens", experiment.train.tokens},
                 {"seeds", experiment.train.seeds},
                 {"backend", experiment.backend.kind}};
  if (runs.ok()) {
    header["runs"] = runs->size();
  } else {
    header["runs"] = nullptr;
    header["runs_note"] = runs.status().message();
  }
  return header;
}

void PrintHeader(const json& header, std::ostream& out) {
  out << "experiment  " << header["experiment"].get<std::string>() << '\n'
      << "config      " << header["config"].get<std::string>() << '\n'
      << "store       " << header["store"].get<std::string>() << '\n';
  TextTable domains({"domain", "format", "files", "bytes"});
  for (const auto& domain : header["domains"]) {
    domains.AddRow({domain["name"], domain["format"], std::to_string(domain["files"].get<int>()),
                    HumanCount(domain["bytes"].get<double>())});
  }
  out << '\n';
  domains.Print(out);
  out << "\ntarget      " << DescribeMixture(header["target"].get<Mixture>()) << '\n'
      << "design      " << header["design"].get<std::string>() << '\n';
  for (const auto& model : header["models"]) {
    out << "model       " << model["name"].get<std::string>() << ": " << model["layers"]
        << " layers, d_model " << model["d_model"] << ", " << model["heads"] << " heads, d_ff "
        << model["d_ff"] << ", context " << model["context"] << '\n';
  }
  std::string budgets;
  for (double tokens : header["tokens"])
    budgets += (budgets.empty() ? "" : ", ") + HumanCount(tokens);
  out << "tokens      " << budgets << '\n' << "seeds       " << header["seeds"].dump() << '\n';
  if (header["runs"].is_null()) {
    out << "runs        not expanded: " << header["runs_note"].get<std::string>() << '\n';
  } else {
    out << "runs        " << header["runs"].get<size_t>() << '\n';
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
  json header = HeaderJson(*experiment, store_path, runs);

  if (options.dry_run) {
    if (global.json) {
      std::cout << header.dump(2) << '\n';
    } else {
      PrintHeader(header, std::cout);
      std::cout << "(dry run: nothing registered)\n";
    }
    return 0;
  }
  if (!runs.ok()) return ReportFailure(runs.status());
  auto store = Store::Open(store_path);
  if (!store.ok()) return ReportFailure(store.status());
  auto experiment_id = (*store)->PutExperiment(experiment->name, experiment->config_json);
  if (!experiment_id.ok()) return ReportFailure(experiment_id.status());
  Status recorded = (*store)->SetDomainTokens(*experiment_id, tokens);
  if (!recorded.ok()) return ReportFailure(recorded);
  std::vector<RunSpec> specs;
  for (const auto& run : *runs) specs.push_back(run.spec);
  auto added = (*store)->AddRuns(*experiment_id, specs);
  if (!added.ok()) return ReportFailure(added.status());
  header["added"] = added->added;
  header["existing"] = added->existing;
  if (global.json) {
    std::cout << header.dump(2) << '\n';
  } else {
    PrintHeader(header, std::cout);
    std::cout << "registered  " << added->added << " new runs (" << added->existing
              << " already planned) in " << store_path << '\n';
  }
  return 0;
}

}  // namespace mixrun
