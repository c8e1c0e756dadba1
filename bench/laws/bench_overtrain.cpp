// Benchmark: the over-training law (Gadre et al. 2024) on each training set's small grid of
// openlm-scaling (32 models), 900 starts, in mixrun against scipy's L-BFGS-B from the same starts
// on the same objective (reference_overtrain.py), and 1000 bootstrap refits.
// Usage: bench_overtrain [--no-python] [--threads T] [--repeats R]
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
  mixrun::FitRequest request;
  request.law = "overtrain";
  request.metric = "loss/c4_val";
  request.threads = threads;
  double total_seconds = 0;
  std::map<std::string, double> objectives;
  for (const char* dataset : {"c4_original", "rpj", "rw_original"}) {
    auto runs = mixrun::testing::LoadOpenlmScaling(dataset, 0, 5e8);
    if (!runs.ok()) {
      std::fprintf(stderr, "%s\n", runs.status().message().c_str());
      return 1;
    }
    mixrun::Result<mixrun::FitReport> report = mixrun::Status::Failed("not run");
    const double seconds = BestOf(repeats, [&] { report = mixrun::FitLaw(request, *runs, {}); });
    if (!report.ok()) {
      std::fprintf(stderr, "%s\n", report.status().message().c_str());
      return 1;
    }
    total_seconds += seconds;
    objectives[dataset] = report->stats.objective;
    const auto& p = report->params;
    std::printf("mixrun %-12s %zu runs %7.3f s  objective %.7e  E %.4f  eta %.5f  a %.2f  b %.2f\n",
                dataset, runs->size(), seconds, report->stats.objective, p.at("E"), p.at("eta"),
                p.at("a"), p.at("b"));
  }
  auto rpj = mixrun::testing::LoadOpenlmScaling("rpj", 0, 5e8);
  mixrun::FitRequest bootstrap = request;
  bootstrap.bootstrap = 1000;
  const auto start = std::chrono::steady_clock::now();
  auto with = mixrun::FitLaw(bootstrap, *rpj, {});
  std::printf("bootstrap: fit + 1000 refits on rpj in %.3f s (%zu usable)\n", Seconds(start),
              with.ok() ? with->stats.bootstrap : 0);

  if (!run_python) return 0;
  const auto reference = mixrun::bench::RunPythonReference(
      "reference_overtrain.py", mixrun::testing::SharedData("openlm-scaling/runs.csv"));
  if (!reference) return 1;
  double python_seconds = 0;
  for (const auto& [dataset, fit] : reference->items()) {
    python_seconds += fit["seconds"].get<double>();
    std::printf("scipy  %-12s %7.3f s  objective %.7e  E %.4f  eta %.5f  (mixrun - scipy: %.2e)\n",
                dataset.c_str(), fit["seconds"].get<double>(), fit["objective"].get<double>(),
                fit["E"].get<double>(), fit["eta"].get<double>(),
                objectives[dataset] - fit["objective"].get<double>());
  }
  std::printf("speed-up over the three fits: %.1fx\n", python_seconds / total_seconds);
  return 0;
}
