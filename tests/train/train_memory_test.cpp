// A run's heap peak against model/memory_estimate.h: what `plan` and `train` refuse by must be
// what a run really holds, checkpoints (saved, then resumed) included.
#include <doctest/doctest.h>

#include "model/memory_estimate.h"
#include "testing/allocation_counter.h"
#include "train/train_run.h"
#include "train_fixture.h"

MIXRUN_COUNT_ALLOCATIONS()

namespace mixrun {
namespace {

using testing::MarkovCorpus;
using testing::MarkovSource;
using testing::RunDir;
using testing::SmallRequest;

TEST_CASE("a run's heap peak is the estimate's, within 10%, checkpoints included") {
  MarkovSource source{8, 'a', 1.5, 1};
  const std::unique_ptr<Corpus> corpus = MarkovCorpus("alpha", source, 60000, 10);
  RunDir dir;
  TrainRunRequest request = SmallRequest({corpus.get()}, dir.path());
  request.model.d_model = 128;  // parameters and activations of a few MB dwarf the bookkeeping
  request.model.context = request.train.context = 64;
  request.tokens = 20.0 * request.train.batch * request.train.context;
  request.train.checkpoint_every = 10;
  const TrainingMemory estimate = EstimateTrainingMemory(request.model, request.train);
  const double predicted = estimate.total() - estimate.runtime;

  InMemoryMetricSink sink;
  double first_peak = 0, resumed_peak = 0;
  {
    testing::AllocationCounter counter;  // saves checkpoints at step 10 and at the stop (15)
    REQUIRE(TrainRun(request, sink, [](const TrainProgress& p) { return p.step < 15; }).ok());
    first_peak = counter.peak();
  }
  {
    testing::AllocationCounter counter;  // reads it back, then saves again at step 20
    Result<RunOutcome> resumed = TrainRun(request, sink, nullptr);
    REQUIRE(resumed.ok());
    CHECK(resumed->resumed_from_step == 15);
    resumed_peak = counter.peak();
  }
  MESSAGE("estimated " << predicted << " bytes (" << estimate.Describe() << "); peak " << first_peak
                       << " training and saving, " << resumed_peak << " resuming");
  CHECK(first_peak / predicted > 0.9);
  CHECK(first_peak / predicted < 1.1);
  CHECK(resumed_peak / predicted > 0.9);
  CHECK(resumed_peak / predicted < 1.1);
}

TEST_CASE("a run of a model that cannot fit fails as an input error before allocating it") {
  MarkovSource source{8, 'a', 1.5, 1};
  const std::unique_ptr<Corpus> corpus = MarkovCorpus("alpha", source, 60000, 10);
  RunDir dir;
  TrainRunRequest request = SmallRequest({corpus.get()}, dir.path());
  request.model.name = "huge";
  request.model.layers = 24;
  request.model.d_model = 16384;  // 77 G parameters: about 3 TiB to train
  request.model.heads = 16;
  if (ReadAvailableMemory().bytes().value_or(0) > 4e12) return;
  InMemoryMetricSink sink;
  testing::AllocationCounter counter;
  const Result<RunOutcome> outcome = TrainRun(request, sink, nullptr);
  REQUIRE(!outcome.ok());
  CHECK(outcome.status().code() == Status::Code::kInvalidInput);
  CHECK(outcome.status().message().find("model 'huge' needs ") == 0);
  CHECK(counter.peak() < 1024 * 1024);
  CHECK(sink.rows().empty());
}

}  // namespace
}  // namespace mixrun
