// mixrun fits: list the stored fits — what each fitted and how well it predicts runs it did not
// see — or, with `show ID`, print one fit as fit-law printed it when it made it.
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "catalog/stored_fit.h"
#include "commands.h"
#include "common/text_table.h"
#include "fit/fit_print.h"

namespace mixrun {
namespace {

using nlohmann::json;

// One stored fit as the list shows it, read from its row without rebuilding the law.
struct FitListing {
  FitRow row;
  std::string experiment;
  FitRequest request;
  FitStats stats;
  std::optional<int64_t> stage_of;  // a chain's earlier stage: the fit that names it

  json ToJson() const {
    const HeadlineAccuracy accuracy = stats.Headline();
    const auto number_or_null = [](std::optional<double> value) {
      return value && std::isfinite(*value) ? json(*value) : json(nullptr);
    };
    return {{"id", row.id},
            {"law", row.law},
            {"metric", request.TargetMetric()},
            {"experiment", experiment},
            {"n", stats.in_sample.n},
            {"accuracy_on", accuracy.on},
            {"accuracy_n", accuracy.n},
            {"mre", number_or_null(accuracy.mre)},
            {"coverage_95", number_or_null(accuracy.coverage_95)},
            {"created_at", row.created_at},
            {"stage_of", stage_of ? json(*stage_of) : json(nullptr)}};
  }
};

Result<FitListing> ReadListing(const FitRow& row, const std::string& experiment) {
  const std::string where = "fit " + std::to_string(row.id);
  const json options = json::parse(row.options_json, nullptr, false);
  const json stats = json::parse(row.stats_json, nullptr, false);
  if (options.is_discarded() || stats.is_discarded()) {
    return Status::InvalidInput(where + ": stored JSON does not parse");
  }
  FitListing listing;
  listing.row = row;
  listing.experiment = experiment;
  auto request = FitRequest::FromJson(options);
  if (!request.ok()) return request.status().WithContext(where);
  listing.request = *request;
  auto typed = FitStats::FromJson(stats);
  if (!typed.ok()) return typed.status().WithContext(where);
  listing.stats = *typed;
  return listing;
}

// Every fit of the store (or of --experiment), oldest first, with chain stages marked.
Result<std::vector<FitListing>> ListFits(Store& store, const FitsOptions& options) {
  std::optional<int64_t> experiment_id;
  if (options.experiment) {
    MIXRUN_ASSIGN_OR_RETURN(experiment_id, store.ExperimentId(*options.experiment));
  }
  MIXRUN_ASSIGN_OR_RETURN(std::vector<ExperimentRow> experiments, store.ListExperiments());
  std::map<int64_t, std::string> experiment_names;
  for (const ExperimentRow& experiment : experiments) {
    experiment_names[experiment.id] = experiment.name;
  }
  MIXRUN_ASSIGN_OR_RETURN(std::vector<FitRow> rows, store.ListFits(experiment_id));
  std::vector<FitListing> listings;
  std::map<int64_t, int64_t> chain_of_stage;
  for (const FitRow& row : rows) {
    const std::string experiment =
        row.experiment_id ? experiment_names[*row.experiment_id] : std::string();
    MIXRUN_ASSIGN_OR_RETURN(FitListing listing, ReadListing(row, experiment));
    for (const json& stage : listing.stats.extra.value("stages", json::array())) {
      if (stage.is_object() && stage.value("fit_id", json()).is_number_integer()) {
        chain_of_stage[stage["fit_id"].get<int64_t>()] = row.id;
      }
    }
    listings.push_back(std::move(listing));
  }
  std::vector<FitListing> selected;
  for (FitListing& listing : listings) {
    if (options.law && listing.row.law != *options.law) continue;
    auto chain = chain_of_stage.find(listing.row.id);
    if (chain != chain_of_stage.end()) listing.stage_of = chain->second;
    selected.push_back(std::move(listing));
  }
  if (options.last && selected.size() > 1) selected.erase(selected.begin(), selected.end() - 1);
  return selected;
}

std::string FormatOptionalPercent(std::optional<double> fraction) {
  return fraction && std::isfinite(*fraction) ? FormatPercent(*fraction) : "";
}

void PrintListings(const std::vector<FitListing>& listings, std::ostream& out) {
  TextTable table({"id", "law", "metric", "experiment", "n", "MRE", "accuracy on", "coverage 95%",
                   "created", "stage of"});
  for (const FitListing& listing : listings) {
    const HeadlineAccuracy accuracy = listing.stats.Headline();
    std::string on = accuracy.on;
    if (accuracy.on != "in-sample")
      on.append(" (n ").append(std::to_string(accuracy.n)).append(")");
    table.AddRow({std::to_string(listing.row.id), listing.row.law, listing.request.TargetMetric(),
                  listing.experiment, std::to_string(listing.stats.in_sample.n),
                  FormatOptionalPercent(accuracy.mre), on,
                  FormatOptionalPercent(accuracy.coverage_95), listing.row.created_at,
                  listing.stage_of ? "fit " + std::to_string(*listing.stage_of) : ""});
  }
  table.Print(out);
  out << table.size() << " fits";
  if (!listings.empty()) out << " (MRE: mean relative error of the predictions)";
  out << '\n';
}

Status ShowFit(Store& store, const GlobalOptions& global, int64_t id) {
  MIXRUN_ASSIGN_OR_RETURN(FitReport report, LoadFitReport(store, id));
  if (global.json) {
    json output = report.ToJson();
    output["fit_id"] = id;
    std::cout << output.dump(2) << '\n';
  } else {
    PrintFitReport(std::cout, id, report, report.options.value("experiment", ""));
  }
  return Status::Ok();
}

}  // namespace

Status RunFits(const GlobalOptions& global, const FitsOptions& options) {
  MIXRUN_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                          Store::Open(ChooseStorePath(global, ""), Store::Mode::kReadOnly));
  if (options.show_id) return ShowFit(*store, global, *options.show_id);
  MIXRUN_ASSIGN_OR_RETURN(std::vector<FitListing> listings, ListFits(*store, options));
  if (options.id_only) {
    for (const FitListing& listing : listings) std::cout << listing.row.id << '\n';
  } else if (global.json) {
    json rows = json::array();
    for (const FitListing& listing : listings) rows.push_back(listing.ToJson());
    std::cout << rows.dump(2) << '\n';
  } else {
    PrintListings(listings, std::cout);
  }
  return Status::Ok();
}

}  // namespace mixrun
