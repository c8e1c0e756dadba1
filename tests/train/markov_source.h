// A synthetic order-2 Markov source over a small byte alphabet, with its exact entropy rate:
// the learning tests' ground truth for what a model's validation loss can reach.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace mixrun::testing {

class MarkovSource {
 public:
  // `symbols` bytes first_byte, first_byte + 1, ...; sharpness scales the random logits of each
  // transition row (higher → lower entropy).
  MarkovSource(int symbols, uint8_t first_byte, double sharpness, uint64_t seed)
      : k_(symbols), first_byte_(first_byte), transition_(symbols * symbols * symbols) {
    std::mt19937_64 engine(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    for (int state = 0; state < k_ * k_; ++state) {
      double sum = 0;
      for (int next = 0; next < k_; ++next) {
        const double w = std::exp(sharpness * normal(engine));
        transition_[state * k_ + next] = w;
        sum += w;
      }
      for (int next = 0; next < k_; ++next) transition_[state * k_ + next] /= sum;
    }
    ComputeStationary();
  }

  std::vector<uint16_t> Generate(int64_t length, uint64_t seed) const {
    std::mt19937_64 engine(seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::vector<uint16_t> out;
    out.reserve(static_cast<size_t>(length));
    int a = 0, b = 1;
    for (int64_t i = 0; i < length; ++i) {
      const double u = uniform(engine);
      double cumulative = 0;
      int next = k_ - 1;
      for (int c = 0; c < k_; ++c) {
        cumulative += transition_[(a * k_ + b) * k_ + c];
        if (u < cumulative) {
          next = c;
          break;
        }
      }
      out.push_back(static_cast<uint16_t>(first_byte_ + next));
      a = b;
      b = next;
    }
    return out;
  }

  // Entropy rate H(x_t | x_{t-2}, x_{t-1}) under the stationary distribution, in nats.
  double EntropyRate() const {
    double h = 0;
    for (int state = 0; state < k_ * k_; ++state) {
      for (int next = 0; next < k_; ++next) {
        const double p = transition_[state * k_ + next];
        if (p > 0) h -= stationary_[state] * p * std::log(p);
      }
    }
    return h;
  }

  // The best mean loss over a window of T targets: the first target sees one symbol of context
  // (H(x_t | x_{t-1})), the rest see two or more (the entropy rate).
  double BestWindowLoss(int T) const {
    std::vector<double> marginal(k_, 0.0);
    for (int a = 0; a < k_; ++a) {
      for (int b = 0; b < k_; ++b) marginal[b] += stationary_[a * k_ + b];
    }
    double pair_entropy = 0, marginal_entropy = 0;
    for (double p : stationary_) pair_entropy -= p > 0 ? p * std::log(p) : 0;
    for (double p : marginal) marginal_entropy -= p > 0 ? p * std::log(p) : 0;
    const double first_order = pair_entropy - marginal_entropy;
    return (first_order + (T - 1) * EntropyRate()) / T;
  }

 private:
  void ComputeStationary() {
    stationary_.assign(k_ * k_, 1.0 / (k_ * k_));
    for (int iteration = 0; iteration < 2000; ++iteration) {
      std::vector<double> next(k_ * k_, 0.0);
      for (int a = 0; a < k_; ++a) {
        for (int b = 0; b < k_; ++b) {
          for (int c = 0; c < k_; ++c) {
            next[b * k_ + c] += stationary_[a * k_ + b] * transition_[(a * k_ + b) * k_ + c];
          }
        }
      }
      stationary_ = next;
    }
  }

  int k_;
  uint8_t first_byte_;
  std::vector<double> transition_;  // [(a·K + b)·K + c] = P(c | a, b)
  std::vector<double> stationary_;  // over pairs (a, b)
};

}  // namespace mixrun::testing
