// Points at which to evaluate a fit (`fit-law --predict`), read from JSON: a file or inline text.
// Each point is an object: N, D, C, M for scale laws, x or step for power laws, metrics for laws
// between metrics, a mixture for the rest.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"

namespace mixrun {

// `source` is a path to a JSON file or JSON text itself (starting with '[' or '{'). Accepted
// points: {"N": 7e10, "D": 1.4e12}, {"C": 5.76e23, "N": ...}, {"N": 1.4e9, "M": 640} (D = M·N;
// with C instead of N, N = √(C/(6M))), {"x": 1e9} (the law's one variable, named by
// `x_variable`: n, d, c, m, step, or a metric's name), {"step": 1000}, {"metrics": {"loss/c4_val":
// 3.1}}, {"weights": {...}} or a bare mixture {"web": 0.6, "code": 0.4}. Errors name the source
// and the point's JSON pointer.
Result<std::vector<RunPoint>> ReadPredictionPoints(const std::string& source,
                                                   const std::string& x_variable);

// How a point is shown next to its prediction: "N=7e+10 D=1.4e+12", "loss/c4_val=3.1",
// "web=0.6 code=0.4".
std::string DescribePoint(const RunPoint& point);

// A point as fields, as a point file gives it: {"N", "D", "C", "weights", "metrics"}, each when
// the point has it.
nlohmann::json PointJson(const RunPoint& point);

}  // namespace mixrun
