#include "model/memory_estimate.h"

#include <doctest/doctest.h>

#include <string>

#include "model/adamw.h"
#include "model/gpt.h"
#include "model/parameter_layout.h"
#include "model/throughput.h"
#include "testing/allocation_counter.h"

MIXRUN_COUNT_ALLOCATIONS()

namespace mixrun {
namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

ModelSpec Model(const std::string& name, int layers, int d_model, int heads, int d_ff, int vocab,
                int context) {
  ModelSpec model;
  model.name = name;
  model.layers = layers;
  model.d_model = d_model;
  model.heads = heads;
  model.d_ff = d_ff;
  model.vocab = vocab;
  model.context = context;
  return model;
}

TrainSpec Train(int batch, int context) {
  TrainSpec train;
  train.batch = batch;
  train.context = context;
  return train;
}

// About 3 TiB: 77 G parameters at 40 bytes each (weights, gradients, moments, checkpoint).
ModelSpec HugeModel() { return Model("huge", 24, 16384, 16, 0, 256, 256); }

TEST_CASE("the estimate matches what Gpt<float>::Create and AdamW allocate, within 10%") {
  struct Case {
    ModelSpec model;
    int batch;
  };
  const Case cases[] = {
      {Model("tiny", 1, 32, 2, 0, 256, 64), 8},      // logits dominate
      {Model("deep", 4, 64, 4, 0, 256, 32), 4},      // per-layer tensors dominate
      {Model("long", 2, 48, 6, 100, 512, 256), 2},   // attention's (B,NH,T,T) dominates
      {Model("wide", 2, 256, 8, 512, 256, 16), 16},  // parameters dominate
  };
  for (const Case& c : cases) {
    const TrainSpec train = Train(c.batch, c.model.context);
    const TrainingMemory estimate = EstimateTrainingMemory(c.model, train);
    const double predicted = estimate.parameters + estimate.gradients + estimate.optimizer +
                             estimate.activations + estimate.backward + estimate.token_ids;
    double allocated = 0;
    {
      testing::AllocationCounter counter;
      Result<Gpt<float>> gpt = Gpt<float>::Create(c.model, c.batch, 1);
      REQUIRE(gpt.ok());
      AdamW<float> optimizer(gpt->layout(), AdamWOptions{}, 1);
      allocated = counter.allocated();
    }
    MESSAGE(c.model.name << ": estimated " << predicted << " bytes, allocated " << allocated);
    CHECK(predicted / allocated > 0.9);
    CHECK(predicted / allocated < 1.1);
  }
}

TEST_CASE("the optimizer and checkpoints are counted per parameter") {
  const ModelSpec model = Model("m", 2, 64, 4, 0, 256, 64);
  const TrainingMemory memory = EstimateTrainingMemory(model, Train(4, 64));
  CHECK(memory.parameters == 4.0 * CountParameters(model).total);
  CHECK(memory.gradients == memory.parameters);
  CHECK(memory.optimizer == 2 * memory.parameters);
  CHECK(memory.checkpoint == 6 * memory.parameters);  // tests/train checks it against a run
}

TEST_CASE("a model that needs more than is available is refused, naming what and how much") {
  const ModelSpec huge = HugeModel();
  const TrainSpec train = Train(16, 256);
  const TrainingMemory memory = EstimateTrainingMemory(huge, train);
  CHECK(memory.total() > 1024 * kGiB);  // no overflow on the way: int arithmetic would wrap
  AvailableMemory available;
  available.mem_available = 8 * kGiB;
  const Status refused = CheckTrainingMemory(huge, train, available);
  REQUIRE(refused.code() == Status::Code::kInvalidInput);
  const std::string& message = refused.message();
  MESSAGE(message);
  CHECK(message.find("model 'huge' needs 2.92 TiB of memory per training run (checkpoint "
                     "staging 1.69 TiB, AdamW") == 0);
  CHECK(message.find("parameters 288 GiB") != std::string::npos);
  CHECK(message.find("AdamW moments") != std::string::npos);
  CHECK(message.find("activations") != std::string::npos);
  CHECK(message.find("but only 8.00 GiB (MemAvailable 8.00 GiB) is available") !=
        std::string::npos);

  const ModelSpec small = Model("small", 2, 64, 4, 0, 256, 64);
  CHECK(CheckTrainingMemory(small, Train(8, 64), available).ok());
  CHECK(CheckTrainingMemory(huge, train, AvailableMemory{}).ok());  // unknown: cannot judge
}

TEST_CASE("runs trained at once multiply the need, and the advice says so") {
  const ModelSpec model = Model("m", 2, 256, 4, 0, 256, 256);
  const TrainSpec train = Train(16, 256);
  const double one = EstimateTrainingMemory(model, train).total();
  AvailableMemory available;
  available.mem_available = 2.5 * one;
  CHECK(CheckTrainingMemory(model, train, available, 2).ok());
  const Status refused = CheckTrainingMemory(model, train, available, 3);
  REQUIRE(!refused.ok());
  MESSAGE(refused.message());
  CHECK(refused.message().find(" for 3 at once, but only ") != std::string::npos);
  CHECK(refused.message().find("train fewer runs at once") != std::string::npos);
}

TEST_CASE("timing a model that cannot fit is refused before anything is allocated") {
  testing::AllocationCounter counter;
  const Result<double> rate = MeasureTrainingThroughput(HugeModel(), Train(16, 256), 1, 0.01);
  const double allocated = counter.allocated();
  if (ReadAvailableMemory().bytes().value_or(0) < 1024 * kGiB) {
    REQUIRE(!rate.ok());
    CHECK(rate.status().code() == Status::Code::kInvalidInput);
    CHECK(allocated < 1024 * 1024);  // the readings of /proc and the message, not the model
  }
}

}  // namespace
}  // namespace mixrun
