// mixrun export: runs (one row each) or every metric row, as CSV or JSON on stdout.
#include <iostream>

#include "commands.h"

namespace mixrun {

Status RunExport(const GlobalOptions& global, const ExportOptions& options) {
  auto store = Store::Open(ChooseStorePath(global, ""), Store::Mode::kReadOnly);
  if (!store.ok()) return store.status();
  if (options.filter.experiment) {
    auto id = (*store)->ExperimentId(*options.filter.experiment);
    if (!id.ok()) return id.status();
  }
  ExportOptions chosen = options;
  if (global.json) chosen.format = "json";
  return ExportRuns(**store, chosen, std::cout);
}

}  // namespace mixrun
