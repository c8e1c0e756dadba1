// MetricSink: where a training run writes its metrics (the store implements it in SQLite);
// InMemoryMetricSink keeps them in memory for tests and tools.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"

namespace mixrun {

class MetricSink {
 public:
  virtual ~MetricSink() = default;
  // One call is one transaction. Idempotent per (name, step): a resumed run rewrites the rows
  // after its last checkpoint with identical values.
  virtual Status Write(const std::vector<MetricRow>& rows) = 0;
  // One metric's rows written so far (by this call or an earlier attempt of the run), ordered
  // by step: a resumed run judges its whole evaluation history (train/divergence.h).
  virtual Result<std::vector<MetricRow>> History(const std::string& name) = 0;
};

class InMemoryMetricSink : public MetricSink {
 public:
  Status Write(const std::vector<MetricRow>& rows) override;
  Result<std::vector<MetricRow>> History(const std::string& name) override { return Series(name); }

  // All rows ordered by (name, step).
  std::vector<MetricRow> rows() const;
  // One metric's rows ordered by step.
  std::vector<MetricRow> Series(const std::string& name) const;
  int write_calls() const { return write_calls_; }

 private:
  std::map<std::pair<std::string, int64_t>, MetricRow> rows_;
  int write_calls_ = 0;
};

}  // namespace mixrun
