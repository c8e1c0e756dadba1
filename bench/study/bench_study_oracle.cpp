// Benchmark: mixrun's closed loop (study/study_loop.h) against the simulated oracle
// (testing/simulated_study.h), beside RegMix's one-shot procedure at the same run counts. For each
// run count the median over seeds of the oracle's true loss at each procedure's recommendation and
// its gap to the best of 100,000 Dirichlet(prior) candidates.
// Usage: bench_study_oracle [--seeds N] [--first-seed S] [--model M] [--method simulate|optimize]
//   [--top-k K] [--bootstrap B] [--explore X] [--strength S] [--min-distance D] [--initial N]
//   [--budget N] [--batch K] [--noise SD] [--no-regmix] [--csv FILE]
//   --noise replaces the oracle's noise SD (its CV residual size, 0.05), to see what noise costs.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/percentile.h"
#include "testing/simulated_study.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args = {
      {"seeds", "10"},     {"model", "gbdt"},   {"method", "simulate"}, {"top-k", "1"},
      {"bootstrap", "20"}, {"explore", "0.75"}, {"strength", "1"},      {"min-distance", "0.05"},
      {"initial", "16"},   {"budget", "96"},    {"batch", "8"},         {"csv", ""},
      {"regmix", "1"},     {"noise", ""},       {"first-seed", "1"}};
  for (int i = 1; i < argc; ++i) {
    std::string key = argv[i];
    if (key.rfind("--", 0) != 0) return std::fprintf(stderr, "bad argument %s\n", argv[i]), 2;
    key = key.substr(2);
    if (key == "no-regmix") {
      args["regmix"] = "0";
    } else if (i + 1 < argc && args.count(key)) {
      args[key] = argv[++i];
    } else {
      return std::fprintf(stderr, "unknown or incomplete option --%s\n", key.c_str()), 2;
    }
  }
  const int seeds = std::stoi(args["seeds"]);
  // Seeds first-seed, ..., first-seed + seeds - 1: a long study can be run in parts.
  const int first_seed = std::stoi(args["first-seed"]);
  const int initial = std::stoi(args["initial"]);
  constexpr double kTolerance = 0.01;

  auto oracle = mixrun::testing::SimulatedOracle::Create();
  if (!oracle.ok())
    return std::fprintf(stderr, "oracle: %s\n", oracle.status().message().c_str()), 1;
  if (!args["noise"].empty()) oracle->set_noise_sd(std::stod(args["noise"]));
  auto best = oracle->BestOfCandidates(100000, 42);
  if (!best.ok()) return 1;
  std::printf("oracle noise SD %.4f; best of 100,000 Dirichlet(prior) candidates %.4f at",
              oracle->noise_sd(), best->loss);
  for (size_t j = 0; j < oracle->domains().size(); ++j) {
    if (best->mixture[j] >= 0.02) {
      std::printf(" %s %.2f", oracle->domains()[j].c_str(), best->mixture[j]);
    }
  }
  std::printf("\n");

  std::ofstream csv;
  if (!args["csv"].empty()) {
    csv.open(args["csv"]);
    csv << "procedure,runs,seed,true_loss,predicted,width\n";
  }
  std::map<int, std::vector<double>> study_gaps, regmix_gaps, widths;
  double study_seconds = 0;
  for (int seed = first_seed; seed < first_seed + seeds; ++seed) {
    mixrun::StudyOptions options = mixrun::testing::OracleStudyOptions(
        args["model"], std::stoi(args["budget"]), std::stoi(args["batch"]),
        std::stoi(args["bootstrap"]), static_cast<uint64_t>(seed));
    options.suggest.explore = std::stod(args["explore"]);
    options.suggest.strength = std::stod(args["strength"]);
    options.suggest.min_distance = std::stod(args["min-distance"]);
    options.suggest.recommend.method = args["method"];
    options.suggest.recommend.simulate.top_k = std::stoi(args["top-k"]);
    const auto t = std::chrono::steady_clock::now();
    auto rounds = mixrun::testing::RunOracleStudy(*oracle, initial, seed, options);
    study_seconds += Seconds(t);
    if (!rounds.ok()) {
      std::fprintf(stderr, "study seed %d: %s\n", seed, rounds.status().message().c_str());
      return 1;
    }
    std::printf("seed %2d study:", seed);
    for (const auto& r : *rounds) {
      study_gaps[r.runs].push_back(r.true_loss - best->loss);
      widths[r.runs].push_back(r.width);
      std::printf(" %d:%.3f", r.runs, r.true_loss - best->loss);
      if (csv.is_open()) {
        csv << "study," << r.runs << "," << seed << "," << r.true_loss << "," << r.predicted << ","
            << r.width << "\n";
      }
    }
    // The final decision's main domains.
    std::printf("  (%.0f s) final:", Seconds(t));
    for (size_t j = 0; j < oracle->domains().size(); ++j) {
      const double w = rounds->back().mixture[j];
      if (w >= 0.02) std::printf(" %s %.2f", oracle->domains()[j].c_str(), w);
    }
    std::printf("\n");
    std::fflush(stdout);
    if (args["regmix"] != "1") continue;
    std::printf("seed %2d regmix:", seed);
    for (const auto& r : *rounds) {
      mixrun::testing::RegmixProcedureOptions regmix;
      regmix.model = args["model"];
      auto outcome = mixrun::testing::RegmixProcedure(*oracle, r.runs, seed, regmix);
      if (!outcome.ok()) continue;  // linear needs ≥ 18 runs
      regmix_gaps[r.runs].push_back(outcome->true_loss - best->loss);
      std::printf(" %d:%.3f", r.runs, outcome->true_loss - best->loss);
      if (csv.is_open()) {
        csv << "regmix," << r.runs << "," << seed << "," << outcome->true_loss << ","
            << outcome->predicted << ",\n";
      }
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  std::printf("\nmedian over %d seeds (gap = oracle loss of the recommendation - best):\n", seeds);
  std::printf("%6s %10s %10s %10s %12s %10s\n", "runs", "study gap", "q25", "q75", "PI width",
              "RegMix gap");
  int study_needed = 0;
  for (auto& [runs, gaps] : study_gaps) {
    const double gap = mixrun::Percentile(gaps, 0.5);
    if (!study_needed && gap <= kTolerance) study_needed = runs;
    std::printf("%6d %10.4f %10.4f %10.4f %12.4f", runs, gap, mixrun::Percentile(gaps, 0.25),
                mixrun::Percentile(gaps, 0.75), mixrun::Percentile(widths[runs], 0.5));
    if (regmix_gaps.count(runs)) {
      std::printf(" %10.4f", mixrun::Percentile(regmix_gaps[runs], 0.5));
    }
    std::printf("\n");
  }
  std::printf("study: %.1f s per study; ", study_seconds / seeds);
  if (study_needed) {
    std::printf("median gap <= %.2f from %d runs\n", kTolerance, study_needed);
  } else {
    std::printf("median gap > %.2f throughout\n", kTolerance);
  }
  return 0;
}
