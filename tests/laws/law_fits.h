// The laws of this module fitted and loaded by name through their catalog rows, so the tests
// read as the command line uses them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "laws/chinchilla.h"
#include "laws/loss2loss.h"
#include "laws/mixing.h"
#include "laws/mixscale.h"
#include "laws/overtrain.h"
#include "laws/pipeline.h"
#include "laws/power.h"
#include "laws/task_law.h"
#include "testing/law_fits.h"

namespace mixrun::testing {

inline Result<const LawEntry*> LawsEntry(const std::string& law) {
  for (const LawEntry* entry : {&ChinchillaLaw(), &PowerLaw(), &OvertrainLaw(), &Loss2LossLaw(),
                                &TaskLaw(), &MixingLaw(), &MixscaleLaw(), &PipelineLaw()}) {
    if (entry->name == law) return entry;
  }
  return Status::InvalidInput("unknown law '" + law + "'");
}

inline Result<FitReport> FitLaw(const FitRequest& request, const std::vector<RunPoint>& train,
                                const std::vector<RunPoint>& test) {
  MIXRUN_ASSIGN_OR_RETURN(const LawEntry* entry, LawsEntry(request.law));
  return FitThrough(*entry, request, train, test);
}

inline Result<std::unique_ptr<FittedLaw>> LoadFit(const std::string& law,
                                                  const nlohmann::json& options,
                                                  const nlohmann::json& params) {
  MIXRUN_ASSIGN_OR_RETURN(const LawEntry* entry, LawsEntry(law));
  return LoadThrough(*entry, options, params);
}

// The request fitted with 1 and with 2 threads (the two must agree exactly).
inline Result<std::pair<FitReport, FitReport>> FitWithOneAndTwoThreads(
    FitRequest request, const std::vector<RunPoint>& runs) {
  request.threads = 1;
  MIXRUN_ASSIGN_OR_RETURN(FitReport one, FitLaw(request, runs, {}));
  request.threads = 2;
  MIXRUN_ASSIGN_OR_RETURN(FitReport two, FitLaw(request, runs, {}));
  return std::make_pair(std::move(one), std::move(two));
}

}  // namespace mixrun::testing

// Ceres brings in glog, whose CHECK aborts the test binary at the first failure; the tests mean
// doctest's, which reports the values and goes on.
#ifdef DOCTEST_CHECK
#undef CHECK
#define CHECK DOCTEST_CHECK
#endif
