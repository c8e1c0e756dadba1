// A planted data mixing law over four domains, for tests of what chooses mixtures (suggest, the
// study loop): domain d's loss 0.5 + c_d·exp(−s_d·w_d) falls with its own weight, with
// diminishing returns; the target weighs the domains equally, so its optimum is inside the simplex.
// Runs carry each domain's loss (eval/<d>/loss), noisy when asked; the mixing law is its family.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "common/random.h"
#include "fit/fit_request.h"
#include "mixture/dirichlet.h"
#include "mixture/mixture.h"

namespace mixrun::testing {

struct PlantedMixing {
  std::vector<std::string> domains = {"books", "code", "math", "web"};
  std::vector<double> c = {0.5, 0.3, 0.2, 0.6}, s = {4, 6, 5, 3};

  double DomainLoss(const std::vector<double>& w, size_t d) const {
    return 0.5 + c[d] * std::exp(-s[d] * w[d]);
  }
  // The target: the domains' mean loss.
  double Loss(const std::vector<double>& w) const {
    double loss = 0;
    for (size_t d = 0; d < domains.size(); ++d) loss += DomainLoss(w, d) / domains.size();
    return loss;
  }
  double Loss(const Mixture& mixture) const { return Loss(ToWeights(mixture, domains)); }

  // A run of `mixture` whose domain losses carry uniform noise of standard deviation `noise`.
  RunPoint Run(int64_t id, const std::vector<double>& w, double noise, Rng& rng) const {
    RunPoint run;
    run.run_id = id;
    run.weights = ToMixture(domains, w);
    for (size_t d = 0; d < domains.size(); ++d) {
      run.metrics["eval/" + domains[d] + "/loss"] =
          DomainLoss(w, d) + noise * (rng.Uniform() - 0.5) * std::sqrt(12.0);
    }
    return run;
  }

  // `count` mixtures of Dirichlet(1, ..., 1).
  std::vector<std::vector<double>> Design(int count, uint64_t seed) const {
    Rng rng(seed);
    std::vector<std::vector<double>> design;
    const std::vector<double> alpha(domains.size(), 1.0);
    for (int i = 0; i < count; ++i) {
      std::vector<double> w(domains.size());
      DirichletVariate(rng, alpha, w.data());
      design.push_back(w);
    }
    return design;
  }

  // The best target loss among `count` Dirichlet(1, ..., 1) draws: what random search finds.
  double BestOfRandom(int count, uint64_t seed) const {
    double best = 1e300;
    for (const auto& w : Design(count, seed)) best = std::min(best, Loss(w));
    return best;
  }

  // The mixing law fitted to the domain losses, target the domains' mean, with `bootstrap` refits.
  FitRequest MixingRequest(int bootstrap) const {
    FitRequest request;
    request.law = "mixing";
    for (const std::string& domain : domains) {
      request.domain_metrics.push_back("eval/" + domain + "/loss");
      request.target_weights["eval/" + domain + "/loss"] = 1.0 / domains.size();
    }
    request.bootstrap = bootstrap;
    return request;
  }
};

}  // namespace mixrun::testing
