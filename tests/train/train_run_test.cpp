// One run at the library level: metrics, determinism, checkpoint resume, failures.
#include "train/train_run.h"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "train/checkpoint.h"
#include "train_fixture.h"

namespace mixrun {
namespace {

using testing::MarkovCorpus;
using testing::MarkovSource;
using testing::RunDir;
using testing::SmallRequest;

struct TwoDomains {
  MarkovSource source_a{8, 'a', 1.5, 1}, source_b{8, 'p', 1.5, 2};
  std::unique_ptr<Corpus> a = MarkovCorpus("alpha", source_a, 60000, 10);
  std::unique_ptr<Corpus> b = MarkovCorpus("beta", source_b, 60000, 11);
  std::vector<const Corpus*> corpora() const { return {a.get(), b.get()}; }
};

bool SameRows(const std::vector<MetricRow>& x, const std::vector<MetricRow>& y) {
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i].name != y[i].name || x[i].step != y[i].step || x[i].tokens != y[i].tokens ||
        x[i].value != y[i].value) {
      return false;
    }
  }
  return true;
}

TEST_CASE("a run writes train and eval metrics in batches and reports its outcome") {
  const TwoDomains data;
  RunDir dir;
  TrainRunRequest request = SmallRequest(data.corpora(), dir.path());
  request.target_weights = {{"alpha", 0.25}, {"beta", 0.75}};
  InMemoryMetricSink sink;
  int progress_calls = 0;
  Result<RunOutcome> outcome = TrainRun(request, sink, [&](const TrainProgress& p) {
    ++progress_calls;
    CHECK(p.total_steps == 40);
    CHECK(p.tokens_per_second > 0);
    return true;
  });
  REQUIRE(outcome.ok());
  CHECK(outcome->finished);
  CHECK(outcome->steps == 40);
  CHECK(outcome->tokens == 40 * 8 * 32);
  CHECK(progress_calls == 40);
  CHECK(sink.Series("train/loss").size() == 40);
  CHECK(sink.Series("train/lr").size() == 40);
  // Evaluated at steps 0, 10, 20, 30 and at the end.
  const std::vector<MetricRow> eval_alpha = sink.Series("eval/alpha/loss");
  REQUIRE(eval_alpha.size() == 5);
  CHECK(eval_alpha.front().step == 0);
  CHECK(eval_alpha.back().step == 40);
  CHECK(eval_alpha.back().tokens == 40 * 8 * 32);
  CHECK(eval_alpha.front().value == doctest::Approx(std::log(256.0)).epsilon(0.02));
  const std::vector<MetricRow> target = sink.Series("eval/target/loss");
  const double alpha = outcome->eval_losses.at("alpha"), beta = outcome->eval_losses.at("beta");
  CHECK(target.back().value == doctest::Approx(0.25 * alpha + 0.75 * beta));
  CHECK(outcome->target_loss == target.back().value);
  CHECK(alpha < eval_alpha.front().value - 1.0);
  // Batched: one write per evaluation and per checkpoint, not one per row.
  CHECK(sink.write_calls() <= 10);
  CHECK(!std::filesystem::exists(std::filesystem::path(dir.path()) / "checkpoint.bin"));
}

TEST_CASE("same seed and threads give bit-identical losses") {
  const TwoDomains data;
  for (const int threads : {1, 2}) {
    RunDir dir1, dir2;
    TrainRunRequest first = SmallRequest(data.corpora(), dir1.path());
    first.threads = threads;
    TrainRunRequest second = first;
    second.run_dir = dir2.path();
    InMemoryMetricSink sink1, sink2;
    REQUIRE(TrainRun(first, sink1, nullptr).ok());
    REQUIRE(TrainRun(second, sink2, nullptr).ok());
    CHECK_MESSAGE(SameRows(sink1.rows(), sink2.rows()), "threads " << threads);
  }
  // A different seed gives a different run.
  RunDir dir3, dir4;
  TrainRunRequest seed1 = SmallRequest(data.corpora(), dir3.path());
  TrainRunRequest seed2 = seed1;
  seed2.run_dir = dir4.path();
  seed2.seed = 2;
  InMemoryMetricSink sink3, sink4;
  REQUIRE(TrainRun(seed1, sink3, nullptr).ok());
  REQUIRE(TrainRun(seed2, sink4, nullptr).ok());
  CHECK(!SameRows(sink3.rows(), sink4.rows()));
}

