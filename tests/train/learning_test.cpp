// Does the model learn? On order-2 Markov sources with known entropy: validation loss approaches
// the best achievable loss, and in a 0.8/0.2 mixture the heavier domain improves faster.
#include <doctest/doctest.h>

#include <cmath>

#include "train_fixture.h"

namespace mixrun {
namespace {

using testing::MarkovCorpus;
using testing::MarkovSource;
using testing::RunDir;
using testing::SmallRequest;

TEST_CASE("validation loss approaches the entropy of an order-2 Markov source") {
  const MarkovSource source(4, 'a', 2.0, 7);
  const std::unique_ptr<Corpus> corpus = MarkovCorpus("markov", source, 400000, 3);
  RunDir dir;
  TrainRunRequest request = SmallRequest({corpus.get()}, dir.path());
  request.model.d_model = 64;
  request.train.batch = 16;
  request.train.eval_every = 200;
  request.train.eval_tokens = 8192;
  request.tokens = 1000.0 * 16 * 32;
  request.train.lr = 3e-3;
  InMemoryMetricSink sink;
  Result<RunOutcome> outcome = TrainRun(request, sink, nullptr);
  REQUIRE(outcome.ok());
  const double entropy = source.EntropyRate();
  const double best = source.BestWindowLoss(request.train.context);
  const double loss = outcome->eval_losses.at("markov");
  MESSAGE("entropy rate " << entropy << " nats, best window loss " << best << ", uniform "
                          << std::log(4.0) << ", validation loss " << loss << " after "
                          << outcome->steps << " steps (" << outcome->tokens_per_second
                          << " tokens/s)");
  for (const MetricRow& row : sink.Series("eval/markov/loss")) {
    MESSAGE("  step " << row.step << ": " << row.value);
  }
  // The validation windows are a finite sample, so the loss may sit a little below `best`.
  CHECK(loss > best - 0.03);
  CHECK(loss < best + 0.05);
}

TEST_CASE("in a 0.8/0.2 mixture the heavier domain's loss falls faster") {
  const MarkovSource heavy_source(4, 'a', 2.0, 21), light_source(4, 'p', 2.0, 22);
  const std::unique_ptr<Corpus> heavy = MarkovCorpus("heavy", heavy_source, 200000, 4);
  const std::unique_ptr<Corpus> light = MarkovCorpus("light", light_source, 200000, 5);
  RunDir dir;
  TrainRunRequest request = SmallRequest({heavy.get(), light.get()}, dir.path());
  request.mixture = {{"heavy", 0.8}, {"light", 0.2}};
  request.model.d_model = 64;
  request.train.batch = 16;
  request.train.eval_every = 50;
  request.train.eval_tokens = 4096;
  request.tokens = 400.0 * 16 * 32;
  InMemoryMetricSink sink;
  REQUIRE(TrainRun(request, sink, nullptr).ok());
  const std::vector<MetricRow> heavy_loss = sink.Series("eval/heavy/loss");
  const std::vector<MetricRow> light_loss = sink.Series("eval/light/loss");
  REQUIRE(heavy_loss.size() == light_loss.size());
  const double heavy_best = heavy_source.BestWindowLoss(32);
  const double light_best = light_source.BestWindowLoss(32);
  // Compare the excess over each source's own floor, at every evaluation after the start.
  int heavier_ahead = 0;
  for (size_t i = 1; i < heavy_loss.size(); ++i) {
    const double heavy_excess = heavy_loss[i].value - heavy_best;
    const double light_excess = light_loss[i].value - light_best;
    MESSAGE("step " << heavy_loss[i].step << ": excess loss heavy " << heavy_excess << ", light "
                    << light_excess);
    if (heavy_excess < light_excess) ++heavier_ahead;
  }
  CHECK(heavier_ahead == static_cast<int>(heavy_loss.size()) - 1);
  // Early on the gap is wide: the light domain's excess is at least 1.5× the heavy one's.
  const double heavy_mid = heavy_loss[2].value - heavy_best;
  const double light_mid = light_loss[2].value - light_best;
  CHECK(light_mid > 1.5 * heavy_mid);
}

}  // namespace
}  // namespace mixrun
