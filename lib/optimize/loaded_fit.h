// A stored fit brought back for recommend (catalog/stored_fit.h) with its weight in the
// objective: Σ weight · prediction.
#pragma once

#include "catalog/stored_fit.h"

namespace mixrun {

struct LoadedFit : StoredFit {
  double weight = 1;

  // Piecewise-constant models (gbdt) have no useful gradient: only simulate works for them.
  bool Smooth() const { return !(law == "regmix" && request.model == "gbdt"); }
};

}  // namespace mixrun
