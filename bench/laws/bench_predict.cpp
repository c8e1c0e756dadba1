// Benchmark: batch prediction of 1,000,000 random mixtures under stored RegMix fits (linear and
// gbdt), as `recommend` does when it simulates candidates. Usage: bench_predict [ROWS]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "catalog/catalog.h"
#include "common/random.h"
#include "testing/reference_data.h"

int main(int argc, char** argv) {
  const size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  auto train = mixrun::testing::LoadRegmix("train", "1m");
  if (!train.ok()) return 1;
  for (const char* model : {"linear", "gbdt"}) {
    mixrun::FitRequest request;
    request.law = "regmix";
    request.metric = "pile_cc_val_loss";
    request.model = model;
    auto report = mixrun::FitLaw(request, *train, {});
    if (!report.ok()) return 1;
    auto fitted = mixrun::LoadFit("regmix", report->options, report->ParamsJson());
    if (!fitted.ok()) return 1;
    const size_t cols = (*fitted)->domains().size();
    std::vector<double> weights(rows * cols);
    mixrun::Rng rng(1);
    for (size_t r = 0; r < rows; ++r) {
      double total = 0;
      for (size_t j = 0; j < cols; ++j)
        total += weights[r * cols + j] = -std::log(1 - rng.Uniform());
      for (size_t j = 0; j < cols; ++j) weights[r * cols + j] /= total;
    }
    const auto start = std::chrono::steady_clock::now();
    auto predictions = (*fitted)->PredictMixtures(weights, rows);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!predictions.ok()) return 1;
    std::printf("%-6s %zu mixtures predicted in %.3f s\n", model, rows, seconds);
  }
  return 0;
}
