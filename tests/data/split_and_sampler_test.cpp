#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "data/corpus.h"
#include "data/mixture_sampler.h"
#include "data/train_val_split.h"
#include "data/validation_windows.h"

namespace mixrun {
namespace {

// A corpus whose token at position i encodes i (mod vocab), so windows reveal where they came
// from.
Corpus Positional(const std::string& name, int64_t size, double val_fraction, uint16_t tag) {
  std::vector<uint16_t> tokens(static_cast<size_t>(size));
  for (int64_t i = 0; i < size; ++i) tokens[static_cast<size_t>(i)] = static_cast<uint16_t>(tag);
  Result<Corpus> corpus = Corpus::FromTokens(name, std::move(tokens), 4, val_fraction);
  REQUIRE(corpus.ok());
  return std::move(corpus).value();
}

bool Inside(const std::vector<TokenRange>& ranges, int64_t begin, int64_t end) {
  for (const TokenRange& r : ranges) {
    if (begin >= r.begin && end <= r.end) return true;
  }
  return false;
}

TEST_CASE("train/validation split is deterministic, disjoint and complete") {
  for (const int64_t tokens : {int64_t{1000}, int64_t{10'000'000}}) {
    const TrainValSplit a = SplitTrainValidation(tokens, 0.05);
    const TrainValSplit b = SplitTrainValidation(tokens, 0.05);
    REQUIRE(a.train.size() == b.train.size());
    for (size_t i = 0; i < a.train.size(); ++i) CHECK(a.train[i].begin == b.train[i].begin);
    CHECK(a.train_tokens + a.validation_tokens == tokens);
    CHECK(static_cast<double>(a.validation_tokens) / tokens == doctest::Approx(0.05).epsilon(0.01));
    // Every position is in exactly one part.
    std::vector<TokenRange> all = a.train;
    all.insert(all.end(), a.validation.begin(), a.validation.end());
    std::sort(all.begin(), all.end(), [](auto& x, auto& y) { return x.begin < y.begin; });
    int64_t next = 0;
    for (const TokenRange& r : all) {
      CHECK(r.begin == next);
      next = r.end;
    }
    CHECK(next == tokens);
  }
  // Large corpora spread validation over many pieces of at least 64 Ki tokens.
  const TrainValSplit large = SplitTrainValidation(10'000'000, 0.05);
  CHECK(large.validation.size() == 7);
  for (const TokenRange& r : large.validation) CHECK(r.size() >= 65536);
}

TEST_CASE("sampler windows lie in the training part and targets are shifted inputs") {
  std::vector<uint16_t> tokens(20000);
  for (size_t i = 0; i < tokens.size(); ++i) tokens[i] = static_cast<uint16_t>(i % 1000);
  Result<Corpus> corpus = Corpus::FromTokens("d", tokens, 1000, 0.1);
  REQUIRE(corpus.ok());
  const int T = 16, B = 8;
  Result<MixtureSampler> sampler = MixtureSampler::Create({&*corpus}, {{"d", 1.0}}, T, 3);
  REQUIRE(sampler.ok());
  std::vector<int32_t> inputs(B * T), targets(B * T);
  for (int step = 0; step < 200; ++step) {
    sampler->NextBatch(B, inputs.data(), targets.data());
    for (int b = 0; b < B; ++b) {
      for (int t = 0; t + 1 < T; ++t) CHECK(targets[b * T + t] == inputs[b * T + t + 1]);
      // Positions: the window's first token tells where it started (mod 1000, unique per 1000).
      const int32_t first = inputs[b * T];
      bool found = false;
      for (int64_t start = first; start + T + 1 <= 20000; start += 1000) {
        found = found || Inside(corpus->split().train, start, start + T + 1);
      }
      CHECK(found);
    }
  }
}

TEST_CASE("sampler is deterministic for a seed and resumes from its position") {
  const Corpus a = Positional("a", 5000, 0.05, 1), b = Positional("b", 5000, 0.05, 2);
  const Mixture mixture = {{"a", 0.5}, {"b", 0.5}};
  const int T = 8, B = 4;
  Result<MixtureSampler> first = MixtureSampler::Create({&a, &b}, mixture, T, 11);
  Result<MixtureSampler> second = MixtureSampler::Create({&a, &b}, mixture, T, 11);
  Result<MixtureSampler> other_seed = MixtureSampler::Create({&a, &b}, mixture, T, 12);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  REQUIRE(other_seed.ok());
  std::vector<int32_t> x1(B * T), y1(B * T), x2(B * T), y2(B * T);
  std::vector<int> d1(B), d2(B), d3(B);
  std::vector<int> all1, all3;
  for (int step = 0; step < 50; ++step) {
    first->NextBatch(B, x1.data(), y1.data(), d1.data());
    second->NextBatch(B, x2.data(), y2.data(), d2.data());
    other_seed->NextBatch(B, x2.data(), y2.data(), d3.data());
    CHECK(d1 == d2);
    all1.insert(all1.end(), d1.begin(), d1.end());
    all3.insert(all3.end(), d3.begin(), d3.end());
  }
  CHECK(all1 != all3);
  // Seek: a fresh sampler positioned after 120 sequences continues identically.
  Result<MixtureSampler> resumed = MixtureSampler::Create({&a, &b}, mixture, T, 11);
  REQUIRE(resumed.ok());
  resumed->Seek(first->position());
  first->NextBatch(B, x1.data(), y1.data(), d1.data());
  resumed->NextBatch(B, x2.data(), y2.data(), d2.data());
  CHECK(x1 == x2);
  CHECK(d1 == d2);
}

TEST_CASE("sampler draws domains in the mixture's proportions") {
  const Corpus a = Positional("a", 4000, 0.05, 1), b = Positional("b", 4000, 0.05, 2),
               c = Positional("c", 4000, 0.05, 3);
  Result<MixtureSampler> sampler =
      MixtureSampler::Create({&a, &b, &c}, {{"a", 0.8}, {"b", 0.2}, {"c", 0.0}}, 4, 5);
  REQUIRE(sampler.ok());
  const int B = 100, steps = 400;
  std::vector<int32_t> x(B * 4), y(B * 4);
  std::vector<int> d(B);
  int counts[3] = {0, 0, 0};
  for (int s = 0; s < steps; ++s) {
    sampler->NextBatch(B, x.data(), y.data(), d.data());
    for (int b = 0; b < B; ++b) {
      ++counts[d[b]];
      CHECK(x[b * 4] == d[b] + 1);  // the window came from the domain reported
    }
  }
  const double share_a = counts[0] / double(B * steps);
  MESSAGE("share of a: " << share_a);
  CHECK(share_a == doctest::Approx(0.8).epsilon(0.01));
  CHECK(counts[2] == 0);
}

TEST_CASE("sampler rejects unknown domains, negative weights and too-short domains") {
  const Corpus a = Positional("a", 100, 0.05, 1);
  CHECK(!MixtureSampler::Create({&a}, {{"zzz", 1.0}}, 4, 0).ok());
  CHECK(!MixtureSampler::Create({&a}, {{"a", -1.0}}, 4, 0).ok());
  CHECK(!MixtureSampler::Create({&a}, {{"a", 0.0}}, 4, 0).ok());
  Result<MixtureSampler> too_short = MixtureSampler::Create({&a}, {{"a", 1.0}}, 200, 0);
  REQUIRE(!too_short.ok());
  CHECK(too_short.status().message().find("fewer than one window") != std::string::npos);
}

TEST_CASE("validation windows are fixed, non-overlapping and inside the validation part") {
  const Corpus a = Positional("a", 200000, 0.1, 1);
  const int T = 64;
  Result<std::vector<int64_t>> windows = ValidationWindows(a, T, 4096);
  REQUIRE(windows.ok());
  CHECK(windows->size() == 64);
  for (size_t i = 0; i < windows->size(); ++i) {
    CHECK(Inside(a.split().validation, (*windows)[i], (*windows)[i] + T + 1));
    if (i > 0) CHECK((*windows)[i] >= (*windows)[i - 1] + T);
  }
  Result<std::vector<int64_t>> again = ValidationWindows(a, T, 4096);
  CHECK(*again == *windows);
  // A validation part smaller than one window is an error naming the domain.
  const Corpus tiny = Positional("tiny", 1000, 0.05, 1);
  Result<std::vector<int64_t>> none = ValidationWindows(tiny, 64, 4096);
  REQUIRE(!none.ok());
  CHECK(none.status().message().find("domain 'tiny'") != std::string::npos);
}

}  // namespace
}  // namespace mixrun
