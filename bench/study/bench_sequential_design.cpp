// Benchmark: how many runs RegMix's one-shot procedure (random Dirichlet(prior) design, one regmix
// fit, simulate-and-rank) needs to recommend a mixture within 0.01 of the best of 100,000
// Dirichlet(prior) candidates, against the simulated oracle (testing/simulated_oracle.h: RegMix's
// gbdt on all 768 1M runs, plus Gaussian noise of its CV residual size). For each model and run
// count: the median over seeds of the oracle's true loss at the recommendation, its gap to the
// best, and the time. Usage: bench_sequential_design [SEEDS] [MODELS] [CSV_OUT] [TOP_KS]
//   SEEDS default 10; MODELS default "gbdt,linear"; CSV_OUT every (model, k, n, seed); TOP_KS the
//   simulate top-k to rank each fit by, RegMix's 128 first (default "128,16,1").
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
  std::vector<int> top_ks;
  {
    std::stringstream list(argc > 4 ? argv[4] : "128,16,1");
    for (std::string k; std::getline(list, k, ',');) top_ks.push_back(std::atoi(k.c_str()));
  }
  std::ofstream csv;
  if (argc > 3) {
    csv.open(argv[3]);
    csv << "model,top_k,runs,seed,true_loss,predicted\n";
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
  for (int top_k : top_ks) {
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

  // RegMix averages the top 128; smaller k are the same fits ranked differently (one fit per
  // (model, runs, seed), each k one more simulate), to see what the averaging costs.
  for (const std::string& model : models) {
    std::printf("\nRegMix's procedure, regmix %s, median over %d seeds (gap = loss - best):\n",
                model.c_str(), seeds);
    std::printf("%6s %10s %10s %10s %10s", "runs", "true loss", "gap", "gap q25", "gap q75");
    for (size_t i = 1; i < top_ks.size(); ++i) std::printf("  gap top-%-4d", top_ks[i]);
    std::printf(" %9s\n", "s/study");
    std::vector<std::optional<int>> needed(top_ks.size());
    for (int n : run_counts) {
      std::vector<std::vector<double>> gaps(top_ks.size());
      double seconds = 0;
      std::string failure;
      for (int seed = 1; seed <= seeds && failure.empty(); ++seed) {
        mixrun::testing::RegmixProcedureOptions options;
        options.model = model;
        const auto t = std::chrono::steady_clock::now();
        auto fit = mixrun::testing::FitRegmixDesign(*oracle, n, seed, options);
        if (!fit.ok()) {
          failure = fit.status().message();
          break;
        }
        for (size_t i = 0; i < top_ks.size(); ++i) {
          options.top_k = top_ks[i];
          auto outcome = mixrun::testing::RecommendBySimulate(
              *oracle, fit->report, fit->runs, mixrun::testing::SimulatedOracle::SubSeed(seed, 1),
              options);
          if (!outcome.ok()) {
            failure = outcome.status().message();
            break;
          }
          gaps[i].push_back(outcome->true_loss - best->loss);
          if (csv.is_open()) {
            csv << model << "," << top_ks[i] << "," << n << "," << seed << "," << outcome->true_loss
                << "," << outcome->predicted << "\n";
          }
          // The time of RegMix's procedure: design, fit and its own top-k simulate.
          if (i == 0) seconds += Seconds(t);
        }
      }
      if (!failure.empty()) {
        std::printf("%6d  n/a: %s\n", n, failure.c_str());
        continue;
      }
      for (size_t i = 0; i < top_ks.size(); ++i) {
        if (!needed[i] && mixrun::Percentile(gaps[i], 0.5) <= kTolerance) needed[i] = n;
      }
      const double gap = mixrun::Percentile(gaps[0], 0.5);
      std::printf("%6d %10.4f %10.4f %10.4f %10.4f", n, best->loss + gap, gap,
                  mixrun::Percentile(gaps[0], 0.25), mixrun::Percentile(gaps[0], 0.75));
      for (size_t i = 1; i < top_ks.size(); ++i) {
        std::printf("  %12.4f", mixrun::Percentile(gaps[i], 0.5));
      }
      std::printf(" %9.2f\n", seconds / seeds);
      std::fflush(stdout);
    }
    for (size_t i = 0; i < top_ks.size(); ++i) {
      if (needed[i]) {
        std::printf("RegMix (%s, top-%d) needs %d runs (median gap <= %.2f)\n", model.c_str(),
                    top_ks[i], *needed[i], kTolerance);
      } else {
        std::printf("RegMix (%s, top-%d) needs more than %d runs (median gap > %.2f throughout)\n",
                    model.c_str(), top_ks[i], run_counts.back(), kTolerance);
      }
    }
  }
  return 0;
}
