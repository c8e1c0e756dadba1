// regmix fitted and loaded through its catalog row.
#pragma once

#include <string>

#include "regress/regmix.h"
#include "testing/law_fits.h"

namespace mixrun::testing {

inline Result<FitReport> FitRegmix(const FitRequest& request, const std::vector<RunPoint>& train,
                                   const std::vector<RunPoint>& test) {
  return FitThrough(RegmixLaw(), request, train, test);
}

inline Result<std::unique_ptr<FittedLaw>> LoadRegmixFit(const nlohmann::json& options,
                                                     const nlohmann::json& params) {
  return LoadThrough(RegmixLaw(), options, params);
}

}  // namespace mixrun::testing
