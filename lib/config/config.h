// Loading an experiment config (docs/ARCHITECTURE.md §3): JSON with comments → a validated
// Experiment. Validation collects every problem, each "FILE: /json/pointer: message", into one
// InvalidInput.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "config/experiment.h"

namespace mixrun {

// Reads and validates the config file; paths inside resolve relative to its directory.
// `more_mixtures` are files of mixtures (`train --include`: what recommend or suggest --out wrote)
// appended to its mixtures.include, resolved against the current folder.
Result<Experiment> LoadExperiment(const std::string& path,
                                  const std::vector<std::string>& more_mixtures = {});

// The same from text already in memory; `path` names the file in messages and anchors paths.
Result<Experiment> ParseExperiment(const std::string& text, const std::string& path);

}  // namespace mixrun
