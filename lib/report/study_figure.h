// The progress of a study (`mixrun study`): per round, the recommended mixture's predicted loss
// with its 95% prediction interval, and the best target loss measured so far, over runs spent.
// Contract: one row per stored round; "best observed" is the lowest eval/target/loss among the
// experiment's first `runs` finished runs (by run id: the order they were planned), empty when
// the runs have no such metric.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "report/figure.h"
#include "store/store.h"

namespace mixrun {

// None when there are no rounds.
std::optional<Figure> StudyProgressFigure(const std::string& experiment,
                                          const std::vector<StudyRoundRow>& rounds,
                                          const std::vector<RunPoint>& runs);

}  // namespace mixrun
