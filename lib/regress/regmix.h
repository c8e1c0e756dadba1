// RegMix (Liu et al. 2024): a regression from mixture weights to a target loss, trained on many
// small runs and used to rank candidate mixtures. Models: linear, loglinear (linear on log loss),
// gbdt (xgboost; depth and rounds chosen by k-fold CV on the training runs only), gp (a Gaussian
// process, regress/gaussian_process.h: the smooth surrogate of a sequential study). Features:
// normalised weights over the sorted union of the training runs' domains; target: --metric.
#pragma once

#include "fit/law_entry.h"

namespace mixrun {

// The catalog's row: regmix. Bootstrap refits the model on resampled runs (gbdt too, with the
// hyper-parameters chosen on the full training set).
const LawEntry& RegmixLaw();

}  // namespace mixrun
