#include "data/mixture_sampler.h"

#include <algorithm>
#include <cmath>

namespace mixrun {

namespace {
constexpr uint64_t kDomainStream = 0;
constexpr uint64_t kWindowStream = 1;
}  // namespace

Result<MixtureSampler> MixtureSampler::Create(const std::vector<const Corpus*>& corpora,
                                              const Mixture& weights, int context, uint64_t seed) {
  if (context < 1) return Status::InvalidInput("context must be at least 1");
  MixtureSampler sampler(CounterRng(seed), context);
  double total = 0;
  for (const auto& [name, weight] : weights) {
    if (!(weight >= 0) || !std::isfinite(weight)) {
      return Status::InvalidInput("mixture weight of '" + name + "' must be a non-negative number");
    }
    const std::string& domain_name = name;  // (clang 14 cannot capture a structured binding)
    const auto found = std::find_if(corpora.begin(), corpora.end(),
                                    [&](const Corpus* c) { return c->name() == domain_name; });
    if (found == corpora.end()) {
      return Status::InvalidInput("mixture names domain '" + name +
                                  "', which the experiment does not define");
    }
    if (weight == 0) continue;
    DomainWindows domain;
    domain.corpus = *found;
    for (const TokenRange& range : domain.corpus->split().train) {
      const int64_t starts = range.size() - context;  // windows hold context + 1 tokens
      if (starts <= 0) continue;
      domain.ranges.push_back(range);
      domain.first_window.push_back(domain.windows);
      domain.windows += starts;
    }
    if (domain.windows == 0) {
      return Status::InvalidInput("domain '" + name + "' has " +
                                  std::to_string(domain.corpus->split().train_tokens) +
                                  " training tokens, fewer than one window of context + 1 = " +
                                  std::to_string(context + 1));
    }
    total += weight;
    sampler.cumulative_.push_back(total);
    sampler.domains_.push_back(std::move(domain));
    sampler.domain_index_.push_back(static_cast<int>(found - corpora.begin()));
  }
  if (sampler.domains_.empty()) {
    return Status::InvalidInput("the mixture has no domain with a positive weight");
  }
  for (double& c : sampler.cumulative_) c /= total;
  sampler.cumulative_.back() = 1.0;
  sampler.window_.resize(static_cast<size_t>(context) + 1);
  return sampler;
}

int64_t MixtureSampler::DrawWindowStart(const DomainWindows& domain, uint64_t index) const {
  const int64_t k =
      static_cast<int64_t>(rng_.Below(static_cast<uint64_t>(domain.windows), index, kWindowStream));
  const auto it = std::upper_bound(domain.first_window.begin(), domain.first_window.end(), k);
  const size_t range = static_cast<size_t>(it - domain.first_window.begin()) - 1;
  return domain.ranges[range].begin + (k - domain.first_window[range]);
}

void MixtureSampler::NextBatch(int batch, int32_t* inputs, int32_t* targets, int* domains) {
  const int T = context_;
  for (int b = 0; b < batch; ++b, ++position_) {
    const double u = rng_.Uniform(position_, kDomainStream);
    const size_t d = static_cast<size_t>(
        std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin());
    const size_t chosen = std::min(d, domains_.size() - 1);
    const DomainWindows& domain = domains_[chosen];
    domain.corpus->Read(DrawWindowStart(domain, position_), T + 1, window_.data());
    std::copy_n(window_.begin(), T, inputs + static_cast<size_t>(b) * T);
    std::copy_n(window_.begin() + 1, T, targets + static_cast<size_t>(b) * T);
    if (domains != nullptr) domains[b] = domain_index_[chosen];
  }
}

}  // namespace mixrun
