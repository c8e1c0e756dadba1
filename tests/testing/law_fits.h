// Fitting and loading through one catalog row (fit/law_entry.h), for the tests of a law module
// (the catalog itself sits above laws/ and regress/).
#pragma once

#include <memory>
#include <vector>

#include "fit/law_entry.h"

namespace mixrun::testing {

inline Result<FitReport> FitThrough(const LawEntry& entry, const FitRequest& request,
                                    const std::vector<RunPoint>& train,
                                    const std::vector<RunPoint>& test) {
  return FitWith(entry, request, train, test);
}

// `options` is fits.options_json, `params` fits.params_json.
inline Result<std::unique_ptr<FittedLaw>> LoadThrough(const LawEntry& entry,
                                                      const nlohmann::json& options,
                                                      const nlohmann::json& params) {
  MIXRUN_ASSIGN_OR_RETURN(FitRequest request, FitRequest::FromJson(options));
  request.law = entry.name;
  return LoadWith(entry, request,
                  params.is_object() ? params.value("state", nlohmann::json()) : nlohmann::json());
}

}  // namespace mixrun::testing
