// The data mixing law of Ye et al. (2024): per evaluated domain i, L_i(r) = c_i + k_i·exp(Σ_j t_ij
// r_j) over mixture weights r; the target is Σ_i w_i L_i(r). Fitted per domain with Huber (δ 0.05)
// from their multi-start grid. Because Σ_j r_j = 1, t_i and k_i are identifiable only up to a
// shift, so the last domain (in sorted order) is the reference: t_i,last = 0 (the same family of
// curves).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "fit/law_entry.h"
#include "laws/law_model.h"

namespace mixrun {

inline constexpr int kMaxMixingDomains = 32;
inline constexpr double kMixingHuberDelta = 0.05;

// Parameters: log c, log k, t_1 … t_{m−1}; features: the m weights (the last one is the reference).
template <int P>
struct MixingFunctor {
  template <typename T>
  T operator()(const T* p, const double* weights) const {
    using std::exp;
    T exponent = p[1];
    for (int j = 0; j < P - 2; ++j) exponent += p[2 + j] * weights[j];
    return exp(p[0]) + exp(exponent);
  }
};

// The per-domain model for m mixture domains (2 ≤ m ≤ kMaxMixingDomains), else nullptr.
std::unique_ptr<LawModel> NewMixingModel(int domains);

// Their grid: log c ∈ linspace(−2, 1.5, 10), log k ∈ linspace(−10, 1, 20), `random_t` random t
// vectors (uniform in [−2, 2]) per pair; seeded and reproducible.
std::vector<std::vector<double>> MixingStarts(int domains, int random_t, uint64_t seed);

// The mixing law as the last stage of a chain of laws (pipeline.h): the estimator the catalog's
// mixing row fits with, which can also refit on other per-domain values of the same rows.
class MixingStage : public Estimator {
 public:
  // A refit tightly from the full fit (as a bootstrap refit) with row i counted row_weights[i]
  // times, on other per-domain values: values[metric][row], in the target's metric order.
  virtual Result<std::unique_ptr<Predictor>> RefitOnValues(
      const FitRows& rows, const std::vector<double>& row_weights,
      const std::vector<std::vector<double>>& values) const = 0;
};

struct PreparedMixing {
  std::shared_ptr<const RunReader> reader;
  std::unique_ptr<MixingStage> estimator;
  FitRows train;
  std::vector<std::string> metrics;  // the per-domain metrics, in the order of `values`
};

// The mixing law prepared on runs whose per-domain metrics hold the values to fit.
Result<PreparedMixing> PrepareMixingStage(const FitRequest& request,
                                          const std::vector<RunPoint>& train);
// The reader and decoder of a stored mixing fit (or of a law whose last stage it is).
Result<LawLoader> LoadMixingLaw(const FitRequest& request, const nlohmann::json& state);

// Fills a mixing request's defaults: every eval/<domain>/loss metric of the runs as the domain
// metrics, and the experiment's target (config JSON "target": weights or domain) over them, so
// that a trained experiment needs no flags.
Status FillMixingDefaults(FitRequest& request, const std::vector<RunPoint>& runs,
                          const nlohmann::json& config);

// The catalog's row: mixing.
const LawEntry& MixingLaw();

}  // namespace mixrun