TEST_CASE("a stopped run resumes from its checkpoint and ends bit-identical") {
  const TwoDomains data;
  RunDir reference_dir, dir;
  InMemoryMetricSink reference_sink, sink;
  const TrainRunRequest reference = SmallRequest(data.corpora(), reference_dir.path());
  Result<RunOutcome> uninterrupted = TrainRun(reference, reference_sink, nullptr);
  REQUIRE(uninterrupted.ok());

  TrainRunRequest request = reference;
  request.run_dir = dir.path();
  // Stop at step 25, as Ctrl-C or SIGTERM would: a checkpoint is written there, between the
  // periodic ones (every 10 steps).
  Result<RunOutcome> stopped =
      TrainRun(request, sink, [](const TrainProgress& p) { return p.step < 25; });
  REQUIRE(stopped.ok());
  CHECK(!stopped->finished);
  CHECK(std::filesystem::exists(std::filesystem::path(dir.path()) / "checkpoint.bin"));
  Result<RunOutcome> resumed = TrainRun(request, sink, nullptr);
  REQUIRE(resumed.ok());
  CHECK(resumed->finished);
  CHECK(resumed->resumed_from_step == 25);
  CHECK(resumed->eval_losses == uninterrupted->eval_losses);
  CHECK(resumed->target_loss == uninterrupted->target_loss);
  CHECK(SameRows(sink.rows(), reference_sink.rows()));
}

TEST_CASE("a checkpoint of another run spec is refused") {
  const TwoDomains data;
  RunDir dir;
  InMemoryMetricSink sink;
  TrainRunRequest request = SmallRequest(data.corpora(), dir.path());
  REQUIRE(TrainRun(request, sink, [](const TrainProgress& p) { return p.step < 15; }).ok());
  request.train.lr = 1e-3;
  Result<RunOutcome> other = TrainRun(request, sink, nullptr);
  REQUIRE(!other.ok());
  CHECK(other.status().message().find("different run spec") != std::string::npos);
}

TEST_CASE("a diverging run fails naming the step and the reason") {
  const TwoDomains data;
  RunDir dir;
  InMemoryMetricSink sink;
  TrainRunRequest request = SmallRequest(data.corpora(), dir.path());
  request.train.lr = 1e30;
  request.train.warmup = 0;
  Result<RunOutcome> outcome = TrainRun(request, sink, nullptr);
  REQUIRE(!outcome.ok());
  CHECK(outcome.status().code() == Status::Code::kFailed);
  MESSAGE(outcome.status().message());
  CHECK(outcome.status().message().find("step ") == 0);
  CHECK(outcome.status().message().find(" is nan") != std::string::npos);
}

// Adam with a learning rate of 1 and neither clipping nor decay: the loss jumps to tens of nats
// and stays there, finite (the NaN case above is caught step by step; this one only by its
// evaluation history).
TrainRunRequest ExplodingRequest(const TwoDomains& data, const std::string& run_dir) {
  TrainRunRequest request = SmallRequest(data.corpora(), run_dir);
  request.train.lr = 1;
  request.train.schedule = "constant";
  request.train.warmup = 0;
  request.train.weight_decay = 0;
  request.train.grad_clip = 0;
  return request;
}

