// Data Mixing Laws' nested pipeline (Ye et al. 2024, §4) as one law of the catalog: per run a step
// law extrapolated to --at-steps, per mixture a size law extrapolated to --at-size (both in
// laws/pipeline_stages.h), then the mixing law (laws/mixing.h) fitted on those losses. The fit
// protocol fits the last stage; its bootstrap refits the whole chain (each step law on a resample
// of its points, the size laws on those, the mixing law on a resample of the mixtures), so the
// mean and prediction intervals carry every stage's uncertainty. The earlier stages are stored as
// fits of their own ("pipeline/step", "pipeline/size") with their accuracy.
#pragma once

#include "fit/law_entry.h"

namespace mixrun {

// The catalog's row: pipeline.
const LawEntry& PipelineLaw();

}  // namespace mixrun
