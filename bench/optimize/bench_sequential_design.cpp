// Benchmark: how many runs RegMix's one-shot procedure (random Dirichlet(prior) design, one regmix
// fit, simulate-and-rank) needs to recommend a mixture within 0.01 of the best of 100,000
// Dirichlet(prior) candidates, against the simulated oracle (testing/simulated_oracle.h: RegMix's
// gbdt on all 768 1M runs, plus Gaussian noise of its CV residual size). For each model and run
// count: the median over seeds of the oracle's true loss at the recommendation, its gap to the
// best, and the time. Usage: bench_sequential_design [SEEDS] [MODELS] [CSV_OUT]
//   SEEDS default 10; MODELS a comma list, default "gbdt,linear"; CSV_OUT every (model, n, seed).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/percentile.h"
#include "testing/simulated_oracle.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::atoi(argv[1]) : 10;
  std::vector<std::string> models;
  {
    std::stringstream list(argc > 2 ? argv[2] : "gbdt,linear");
    for (std::string model; std::getline(list, model, ',');) models.push_back(model);
  }
  std::ofstream csv;
  if (argc > 3) {
    csv.open(argv[3]);
    csv << "model,runs,seed,true_loss,predicted,seconds\n";
  }
  // The counts, then 768 and 1024 in case the median gap is not yet within tolerance.
  const std::vector<int> run_counts = {16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024};
  constexpr double kTolerance = 0.01;

  auto start = std::chrono::steady_clock::now();
  auto oracle = mixrun::testing::SimulatedOracle::Create();
  if (!oracle.ok()) {
    std::fprintf(stderr, "oracle: %s\n", oracle.status().message().c_str());
    return 1;
  }
  const double oracle_seconds = Seconds(start);
  const auto& stats = oracle->report().stats;
  std::printf("oracle: regmix gbdt on %zu runs, %zu domains, fitted in %.1f s\n",
              oracle->runs().size(), oracle->domains().size(), oracle_seconds);
  std::printf("  in-sample RMSE %.4f, Spearman %.4f; %d-fold out-of-fold RMSE %.4f\n",
              stats.in_sample.rmse, stats.in_sample.spearman, stats.kfold ? stats.kfold->k : 0,
              stats.kfold ? stats.kfold->accuracy.rmse : NAN);
  std::printf("noise SD (RMS of the out-of-fold residuals): %.4f\n", oracle->noise_sd());

  start = std::chrono::steady_clock::now();
  auto best = oracle->BestOfCandidates(100000, 42);
  if (!best.ok()) return 1;
  std::printf("best of 100,000 Dirichlet(prior) candidates (seed 42): %.4f (%.2f s)\n", best->loss,
              Seconds(start));
  for (uint64_t seed : {7, 2024}) {
    auto other = oracle->BestOfCandidates(100000, seed);
    if (other.ok()) std::printf("  (seed %llu: %.4f)\n", (unsigned long long)seed, other->loss);
  }
  double observed_best = INFINITY;
  for (const auto& run : oracle->runs()) {
    observed_best = std::min(observed_best, run.metrics.at(mixrun::testing::kOracleMetric));
  }
  std::printf("best observed of the 768 runs (measured): %.4f\n", observed_best);
  // The procedure's floor: simulate-and-rank on the oracle itself (a perfect, noiseless model).
  for (int top_k : {128, 1}) {
    mixrun::testing::RegmixProcedureOptions options;
    options.top_k = top_k;
    std::vector<double> floor;
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      auto outcome = mixrun::testing::RecommendBySimulate(*oracle, oracle->report(), oracle->runs(),
                                                          seed, options);
      if (outcome.ok()) floor.push_back(outcome->true_loss - best->loss);
    }
    std::printf("floor: simulate top-%d on the oracle itself, gap %.4f (median of 3 seeds)\n",
                top_k, mixrun::Percentile(floor, 0.5));
  }

  for (const std::string& model : models) {
    std::printf("\nRegMix's procedure, regmix %s, median over %d seeds (gap = loss - best):\n",
                model.c_str(), seeds);
    std::printf("%6s %10s %10s %10s %10s %9s\n", "runs", "true loss", "gap", "gap q25", "gap q75",
                "s/study");
    std::optional<int> needed;
    for (int n : run_counts) {
      std::vector<double> gaps;
      double seconds = 0;
      std::string failure;
      for (int seed = 1; seed <= seeds; ++seed) {
        mixrun::testing::RegmixProcedureOptions options;
        options.model = model;
        const auto t = std::chrono::steady_clock::now();
        auto outcome = mixrun::testing::RegmixProcedure(*oracle, n, seed, options);
        const double s = Seconds(t);
        seconds += s;
        if (!outcome.ok()) {
          failure = outcome.status().message();
          break;
        }
        gaps.push_back(outcome->true_loss - best->loss);
        if (csv.is_open()) {
          csv << model << "," << n << "," << seed << "," << outcome->true_loss << ","
              << outcome->predicted << "," << s << "\n";
        }
      }
      if (!failure.empty()) {
        std::printf("%6d  n/a: %s\n", n, failure.c_str());
        continue;
      }
      const double gap = mixrun::Percentile(gaps, 0.5);
      if (!needed && gap <= kTolerance) needed = n;
      std::printf("%6d %10.4f %10.4f %10.4f %10.4f %9.2f\n", n, best->loss + gap, gap,
                  mixrun::Percentile(gaps, 0.25), mixrun::Percentile(gaps, 0.75), seconds / seeds);
      std::fflush(stdout);
    }
    if (needed) {
      std::printf("RegMix (%s) needs %d runs (median gap <= %.2f)\n", model.c_str(), *needed,
                  kTolerance);
    } else {
      std::printf("RegMix (%s) needs more than %d runs (median gap > %.2f throughout)\n",
                  model.c_str(), run_counts.back(), kTolerance);
    }
  }
  return 0;
}
