// Gradient-boosted regression trees through xgboost's C API: train, save to and load from bytes
// (UBJSON), and the choice of hyper-parameters by k-fold CV. Predictions come from the booster
// compiled to flat arrays (gbdt_forest.h), equal to the booster's own bit for bit.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "regress/gbdt_forest.h"

namespace mixrun {

struct GbdtParams {
  int max_depth = 4;
  double eta = 0.05;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  double min_child_weight = 1.0;
  double lambda = 1.0;
  int rounds = 500;

  nlohmann::json ToJson() const;
};

class Gbdt {
 public:
  // x: rows × cols (row-major), y: rows targets. Deterministic for (threads, seed).
  static Result<Gbdt> Train(const std::vector<double>& x, size_t rows, size_t cols,
                            const std::vector<double>& y, const GbdtParams& params, int threads,
                            uint64_t seed);
  static Result<Gbdt> Load(std::string_view model_bytes, int threads);

  // Predictions for rows × cols values (NaN = missing); rounds > 0 uses only the first `rounds`
  // trees. The booster is compiled on the first call (a few ms), so loading a fit's many refits
  // costs nothing until they predict; large batches run on the threads given to Train or Load.
  Result<std::vector<double>> Predict(const double* x, size_t rows, size_t cols,
                                      int rounds = 0) const;
  // The same from xgboost's own in-place prediction (on its threads): the reference the compiled
  // forest is tested and benchmarked against, never a prediction path of mixrun's.
  Result<std::vector<double>> PredictByBooster(const double* x, size_t rows, size_t cols,
                                               int rounds = 0) const;
  // The model as UBJSON bytes (Load reads them back).
  Result<std::string> Save() const;

 private:
  struct Free {
    void operator()(void* handle) const;
  };
  struct Compiled;  // the forest, compiled once on first use
  Gbdt(void* handle, int threads);
  Result<const GbdtForest*> Forest() const;

  std::unique_ptr<void, Free> booster_;
  std::shared_ptr<Compiled> compiled_;
  int threads_ = 1;
};

struct GbdtChoice {
  GbdtParams params;  // with the chosen number of rounds
  double cv_rmse = 0;
  double cv_spearman = 0;
  nlohmann::json grid;  // every candidate with its CV score, for the record
};

// Chooses depth and rounds by k-fold cross-validation (mean out-of-fold RMSE) on the given runs —
// which must be the training runs only, never a test set.
Result<GbdtChoice> ChooseGbdtParams(const std::vector<double>& x, size_t rows, size_t cols,
                                    const std::vector<double>& y, int folds, int threads,
                                    uint64_t seed);

}  // namespace mixrun
