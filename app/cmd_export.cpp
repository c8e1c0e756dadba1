// mixrun export: runs (one row each) or every metric row, as CSV or JSON on stdout.
#include <iostream>

#include "commands.h"

namespace mixrun {

int RunExport(const GlobalOptions& global, const ExportOptions& options) {
  auto store = Store::Open(ChooseStorePath(global, ""), Store::Mode::kMustExist);
  if (!store.ok()) return ReportFailure(store.status());
  if (options.filter.experiment) {
    auto id = (*store)->ExperimentId(*options.filter.experiment);
    if (!id.ok()) return ReportFailure(id.status());
  }
  Status status = ExportRuns(**store, options, std::cout);
  return status.ok() ? 0 : ReportFailure(status);
}

}  // namespace mixrun
