#include "train/store_sink.h"

namespace mixrun {

Status StoreMetricSink::Write(const std::vector<MetricRow>& rows) {
  std::vector<MetricRecord> records;
  records.reserve(rows.size());
  for (const MetricRow& row : rows) records.push_back({row.name, row.step, row.tokens, row.value});
  return store_.WriteMetrics(run_id_, records);
}

}  // namespace mixrun
