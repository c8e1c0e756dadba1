#include "train/store_sink.h"

namespace mixrun {

Status StoreMetricSink::Write(const std::vector<MetricRow>& rows) {
  return store_.WriteMetrics(run_id_, rows);
}

}  // namespace mixrun
