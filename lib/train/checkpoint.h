// Checkpoint: everything a run needs to continue bit-identically — parameters, AdamW moments and
// step count, sampler position, step — in one checksummed binary file replaced atomically.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace mixrun {

struct Checkpoint {
  uint64_t fingerprint = 0;       // hash of the run's spec: a checkpoint only resumes its own run
  int64_t step = 0;               // optimizer steps completed
  uint64_t sampler_position = 0;  // sequences drawn
  int64_t optimizer_steps = 0;    // AdamW's step count (bias correction)
  std::vector<float> parameters;
  std::vector<float> first_moment;
  std::vector<float> second_moment;
};

// Writes path.tmp, fsyncs it, renames it over path and fsyncs the directory: a crash leaves
// either the old checkpoint or the new one, never a torn file.
Status WriteCheckpoint(const std::string& path, const Checkpoint& checkpoint);

// nullopt when there is no checkpoint at path; an error when the file is damaged (bad magic,
// truncated, checksum mismatch), naming the file.
Result<std::optional<Checkpoint>> ReadCheckpoint(const std::string& path);

}  // namespace mixrun
