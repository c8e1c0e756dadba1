// Benchmark: recommend's simulate (RegMix's procedure) on 1,000,000 candidates under RegMix's
// linear and gbdt fits (512 runs of 1M models, Pile-CC loss, the Pile token prior), on 1 and 2
// threads, against the naive path (one FittedLaw::Predict per candidate); the gbdt fit's compiled
// forest against xgboost's own in-place prediction on the same candidates (time and largest
// difference); and Dirichlet sampling of SAMPLES × 17 weights, batched (simulate's) against one
// DirichletVariate per row. run.sh adds a numpy reference for the linear case.
// Usage: bench_simulate [SAMPLES] [LINEAR_JSON_OUT]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "catalog/catalog.h"
#include "common/parallel.h"
#include "common/random.h"
#include "mixture/prior.h"
#include "optimize/recommend.h"
#include "optimize/simulate.h"
#include "regress/base64.h"
#include "regress/gbdt.h"
#include "testing/reference_data.h"

namespace {

using mixrun::Result;

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The naive path: each candidate drawn as simulate draws it, predicted alone through Predict.
double NaiveSeconds(const mixrun::FittedLaw& law, const mixrun::Constraints& c,
                    const std::vector<double>& prior, size_t rows) {
  const auto start = std::chrono::steady_clock::now();
  mixrun::Rng rng(42);
  std::vector<double> d(prior.size());
  mixrun::RunPoint point;
  double best = INFINITY;
  for (size_t r = 0; r < rows;) {
    mixrun::DirichletVariate(rng, prior, d.data());
    bool inside = true;
    for (size_t j = 0; j < d.size(); ++j) inside = inside && d[j] <= c.hi[j];
    if (!inside) continue;
    for (size_t j = 0; j < d.size(); ++j) point.weights[c.domains[j]] = d[j];
    best = std::min(best, law.Predict(point).value());
    ++r;
  }
  if (!(best > 0)) std::printf("(unexpected best %g)\n", best);
  return Seconds(start);
}

// SAMPLES Dirichlet(prior) rows in simulate's blocks of 4096 (stream = block), on `threads`.
std::vector<double> DirichletBlocks(const std::vector<double>& prior, size_t rows, int threads,
                                    double* seconds) {
  constexpr size_t kBlock = 4096;
  const size_t m = prior.size();
  std::vector<double> out(rows * m);
  const auto start = std::chrono::steady_clock::now();
  mixrun::ParallelFor((rows + kBlock - 1) / kBlock, threads, [&](size_t block) {
    mixrun::Rng rng(42, block);
    const size_t count = std::min(kBlock, rows - block * kBlock);
    mixrun::DirichletRows(rng, prior, count, out.data() + block * kBlock * m);
  });
  *seconds = Seconds(start);
  return out;
}

void BenchDirichlet(const std::vector<double>& prior, size_t rows) {
  for (int threads : {1, 2}) {
    double seconds = 0;
    DirichletBlocks(prior, rows, threads, &seconds);
    std::printf("dirichlet %zu x %zu batched (DirichletRows): %.3f s on %d thread(s)\n", rows,
                prior.size(), seconds, threads);
  }
  const auto start = std::chrono::steady_clock::now();
  mixrun::Rng rng(42);
  std::vector<double> row(prior.size());
  double sum = 0;
  for (size_t r = 0; r < rows; ++r) {
    mixrun::DirichletVariate(rng, prior, row.data());
    sum += row[0];
  }
  std::printf(
      "dirichlet %zu x %zu one DirichletVariate per row: %.3f s on 1 thread (mean w0 %.4f)\n", rows,
      prior.size(), Seconds(start), sum / rows);
}

// The gbdt fit's booster predicting `rows` candidates: the compiled forest (mixrun's one path)
// and xgboost's in-place prediction on its own threads, timed, and their largest difference.
int BenchGbdtPrediction(const nlohmann::json& state, const std::vector<double>& prior,
                        size_t rows) {
  auto bytes = mixrun::Base64Decode(state.at("fit").get<std::string>());
  if (!bytes.ok()) return 1;
  double ignored = 0;
  const std::vector<double> x = DirichletBlocks(prior, rows, 2, &ignored);
  const size_t m = prior.size();
  std::vector<double> forest, booster;
  for (int threads : {1, 2}) {
    auto model = mixrun::Gbdt::Load(*bytes, threads);
    if (!model.ok()) return 1;
    model->Predict(x.data(), 1, m).value();  // compiles the forest, outside the timing
    auto start = std::chrono::steady_clock::now();
    forest = model->Predict(x.data(), rows, m).value();
    const double forest_s = Seconds(start);
    start = std::chrono::steady_clock::now();
    booster = model->PredictByBooster(x.data(), rows, m).value();
    const double booster_s = Seconds(start);
    std::printf(
        "gbdt   predict %zu candidates: compiled forest %.3f s, xgboost's own prediction %.3f s on "
        "%d thread(s) (%.1fx)\n",
        rows, forest_s, booster_s, threads, booster_s / forest_s);
  }
  double worst = 0;
  size_t differ = 0;
  for (size_t r = 0; r < rows; ++r) {
    worst = std::max(worst, std::abs(forest[r] - booster[r]));
    differ += forest[r] != booster[r];
  }
  std::printf("gbdt   forest vs booster on %zu candidates: %zu differ, largest difference %.3g\n",
              rows, differ, worst);
  return worst <= 1e-6 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t samples = argc > 1 ? std::strtoll(argv[1], nullptr, 10) : 1000000;
  const std::string linear_out = argc > 2 ? argv[2] : "";
  auto runs = mixrun::testing::LoadRegmix("train", "1m");
  if (!runs.ok()) return 1;
  for (const char* model : {"linear", "gbdt"}) {
    mixrun::FitRequest request;
    request.law = "regmix";
    request.metric = "pile_cc_val_loss";
    request.model = model;
    auto report = mixrun::FitLaw(request, *runs, {});
    if (!report.ok()) return 1;
    auto fitted = mixrun::LoadFit("regmix", report->options, report->ParamsJson());
    if (!fitted.ok()) return 1;
    const std::vector<std::string> domains = (*fitted)->domains();
    auto prior =
        mixrun::ReadPriorFile(mixrun::testing::SharedData("regmix/pile_token_prior.json"), domains);
    if (!prior.ok()) return 1;
    std::vector<double> shares;
    for (const auto& domain : domains) shares.push_back(prior->shares.at(domain));
    mixrun::ConstraintSpec spec;
    spec.domains = domains;
    spec.observed = mixrun::ObservedRanges(*runs, domains);
    auto constraints = mixrun::BuildConstraints(spec);
    if (!constraints.ok()) return 1;

    if (std::string(model) == "linear" && !linear_out.empty()) {
      nlohmann::json dump = report->state;
      dump["observed_max"] = nlohmann::json::object();
      for (size_t j = 0; j < domains.size(); ++j) {
        dump["observed_max"][domains[j]] = constraints->hi[j];
      }
      dump["prior"] = prior->shares;
      std::ofstream(linear_out) << dump.dump();
    }

    double mixture_pile_cc = 0, seconds[3] = {0, 0, 0};
    for (int threads : {1, 2}) {
      auto objective = mixrun::Objective::Create({{fitted->get(), 1.0}}, shares, 0, threads);
      if (!objective.ok()) return 1;
      mixrun::SimulateOptions options;
      options.samples = samples;
      options.top_k = 128;
      const auto start = std::chrono::steady_clock::now();
      auto result = mixrun::Simulate(*objective, *constraints, shares, options);
      seconds[threads] = Seconds(start);
      if (!result.ok()) return 1;
      mixture_pile_cc =
          result->mixture[std::find(domains.begin(), domains.end(), "pile_cc") - domains.begin()];
      std::printf("%-6s simulate %lld candidates (%lld drawn), top 128: %.3f s on %d thread(s)\n",
                  model, static_cast<long long>(result->accepted),
                  static_cast<long long>(result->drawn), seconds[threads], threads);
    }
    std::printf("%-6s recommended pile_cc %.4f\n", model, mixture_pile_cc);
    if (std::string(model) == "gbdt") {
      if (BenchGbdtPrediction(report->state, shares, static_cast<size_t>(samples)) != 0) return 1;
      BenchDirichlet(shares, static_cast<size_t>(samples));
    }
    // The naive path is measured on a slice and scaled (the gbdt one would take minutes).
    const size_t slice = std::string(model) == "linear" ? 100000 : 5000;
    const double naive =
        NaiveSeconds(**fitted, *constraints, shares, slice) * static_cast<double>(samples) / slice;
    std::printf(
        "%-6s naive one-Predict-per-candidate path: %.1f s for %lld (measured on %zu)"
        " -> simulate is %.0fx faster on 2 threads, %.0fx on 1\n",
        model, naive, static_cast<long long>(samples), slice, naive / seconds[2],
        naive / seconds[1]);
  }
  return 0;
}
