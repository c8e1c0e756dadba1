// StoreMetricSink: a run's metrics written to the store, one transaction per batch.
// Rewriting a (name, step) replaces it, so a resumed run never duplicates rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"
#include "train/metric_sink.h"

namespace mixrun {

class StoreMetricSink : public MetricSink {
 public:
  StoreMetricSink(Store& store, int64_t run_id) : store_(store), run_id_(run_id) {}
  Status Write(const std::vector<MetricRow>& rows) override;
  Result<std::vector<MetricRow>> History(const std::string& name) override;

 private:
  Store& store_;
  int64_t run_id_;
};

}  // namespace mixrun
