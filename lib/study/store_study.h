// StoreStudy: the backend of `mixrun study` — the experiment's runs trained by TrainSweep (worker
// processes) from its config plus every round's batch, kept as files beside the store
// (runs/<experiment>/study/round-K.json, what `train --include` takes); fits made and kept as
// fit-law makes them (FitExperiment); each round recorded in the store (study_rounds) with its
// recommendation (recommendations). A signal during training is Interrupted: nothing is lost.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "store/store.h"
#include "study/study_loop.h"
#include "train/train_sweep.h"

namespace mixrun {

class StoreStudy : public StudyBackend {
 public:
  // `train` names the config (and --jobs); `prior` is recommend's --prior (tokens | uniform |
  // FILE.json). `stop` set by a signal interrupts training.
  StoreStudy(Store& store, std::string store_path, TrainSweepRequest train, std::string prior,
             const std::atomic<bool>* stop);

  Result<std::vector<RunPoint>> Train(const std::vector<std::vector<Mixture>>& batches) override;
  Result<LoadedFit> Fit(const FitRequest& request, const std::vector<RunPoint>& runs) override;
  Result<std::vector<StudyRound>> Rounds() override;
  Status Record(const StudyRound& round) override;
  Result<std::optional<Prior>> PriorFor(const LoadedFit& fit) override;

  const std::string& experiment() const { return experiment_; }
  // The file holding round `round`'s batch (round ≥ 0; the batch round k suggested).
  std::string BatchFile(int round) const;

 private:
  Store& store_;
  std::string store_path_;
  TrainSweepRequest train_;
  std::string prior_;
  const std::atomic<bool>* stop_;
  std::string experiment_;
};

}  // namespace mixrun
