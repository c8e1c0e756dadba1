// Points at which to evaluate a fit (`fit-law --predict`), read from JSON: a file or inline text.
// Each point is an object: N, D, C for scale laws, x or step for power laws, a mixture for the
// rest.
#pragma once

#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"

namespace mixrun {

// `source` is a path to a JSON file or JSON text itself (starting with '[' or '{'). Accepted
// points: {"N": 7e10, "D": 1.4e12}, {"C": 5.76e23, "N": ...}, {"x": 1e9} (the power law's
// variable, named by `power_x`: n, d, c or step), {"step": 1000}, {"weights": {...}} or a bare
// mixture {"web": 0.6, "code": 0.4}. Errors name the source and the point's JSON pointer.
Result<std::vector<RunPoint>> ReadPredictionPoints(const std::string& source,
                                                   const std::string& power_x);

// How a point is shown next to its prediction: "N=7e+10 D=1.4e+12", "web=0.6 code=0.4".
std::string DescribePoint(const RunPoint& point);

}  // namespace mixrun
