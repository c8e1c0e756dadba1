// Benchmark: the joint mixture-and-scale law (fit-law mixscale --form joint) on the SlimPajama runs
// with N <= 680M (1748 runs, 7 domains, one law each, target their mean) with 200 bootstrap refits
// and the calibrating cross-validation, against scipy's least_squares on the same problem and
// protocol (reference_mixscale.py). Target: <= 10 s on 2 cores, >= 30x faster than scipy.
// Usage: bench_mixscale [--no-python] [--threads T] [--bootstrap B] [--scipy-refits R]
//   scipy's bootstrap is timed on R refits per domain (default 20) and extrapolated to B.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "bench_timing.h"
#include "catalog/catalog.h"
#include "python_reference.h"
#include "testing/reference_data.h"

using mixrun::bench::Seconds;

int main(int argc, char** argv) {
  bool run_python = true;
  int threads = 2, bootstrap = 200, scipy_refits = 20;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--no-python")) run_python = false;
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--bootstrap") && i + 1 < argc) bootstrap = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--scipy-refits") && i + 1 < argc) {
      scipy_refits = std::atoi(argv[++i]);
    }
  }
  auto runs = mixrun::testing::LoadSlimpajama(0, 6.8e8);
  if (!runs.ok()) {
    std::fprintf(stderr, "%s\n", runs.status().message().c_str());
    return 1;
  }
  mixrun::FitRequest request;
  request.law = "mixscale";
  request.form = "joint";
  request.threads = threads;
  request.bootstrap = bootstrap;
  const auto& domains = mixrun::testing::SlimpajamaDomains();
  for (const std::string& domain : domains) {
    request.domain_metrics.push_back("eval/" + domain + "/loss");
    request.target_weights["eval/" + domain + "/loss"] = 1.0 / domains.size();
  }
  const auto start = std::chrono::steady_clock::now();
  auto report = mixrun::FitLaw(request, *runs, {});
  const double seconds = Seconds(start);
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.status().message().c_str());
    return 1;
  }
  std::printf("joint law, %zu runs x %zu domains, %zu bootstrap refits, %d threads\n", runs->size(),
              domains.size(), report->stats.bootstrap, threads);
  std::printf("mixrun  %8.2f s  (target <= 10 s)\n", seconds);
  const nlohmann::json& fitted = report->stats.extra.at("domains");
  if (!run_python) return 0;

  const auto reference = mixrun::bench::RunPythonReference(
      "reference_mixscale.py", mixrun::testing::SharedData("slimpajama-mixtures/runs.csv") +
                                   " --refits " + std::to_string(scipy_refits) + " --bootstrap " +
                                   std::to_string(bootstrap));
  if (!reference) return 1;
  const double scipy_seconds = (*reference)["seconds_total"].get<double>();
  std::printf(
      "scipy   %8.2f s  (fits %.1f s, folds %.1f s, %.3f s per refit timed on %d, x %d x %zu)\n",
      scipy_seconds, (*reference)["seconds_fit"].get<double>(),
      (*reference)["seconds_folds"].get<double>(), (*reference)["seconds_per_refit"].get<double>(),
      (*reference)["refits_timed"].get<int>(), bootstrap, domains.size());
  std::printf("speed-up: %.1fx (target >= 30x)\n", scipy_seconds / seconds);
  std::printf("%-14s %12s %12s\n", "objective", "mixrun", "scipy");
  for (const std::string& domain : domains) {
    const double ours = fitted.at("eval/" + domain + "/loss").at("objective").get<double>();
    const double theirs = (*reference)["objectives"][domain].get<double>();
    std::printf("%-14s %12.7f %12.7f\n", domain.c_str(), ours, theirs);
  }
  return 0;
}
