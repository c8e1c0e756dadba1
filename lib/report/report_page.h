// The report's page as asked for, built from the store: which figures apply and their data.
// Contract: a stored fit gives predicted-vs-actual and residuals (its training runs, and the runs
// of `experiment` — else of its test experiment — as held-out); a law of N and D adds the
// iso-FLOP and frontier figures, a mixture law the weight sweep and the baselines around its
// latest recommendation (else its best observed run). An experiment (else the fit's) gives its
// runs' loss curves when they have eval histories; `transfer_experiments` give the rank-transfer
// scatter. Unknown fits and experiments are errors naming them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "fit/rank_transfer.h"
#include "report/html_report.h"
#include "store/store.h"

namespace mixrun {

struct ReportRequest {
  std::optional<int64_t> fit_id;
  std::string experiment;                         // held-out runs of the fit; loss curves
  std::vector<std::string> transfer_experiments;  // empty, or SMALL LARGE
  RankTransferRequest transfer;                   // the metric and k of the rank transfer
};

Result<ReportPage> BuildReportPage(Store& store, const ReportRequest& request);

}  // namespace mixrun