TEST_CASE("a run whose loss explodes but stays finite fails naming the steps, losses and lr") {
  const TwoDomains data;
  RunDir dir;
  InMemoryMetricSink sink;
  Result<RunOutcome> outcome = TrainRun(ExplodingRequest(data, dir.path()), sink, nullptr);
  REQUIRE(!outcome.ok());
  CHECK(outcome.status().code() == Status::Code::kFailed);
  const std::string& message = outcome.status().message();
  MESSAGE(message);
  CHECK(message.find("diverged: eval/target/loss rose from 5.") == 0);  // ln 256: untrained
  CHECK(message.find(" at step 0") != std::string::npos);
  CHECK(message.find(" at step 40 (train.lr 1 too high?)") != std::string::npos);
  const std::vector<MetricRow> evaluations = sink.Series("eval/target/loss");
  REQUIRE(evaluations.size() == 5);  // kept: they show where it went wrong
  for (const MetricRow& row : evaluations) CHECK(std::isfinite(row.value));
  CHECK(evaluations.back().value > 1.5 * evaluations.front().value);
}

TEST_CASE("a resumed run is judged on its whole evaluation history, earlier attempt included") {
  const TwoDomains data;
  RunDir dir;
  InMemoryMetricSink sink;
  const TrainRunRequest request = ExplodingRequest(data, dir.path());
  REQUIRE(TrainRun(request, sink, [](const TrainProgress& p) { return p.step < 25; }).ok());
  Result<RunOutcome> resumed = TrainRun(request, sink, nullptr);
  REQUIRE(!resumed.ok());
  CHECK(resumed.status().message().find(" at step 0") != std::string::npos);
}

TEST_CASE("healthy runs pass the divergence check without a warning") {
  const TwoDomains data;
  for (const double lr : {3e-3, 3e-4}) {
    RunDir dir;
    InMemoryMetricSink sink;
    TrainRunRequest request = SmallRequest(data.corpora(), dir.path());
    request.train.lr = lr;
    Result<RunOutcome> outcome = TrainRun(request, sink, nullptr);
    REQUIRE(outcome.ok());
    CHECK(outcome->finished);
    CHECK(outcome->warning.empty());
  }
}

TEST_CASE("bad requests are input errors") {
  const TwoDomains data;
  RunDir dir;
  InMemoryMetricSink sink;
  TrainRunRequest request = SmallRequest(data.corpora(), dir.path());
  request.model.context = 64;
  CHECK(TrainRun(request, sink, nullptr).status().code() == Status::Code::kInvalidInput);
  request = SmallRequest(data.corpora(), dir.path());
  request.mixture = {{"gamma", 1.0}};
  Result<RunOutcome> unknown = TrainRun(request, sink, nullptr);
  REQUIRE(!unknown.ok());
  CHECK(unknown.status().message().find("'gamma'") != std::string::npos);
  request = SmallRequest(data.corpora(), dir.path());
  request.model.vocab = 100;
  CHECK(!TrainRun(request, sink, nullptr).ok());
}

TEST_CASE("checkpoints round-trip and damage is detected") {
  RunDir dir;
  const std::string path = dir.path() + "/checkpoint.bin";
  Result<std::optional<Checkpoint>> missing = ReadCheckpoint(path);
  REQUIRE(missing.ok());
  CHECK(!missing->has_value());
  Checkpoint checkpoint;
  checkpoint.fingerprint = 42;
  checkpoint.step = 7;
  checkpoint.sampler_position = 56;
  checkpoint.optimizer_steps = 7;
  checkpoint.parameters = {1.5f, -2.0f};
  checkpoint.first_moment = {0.1f, 0.2f};
  checkpoint.second_moment = {0.01f, 0.02f};
  REQUIRE(WriteCheckpoint(path, checkpoint).ok());
  CHECK(!std::filesystem::exists(path + ".tmp"));
  Result<std::optional<Checkpoint>> read = ReadCheckpoint(path);
  REQUIRE(read.ok());
  REQUIRE(read->has_value());
  CHECK((*read)->step == 7);
  CHECK((*read)->sampler_position == 56);
  CHECK((*read)->parameters == checkpoint.parameters);
  CHECK((*read)->second_moment == checkpoint.second_moment);
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(30);
    file.put('\x7f');
  }
  Result<std::optional<Checkpoint>> damaged = ReadCheckpoint(path);
  REQUIRE(!damaged.ok());
  CHECK(damaged.status().message().find("damaged checkpoint") != std::string::npos);
}

}  // namespace
}  // namespace mixrun
