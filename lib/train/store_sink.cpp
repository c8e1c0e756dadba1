#include "train/store_sink.h"

#include <utility>

namespace mixrun {

Status StoreMetricSink::Write(const std::vector<MetricRow>& rows) {
  return store_.WriteMetrics(run_id_, rows);
}

Result<std::vector<MetricRow>> StoreMetricSink::History(const std::string& name) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<MetricRow> rows, store_.MetricHistory(run_id_));
  std::vector<MetricRow> series;  // the store orders them by name and step
  for (MetricRow& row : rows) {
    if (row.name == name) series.push_back(std::move(row));
  }
  return series;
}

}  // namespace mixrun
