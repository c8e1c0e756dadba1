#include "regress/gbdt.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>
#include <optional>

#include "common/parallel.h"
#include "fit/accuracy.h"
#include "fit/resampling.h"

namespace mixrun {
namespace {

Status XgbError(const std::string& what) {
  return Status::Failed("xgboost " + what + ": " + XGBGetLastError());
}

std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

// A float DMatrix (xgboost trains on float32) with labels; freed on scope exit.
struct Matrix {
  DMatrixHandle handle = nullptr;
  ~Matrix() {
    if (handle) XGDMatrixFree(handle);
  }
};

Status MakeMatrix(const std::vector<double>& x, size_t rows, size_t cols,
                  const std::vector<double>& y, Matrix& matrix) {
  const std::vector<float> values(x.begin(), x.end());
  const std::vector<float> labels(y.begin(), y.end());
  if (XGDMatrixCreateFromMat(values.data(), rows, cols, std::numeric_limits<float>::quiet_NaN(),
                             &matrix.handle) != 0) {
    return XgbError("matrix");
  }
  if (XGDMatrixSetFloatInfo(matrix.handle, "label", labels.data(), rows) != 0) {
    return XgbError("labels");
  }
  return Status::Ok();
}

std::vector<double> Rows(const std::vector<double>& x, size_t cols, const std::vector<int>& fold,
                         int which, bool keep) {
  std::vector<double> subset;
  for (size_t i = 0; i < fold.size(); ++i) {
    if ((fold[i] == which) == keep) subset.insert(subset.end(), &x[i * cols], &x[i * cols] + cols);
  }
  return subset;
}

}  // namespace

nlohmann::json GbdtParams::ToJson() const {
  return {{"max_depth", max_depth},
          {"eta", eta},
          {"subsample", subsample},
          {"colsample_bytree", colsample_bytree},
          {"min_child_weight", min_child_weight},
          {"lambda", lambda},
          {"rounds", rounds}};
}

void Gbdt::Free::operator()(void* handle) const { XGBoosterFree(handle); }

struct Gbdt::Compiled {
  std::once_flag once;
  std::optional<GbdtForest> forest;
  Status status;
};

Gbdt::Gbdt(void* handle, int threads)
    : booster_(handle), compiled_(std::make_shared<Compiled>()), threads_(std::max(threads, 1)) {}

Result<const GbdtForest*> Gbdt::Forest() const {
  // Predictions may come from several threads at once; the first compiles, the others wait.
  std::call_once(compiled_->once, [this] {
    bst_ulong length = 0;
    const char* json = nullptr;
    if (XGBoosterSaveModelToBuffer(booster_.get(), "{\"format\": \"json\"}", &length, &json) != 0) {
      compiled_->status = XgbError("model dump");
      return;
    }
    auto forest = GbdtForest::FromJson(std::string_view(json, length));
    if (!forest.ok()) {
      compiled_->status = forest.status();
      return;
    }
    compiled_->forest = std::move(*forest);
  });
  MIXRUN_RETURN_IF_ERROR(compiled_->status);
  return &*compiled_->forest;
}

Result<Gbdt> Gbdt::Train(const std::vector<double>& x, size_t rows, size_t cols,
                         const std::vector<double>& y, const GbdtParams& params, int threads,
                         uint64_t seed) {
  Matrix train;
  MIXRUN_RETURN_IF_ERROR(MakeMatrix(x, rows, cols, y, train));
  BoosterHandle handle = nullptr;
  if (XGBoosterCreate(&train.handle, 1, &handle) != 0) return XgbError("create");
  Gbdt model(handle, threads);
  const std::vector<std::pair<std::string, std::string>> settings = {
      {"objective", "reg:squarederror"},
      {"tree_method", "hist"},
      {"max_depth", std::to_string(params.max_depth)},
      {"eta", Number(params.eta)},
      {"subsample", Number(params.subsample)},
      {"colsample_bytree", Number(params.colsample_bytree)},
      {"min_child_weight", Number(params.min_child_weight)},
      {"lambda", Number(params.lambda)},
      {"nthread", std::to_string(threads)},
      {"seed", std::to_string(seed % 2147483647ULL)},
      {"verbosity", "0"}};
  for (const auto& [name, value] : settings) {
    if (XGBoosterSetParam(handle, name.c_str(), value.c_str()) != 0) return XgbError(name);
  }
  for (int round = 0; round < params.rounds; ++round) {
    if (XGBoosterUpdateOneIter(handle, round, train.handle) != 0) return XgbError("training");
  }
  return model;
}

Result<Gbdt> Gbdt::Load(std::string_view model_bytes, int threads) {
  BoosterHandle handle = nullptr;
  if (XGBoosterCreate(nullptr, 0, &handle) != 0) return XgbError("create");
  Gbdt model(handle, threads);
  if (XGBoosterLoadModelFromBuffer(handle, model_bytes.data(), model_bytes.size()) != 0) {
    return XgbError("load");
  }
  if (XGBoosterSetParam(handle, "nthread", std::to_string(threads).c_str()) != 0) {
    return XgbError("nthread");
  }
  return model;
}

Result<std::vector<double>> Gbdt::Predict(const double* x, size_t rows, size_t cols,
                                          int rounds) const {
  if (rows == 0) return std::vector<double>{};
  MIXRUN_ASSIGN_OR_RETURN(const GbdtForest* forest, Forest());
  if (cols != forest->num_features()) {
    return Status::InvalidInput("gbdt: rows of " + std::to_string(cols) +
                                " values for a model of " + std::to_string(forest->num_features()) +
                                " features");
  }
  const std::vector<float> predicted =
      forest->Predict(x, rows, static_cast<size_t>(std::max(rounds, 0)), threads_);
  return std::vector<double>(predicted.begin(), predicted.end());
}

Result<std::vector<double>> Gbdt::PredictByBooster(const double* x, size_t rows, size_t cols,
                                                   int rounds) const {
  if (rows == 0) return std::vector<double>{};
  // In-place prediction reads the caller's doubles through an __array_interface__.
  const std::string values = std::string("{\"data\": [")
                                 .append(std::to_string(reinterpret_cast<uintptr_t>(x)))
                                 .append(", true], \"shape\": [")
                                 .append(std::to_string(rows))
                                 .append(", ")
                                 .append(std::to_string(cols))
                                 .append("], \"typestr\": \"<f8\", \"version\": 3}");
  const std::string config =
      std::string("{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": ")
          .append(std::to_string(rounds))
          .append(", \"strict_shape\": false, \"missing\": NaN, \"cache_id\": 0}");
  const bst_ulong* shape = nullptr;
  bst_ulong dims = 0;
  const float* result = nullptr;
  if (XGBoosterPredictFromDense(booster_.get(), values.c_str(), config.c_str(), nullptr, &shape,
                                &dims, &result) != 0) {
    return XgbError("prediction");
  }
  return std::vector<double>(result, result + rows);
}

Result<std::string> Gbdt::Save() const {
  bst_ulong length = 0;
  const char* bytes = nullptr;
  if (XGBoosterSaveModelToBuffer(booster_.get(), "{\"format\": \"ubj\"}", &length, &bytes) != 0) {
    return XgbError("save");
  }
  return std::string(bytes, length);
}

Result<GbdtChoice> ChooseGbdtParams(const std::vector<double>& x, size_t rows, size_t cols,
                                    const std::vector<double>& y, int folds, int threads,
                                    uint64_t seed) {
  constexpr int kMaxRounds = 1000, kCheckEvery = 50, kCheckpoints = kMaxRounds / kCheckEvery;
  const std::vector<int> kDepths = {3, 4, 6};
  const std::vector<int> fold = RowFolds(rows, folds, seed);
  // One single-threaded booster per (depth, fold), trained in parallel: on a few hundred rows
  // xgboost's own threads cost more in synchronisation than they gain.
  const size_t jobs = kDepths.size() * static_cast<size_t>(folds);
  // out_of_fold[depth][checkpoint][row]
  std::vector<std::vector<std::vector<double>>> out_of_fold(
      kDepths.size(), std::vector<std::vector<double>>(kCheckpoints, std::vector<double>(rows)));
  std::vector<Status> failures(jobs);
  ParallelFor(jobs, threads, [&](size_t job) {
    const size_t d = job / folds;
    const int f = static_cast<int>(job % folds);
    GbdtParams params;
    params.max_depth = kDepths[d];
    params.rounds = kMaxRounds;
    const std::vector<double> fit_x = Rows(x, cols, fold, f, false);
    const std::vector<double> held_x = Rows(x, cols, fold, f, true);
    std::vector<double> fit_y;
    for (size_t i = 0; i < rows; ++i) {
      if (fold[i] != f) fit_y.push_back(y[i]);
    }
    auto model = Gbdt::Train(fit_x, fit_y.size(), cols, fit_y, params, 1, seed);
    if (!model.ok()) {
      failures[job] = model.status();
      return;
    }
    for (int c = 0; c < kCheckpoints; ++c) {
      auto predicted =
          model->Predict(held_x.data(), held_x.size() / cols, cols, (c + 1) * kCheckEvery);
      if (!predicted.ok()) {
        failures[job] = predicted.status();
        return;
      }
      for (size_t i = 0, h = 0; i < rows; ++i) {
        if (fold[i] == f) out_of_fold[d][c][i] = (*predicted)[h++];
      }
    }
  });
  for (const Status& failure : failures) MIXRUN_RETURN_IF_ERROR(failure);

  GbdtChoice choice;
  choice.cv_rmse = std::numeric_limits<double>::infinity();
  choice.grid = nlohmann::json::array();
  for (size_t d = 0; d < kDepths.size(); ++d) {
    for (int c = 0; c < kCheckpoints; ++c) {
      const Accuracy accuracy = MeasureAccuracy(out_of_fold[d][c], y);
      const int rounds = (c + 1) * kCheckEvery;
      choice.grid.push_back({{"max_depth", kDepths[d]},
                             {"rounds", rounds},
                             {"cv_rmse", accuracy.rmse},
                             {"cv_spearman", accuracy.spearman}});
      if (accuracy.rmse < choice.cv_rmse) {
        choice.cv_rmse = accuracy.rmse;
        choice.cv_spearman = accuracy.spearman;
        choice.params.max_depth = kDepths[d];
        choice.params.rounds = rounds;
      }
    }
  }
  return choice;
}

}  // namespace mixrun
