// Rank transfer as a figure: each mixture both experiments ran, at its rank at the small scale
// (x) and at the large scale (y); on the line y = x the ranking holds. The small scale's top k
// are marked apart, since they are the mixtures a proxy study would pick.
#pragma once

#include "fit/rank_transfer.h"
#include "report/figure.h"

namespace mixrun {

Figure RankTransferFigure(const RankTransfer& transfer);

}  // namespace mixrun
