// The simulated oracle (testing/simulated_oracle.h) checked as a harness: it reproduces RegMix's
// runs, its noise is its CV residual size and deterministic per seed, its best-of-candidates target
// is a real target, and RegMix's own procedure on many runs gets near it.
#include "testing/simulated_oracle.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <numeric>

#include "fit/accuracy.h"

namespace mixrun::testing {
namespace {

const SimulatedOracle& Oracle() {
  auto shared = SimulatedOracle::Shared();
  REQUIRE_MESSAGE(shared.ok(), shared.status().message());
  return **shared;
}

double Sd(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double squares = 0;
  for (double value : values) squares += (value - mean) * (value - mean);
  return std::sqrt(squares / (n - 1));
}

TEST_CASE("simulated oracle: reproduces the 768 runs, noise of its CV size, a real target") {
  const SimulatedOracle& oracle = Oracle();
  REQUIRE(oracle.runs().size() == 768);
  REQUIRE(oracle.domains().size() == 17);
  REQUIRE(oracle.prior().size() == 17);
  CHECK(std::accumulate(oracle.prior().begin(), oracle.prior().end(), 0.0) == doctest::Approx(1.0));

  // In-sample: the oracle's loss at each run's mixture against the run's measured loss.
  const size_t m = oracle.domains().size(), n = oracle.runs().size();
  std::vector<double> rows, measured;
  for (const RunPoint& run : oracle.runs()) {
    const std::vector<double> w = oracle.ToWeights(run.weights);
    rows.insert(rows.end(), w.begin(), w.end());
    measured.push_back(run.metrics.at(kOracleMetric));
  }
  const std::vector<double> truth = oracle.TrueLoss(rows, n).value();
  const Accuracy in_sample = MeasureAccuracy(truth, measured);
  const double spread = Sd(measured);
  MESSAGE("in-sample RMSE " << in_sample.rmse << ", Spearman " << in_sample.spearman
                            << "; noise SD " << oracle.noise_sd() << "; SD of the losses "
                            << spread);
  // The fit the harness reports is the one it predicts with: the FittedLaw loaded back from the
  // report's JSON gives the report's own in-sample RMSE.
  CHECK(in_sample.rmse == doctest::Approx(oracle.report().stats.in_sample.rmse).epsilon(1e-6));
  // A model that reproduces its own training runs: far inside the runs' spread, below its own
  // out-of-fold error, and ranking them almost as measured.
  CHECK(in_sample.rmse < 0.25 * spread);
  CHECK(in_sample.rmse < oracle.noise_sd());
  CHECK(in_sample.spearman > 0.98);

  // The noise: the RMS of the out-of-fold residuals, which k-fold reports as its RMSE too.
  REQUIRE(oracle.report().stats.kfold);
  CHECK(oracle.noise_sd() ==
        doctest::Approx(oracle.report().stats.kfold->accuracy.rmse).epsilon(1e-9));
  CHECK(oracle.noise_sd() > 0);
  // Plausible: what a model that ranks held-out runs at Spearman ~0.99 misses is a small part of
  // how much the runs differ.
  CHECK(oracle.noise_sd() < 0.5 * spread);

  // The target: the best of 100,000 Dirichlet(prior) draws beats the oracle at every one of
  // RegMix's 768 designed mixtures (which were drawn around a tempered prior, not this one).
  const auto start = std::chrono::steady_clock::now();
  const ScoredMixture best = oracle.BestOfCandidates(100000, 42).value();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double best_run = *std::min_element(truth.begin(), truth.end());
  MESSAGE("best of 100,000: " << best.loss << " (" << seconds << " s); best of the 768 runs' "
                              << "oracle losses " << best_run);
  CHECK(best.loss < best_run);
  for (size_t j = 0; j < m; ++j) {
    if (best.mixture[j] >= 0.05)
      MESSAGE("  best: " << oracle.domains()[j] << " " << best.mixture[j]);
  }
  CHECK(std::accumulate(best.mixture.begin(), best.mixture.end(), 0.0) == doctest::Approx(1.0));
  CHECK(oracle.TrueLoss(best.mixture).value() == doctest::Approx(best.loss).epsilon(1e-12));
  // Another 100,000 draws find a target of about the same height: it is not one lucky draw.
  const ScoredMixture other = oracle.BestOfCandidates(100000, 7).value();
  CHECK(std::abs(other.loss - best.loss) < oracle.noise_sd());

  // Designs of one seed are nested; draws are on the simplex.
  const std::vector<double> small = oracle.DrawMixtures(16, 5), large = oracle.DrawMixtures(32, 5);
  CHECK(std::equal(small.begin(), small.end(), large.begin()));
  for (size_t r = 0; r < 32; ++r) {
    CHECK(std::accumulate(large.begin() + r * m, large.begin() + (r + 1) * m, 0.0) ==
          doctest::Approx(1.0));
  }
}

TEST_CASE("simulated oracle: noisy losses are deterministic per seed and of the stated SD") {
  const SimulatedOracle& oracle = Oracle();
  const std::vector<double> mixture = oracle.prior();
  const double truth = oracle.TrueLoss(mixture).value();
  CHECK(oracle.NoisyLoss(mixture, 11).value() == oracle.NoisyLoss(mixture, 11).value());
  CHECK(oracle.NoisyLoss(mixture, 11).value() != oracle.NoisyLoss(mixture, 12).value());
  const RunPoint run = oracle.NoisyRun(mixture, 11, 3).value();
  CHECK(run.run_id == 3);
  CHECK(run.metrics.at(kOracleMetric) == oracle.NoisyLoss(mixture, 11).value());
  CHECK(run.weights.size() == 17);

  // 4000 seeds: the noise has mean 0 (within 4 standard errors) and the oracle's SD (within 10%;
  // the SD of a sample SD of 4000 normals is about 1.1%).
  std::vector<double> noise;
  for (uint64_t seed = 0; seed < 4000; ++seed) {
    noise.push_back(oracle.NoisyLoss(mixture, SimulatedOracle::SubSeed(99, seed)).value() - truth);
  }
  const double mean = std::accumulate(noise.begin(), noise.end(), 0.0) / noise.size();
  CHECK(std::abs(mean) < 4 * oracle.noise_sd() / std::sqrt(4000.0));
  CHECK(Sd(noise) == doctest::Approx(oracle.noise_sd()).epsilon(0.1));
}

TEST_CASE("simulated oracle: RegMix's procedure with 512 runs lands near the best candidate") {
  const SimulatedOracle& oracle = Oracle();
  const ScoredMixture best = oracle.BestOfCandidates(100000, 42).value();
  // The loss of a typical Dirichlet(prior) mixture: what choosing at random gives.
  const std::vector<double> draws = oracle.DrawMixtures(2000, 3);
  std::vector<double> random_loss = oracle.TrueLoss(draws, 2000).value();
  std::sort(random_loss.begin(), random_loss.end());
  const double median_random = random_loss[1000];

  const auto start = std::chrono::steady_clock::now();
  auto outcome = RegmixProcedure(oracle, 512, 1);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE_MESSAGE(outcome.ok(), outcome.status().message());
  MESSAGE("RegMix gbdt, 512 runs: true loss "
          << outcome->true_loss << " (predicted " << outcome->predicted << "), best " << best.loss
          << ", median random " << median_random << "; " << seconds << " s");
  CHECK(outcome->runs == 512);
  for (size_t j = 0; j < oracle.domains().size(); ++j) {
    if (outcome->mixture[j] >= 0.05) {
      MESSAGE("  recommended: " << oracle.domains()[j] << " " << outcome->mixture[j]);
    }
  }
  CHECK(std::accumulate(outcome->mixture.begin(), outcome->mixture.end(), 0.0) ==
        doctest::Approx(1.0));
  // Closes most of the way from a random mixture to the best candidate. (Not within the issue's
  // 0.01: how many runs RegMix needs for that is what bench_sequential_design measures.)
  CHECK(outcome->true_loss - best.loss < 0.1 * (median_random - best.loss));
  // The fit believes its recommendation about as good as it is: within a few noise SDs.
  CHECK(std::abs(outcome->predicted - outcome->true_loss) < 3 * oracle.noise_sd());
}

}  // namespace
}  // namespace mixrun::testing
