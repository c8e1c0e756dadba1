// Benchmark: the Chinchilla fit on Epoch's 240 points (4500 starts) in mixrun against scipy's
// L-BFGS-B from the same starts (reference_chinchilla.py), and 4000 bootstrap refits.
// Usage: bench_chinchilla [--no-python] [--threads T] [--repeats R]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "bench_timing.h"
#include "catalog/catalog.h"
#include "python_reference.h"
#include "testing/reference_data.h"

namespace {

void PrintParams(const char* who, double seconds, double objective,
                 const std::map<std::string, double>& p) {
  std::printf("%-8s %8.3f s  objective %.7e  A %.2f  B %.1f  E %.5f  alpha %.6f  beta %.6f\n", who,
              seconds, objective, p.at("A"), p.at("B"), p.at("E"), p.at("alpha"), p.at("beta"));
}

}  // namespace

using mixrun::bench::BestOf;
using mixrun::bench::Seconds;

int main(int argc, char** argv) {
  bool run_python = true;
  int threads = 2, repeats = 3;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--no-python")) run_python = false;
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = std::atoi(argv[++i]);
  }
  auto runs = mixrun::testing::LoadEpochChinchilla(5);
  if (!runs.ok()) {
    std::fprintf(stderr, "%s\n", runs.status().message().c_str());
    return 1;
  }
  mixrun::FitRequest request;
  request.law = "chinchilla";
  request.metric = "loss";
  request.threads = threads;

  mixrun::Result<mixrun::FitReport> report = mixrun::Status::Failed("not run");
  const double fit_seconds = BestOf(repeats, [&] { report = mixrun::FitLaw(request, *runs, {}); });
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.status().message().c_str());
    return 1;
  }
  std::printf("Chinchilla on Epoch's %zu points, 4500 starts, %d threads\n", runs->size(), threads);
  const double objective = report->stats.objective;
  PrintParams("mixrun", fit_seconds, objective, report->params);

  // 4000 bootstrap refits from the best point, tight tolerances: the same protocol with and
  // without them (the difference also holds the refits' predictions at every point).
  mixrun::FitRequest bootstrap = request;
  bootstrap.bootstrap = 4000;
  double bootstrap_seconds = 1e300;
  size_t usable = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    auto with = mixrun::FitLaw(bootstrap, *runs, {});
    bootstrap_seconds = std::min(bootstrap_seconds, Seconds(start) - fit_seconds);
    if (with.ok()) usable = with->stats.bootstrap;
  }
  std::printf("bootstrap: 4000 refits in %.3f s (%zu usable; target < 2 s)\n", bootstrap_seconds,
              usable);

  if (!run_python) return 0;
  const auto reference = mixrun::bench::RunPythonReference(
      "reference_chinchilla.py",
      mixrun::testing::SharedData("epoch-chinchilla/svg_extracted_data.csv"));
  if (!reference) return 1;
  const double python_seconds = (*reference)["seconds"].get<double>();
  PrintParams("scipy", python_seconds, (*reference)["objective"].get<double>(),
              (*reference)["params"].get<std::map<std::string, double>>());
  std::printf("speed-up: %.1fx (target >= 100x); objective difference %.3e\n",
              python_seconds / fit_seconds, objective - (*reference)["objective"].get<double>());
  return 0;
}
