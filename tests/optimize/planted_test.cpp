// recommend on a planted data mixing law whose optimum is known in closed form (KKT): optimize
// finds it, bounds that cut it become active, caps and pins hold, and the KL pull is monotone.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>

#include "optimize/recommend.h"
#include "catalog/catalog.h"

namespace mixrun {
namespace {

// Target Σ_i w_i (c_i + k_i·exp(−s_i r_i)): each domain's loss falls with its own weight.
struct Planted {
  std::vector<std::string> domains;
  std::vector<double> w, c, k, s;

  // The stored form of the law (last domain the reference, t_last = 0): for i < m−1 the exponent
  // is log k_i − s_i r_i; for the last, log k − s(1 − Σ_{j<m−1} r_j).
  LoadedFit Fit() const {
    const size_t m = domains.size();
    nlohmann::json state = {{"domains", domains}, {"target_weights", w}};
    std::vector<std::string> metrics;
    std::vector<std::vector<double>> fit;
    for (size_t i = 0; i < m; ++i) {
      metrics.push_back("eval/" + domains[i] + "/loss");
      std::vector<double> p = {std::log(c[i]), std::log(k[i])};
      for (size_t j = 0; j + 1 < m; ++j) p.push_back(0.0);
      if (i + 1 < m) {
        p[2 + i] = -s[i];
      } else {
        p[1] -= s[i];
        for (size_t j = 0; j + 1 < m; ++j) p[2 + j] = s[i];
      }
      fit.push_back(p);
    }
    state["metrics"] = metrics;
    state["fit"] = fit;
    LoadedFit loaded;
    loaded.id = 1;
    loaded.law = "mixing";
    loaded.options = {{"law", "mixing"}, {"metric", ""}};
    loaded.stats.in_sample.rmse = 0.01;
    auto fitted = LoadFit("mixing", loaded.options, {{"state", state}});
    REQUIRE_MESSAGE(fitted.ok(), fitted.status().message());
    loaded.fitted = std::move(*fitted);
    return loaded;
  }

