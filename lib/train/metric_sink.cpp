#include "train/metric_sink.h"

namespace mixrun {

Status InMemoryMetricSink::Write(const std::vector<MetricRow>& rows) {
  ++write_calls_;
  for (const MetricRow& row : rows) rows_[{row.name, row.step}] = row;
  return Status::Ok();
}

std::vector<MetricRow> InMemoryMetricSink::rows() const {
  std::vector<MetricRow> result;
  result.reserve(rows_.size());
  for (const auto& [key, row] : rows_) result.push_back(row);
  return result;
}

std::vector<MetricRow> InMemoryMetricSink::Series(const std::string& name) const {
  std::vector<MetricRow> result;
  for (auto it = rows_.lower_bound({name, INT64_MIN}); it != rows_.end() && it->first.first == name;
       ++it) {
    result.push_back(it->second);
  }
  return result;
}

}  // namespace mixrun
