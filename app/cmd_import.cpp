// mixrun import: other trainers' results from CSV files into the store.
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/key_value.h"

namespace mixrun {

Status RunImport(const GlobalOptions& global, ImportCommandOptions options) {
  const KeyValueSyntax syntax{.flag = "--metric", .expected = "NAME=COLUMN, e.g. loss=loss"};
  for (const std::string& pair : options.metric_pairs) {
    auto metric = SplitKeyValue(pair, syntax);
    if (!metric.ok()) return metric.status();
    options.import.metrics.emplace_back(metric->key, metric->value);
  }
  auto store = Store::Open(ChooseStorePath(global, ""));
  if (!store.ok()) return store.status();
  auto summary = ImportCsv(**store, options.import);
  if (!summary.ok()) return summary.status();
  if (global.json) {
    nlohmann::json result = {{"experiment", options.import.experiment},
                             {"rows", summary->rows},
                             {"runs", summary->runs},
                             {"added", summary->added},
                             {"existing", summary->existing},
                             {"differing", summary->differing},
                             {"updated", summary->updated},
                             {"differing_examples", summary->differing_examples},
                             {"domains", summary->domains},
                             {"metrics", summary->metrics}};
    std::cout << result.dump(2) << '\n';
  } else {
    spdlog::info(
        "{}: {} rows read ({} runs), {} runs added, {} already present{} ({} domains, {} "
        "metrics)",
        options.import.experiment, summary->rows, summary->runs, summary->added, summary->existing,
        options.import.update ? ", " + std::to_string(summary->updated) + " updated" : "",
        summary->domains.size(), summary->metrics.size());
  }
  return Status::Ok();
}

}  // namespace mixrun