  // KKT: w_i k_i s_i e^{−s_i r_i} = μ wherever lo_i < r_i < hi_i; bisection on log μ.
  std::vector<double> Optimum(const std::vector<double>& lo, const std::vector<double>& hi) const {
    const size_t m = domains.size();
    auto at = [&](double log_mu) {
      std::vector<double> r(m);
      for (size_t i = 0; i < m; ++i) {
        r[i] = std::clamp((std::log(w[i] * k[i] * s[i]) - log_mu) / s[i], lo[i], hi[i]);
      }
      return r;
    };
    double low = -60, high = 60;
    for (int it = 0; it < 200; ++it) {
      const double mid = 0.5 * (low + high);
      const auto r = at(mid);
      (std::accumulate(r.begin(), r.end(), 0.0) > 1 ? low : high) = mid;
    }
    return at(0.5 * (low + high));
  }
};

Planted FourDomains() {
  return {{"books", "code", "math", "web"},
          {0.4, 0.3, 0.2, 0.1},
          {1.5, 1.0, 0.8, 2.0},
          {2.0, 1.5, 3.0, 1.0},
          {3.0, 5.0, 4.0, 2.0}};
}

double L1(const Mixture& got, const std::vector<std::string>& domains,
          const std::vector<double>& want) {
  double total = 0;
  for (size_t j = 0; j < domains.size(); ++j) total += std::abs(got.at(domains[j]) - want[j]);
  return total;
}

RecommendRequest Request(const std::string& method) {
  RecommendRequest request;
  request.method = method;
  request.simulate.samples = 20000;
  request.simulate.top_k = 32;
  request.threads = 2;
  return request;
}

bool IsActive(const Recommendation& r, const std::string& domain, const std::string& side,
              const std::string& source) {
  for (const auto& bound : r.active) {
    if (bound.domain == domain && bound.side == side && bound.source == source) return true;
  }
  return false;
}

TEST_CASE("optimize finds a planted mixing law's optimum (3 and 4 domains)") {
  for (size_t m : {3, 4}) {
    Planted law = FourDomains();
    if (m == 3) {
      law = {{"a", "b", "c"}, {0.5, 0.3, 0.2}, {1, 1, 1}, {1.0, 2.0, 1.5}, {4.0, 2.5, 6.0}};
    }
    const std::vector<LoadedFit> fits = {law.Fit()};
    auto got = Recommend(fits, Request("auto"));
    REQUIRE_MESSAGE(got.ok(), got.status().message());
    CHECK(got->method == "optimize");
    const auto want = law.Optimum(std::vector<double>(m, 0.0), std::vector<double>(m, 1.0));
    const double l1 = L1(got->mixture, law.domains, want);
    MESSAGE(m << " domains: L1 to the KKT optimum " << l1);
    CHECK(l1 < 0.01);
    CHECK(l1 < 1e-4);  // in fact much closer
    double total = 0;
    for (const auto& [domain, weight] : got->mixture) total += weight;
    CHECK(std::abs(total - 1) < 1e-12);
    // The recommendation beats every baseline under the law it optimised.
    for (const auto& baseline : got->baselines) {
      CHECK(got->predicted.prediction <= baseline.predicted.prediction + 1e-12);
    }
  }
}

TEST_CASE("an upper bound that cuts the optimum is where the answer sits, reported active") {
  const Planted law = FourDomains();
  const std::vector<LoadedFit> fits = {law.Fit()};
  const auto free = law.Optimum({0, 0, 0, 0}, {1, 1, 1, 1});
  REQUIRE(free[0] > 0.3);  // books wants more than the bound allows
  RecommendRequest request = Request("optimize");
  request.constraints.max = {{"books", 0.25}};
  auto got = Recommend(fits, request);
  REQUIRE_MESSAGE(got.ok(), got.status().message());
  CHECK(std::abs(got->mixture.at("books") - 0.25) < 1e-9);
  CHECK(IsActive(*got, "books", "upper", "--max"));
  const auto want = law.Optimum({0, 0, 0, 0}, {0.25, 1, 1, 1});
  CHECK(L1(got->mixture, law.domains, want) < 1e-4);
}

TEST_CASE("availability caps and pinned weights hold in every method's answer (a tiny domain)") {
  const Planted law = FourDomains();
  const std::vector<LoadedFit> fits = {law.Fit()};
  const auto free = law.Optimum({0, 0, 0, 0}, {1, 1, 1, 1});
  REQUIRE(free[2] > 0.05);  // math is wanted, but there is little of it
  for (const std::string method : {"optimize", "simulate"}) {
    RecommendRequest request = Request(method);
    request.prior =
        Prior{"tokens", {{"books", 0.4}, {"code", 0.3}, {"math", 0.001}, {"web", 0.299}}};
    request.constraints.domain_tokens = {
        {"books", 4000000000}, {"code", 3000000000}, {"math", 10000000}, {"web", 2990000000}};
    request.constraints.max_epochs = 4;
    request.constraints.target_tokens = 1e9;  // math: at most 4 · 1e7 / 1e9 = 0.04
    request.constraints.fixed = {{"web", 0.15}};
    auto got = Recommend(fits, request);
    REQUIRE_MESSAGE(got.ok(), got.status().message());
    CHECK(got->mixture.at("math") <= 0.04 + 1e-12);
    CHECK(got->mixture.at("web") == doctest::Approx(0.15).epsilon(1e-12));
    double total = 0;
    for (const auto& [domain, weight] : got->mixture) total += weight;
    CHECK(std::abs(total - 1) < 1e-12);
    if (method == "optimize") {
      CHECK(IsActive(*got, "math", "upper", "availability"));
      CHECK(IsActive(*got, "web", "fixed", "--fix"));
    }
    MESSAGE(method << ": math " << got->mixture.at("math") << ", web " << got->mixture.at("web"));
  }
}

TEST_CASE("a larger --kl-reg moves the answer monotonically toward the prior") {
  const Planted law = FourDomains();
  const std::vector<LoadedFit> fits = {law.Fit()};
  const Prior prior{"prior.json", {{"books", 0.1}, {"code", 0.2}, {"math", 0.3}, {"web", 0.4}}};
  for (const std::string method : {"optimize", "simulate"}) {
    double last_kl = INFINITY, last_loss = -INFINITY;
    for (double lambda : {0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 10.0}) {
      RecommendRequest request = Request(method);
      request.prior = prior;
      request.kl_reg = lambda;
      auto got = Recommend(fits, request);
      REQUIRE_MESSAGE(got.ok(), got.status().message());
      MESSAGE(method << " λ " << lambda << ": KL " << got->kl_to_prior << ", loss "
                     << got->predicted.prediction);
      CHECK(got->kl_to_prior <= last_kl + 1e-9);
      if (method == "optimize") CHECK(got->predicted.prediction >= last_loss - 1e-9);
      last_kl = got->kl_to_prior;
      last_loss = got->predicted.prediction;
    }
    CHECK(last_kl < 0.01);  // λ = 10: essentially the prior
  }
}

TEST_CASE("infeasible constraints are InvalidInput naming the flag and domain") {
  const Planted law = FourDomains();
  const std::vector<LoadedFit> fits = {law.Fit()};
  auto check = [&](RecommendRequest request, const std::string& needle) {
    auto got = Recommend(fits, request);
    REQUIRE(!got.ok());
    CHECK(got.status().code() == Status::Code::kInvalidInput);
    CHECK_MESSAGE(got.status().message().find(needle) != std::string::npos, got.status().message());
  };
  RecommendRequest request = Request("optimize");
  request.constraints.min = {{"books", 0.6}, {"code", 0.5}};
  check(request, "lower bounds sum to 1.1");
  request = Request("optimize");
  request.constraints.max = {{"books", 0.2}, {"code", 0.2}, {"math", 0.2}, {"web", 0.2}};
  check(request, "upper bounds sum to 0.8");
  request = Request("optimize");
  request.constraints.max = {{"enron", 0.2}};
  check(request, "never saw domain 'enron'");
  request = Request("optimize");
  request.constraints.min = {{"books", 0.5}};
  request.constraints.fixed = {{"books", 0.3}};
  check(request, "--fix books=0.3");
  request = Request("simulate");
  request.prior_error = Status::InvalidInput("--prior tokens: no token counts");
  check(request, "--prior tokens");
  request = Request("optimize");
  request.constraints.target_tokens = 1e9;
  check(request, "--target-tokens");
}

}  // namespace
}  // namespace mixrun
