// DataFingerprint: what a domain's data is, by content, so that a run's key does not depend on
// where the study sits: the same files copied elsewhere give the same fingerprint.
// Sampled, not exhaustive: each file contributes its size and the SHA-256 of its first and last
// 64 KiB and of 14 evenly spaced 64 KiB blocks between them (files up to 1 MiB are read whole).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace mixrun {

// A hex digest over the files' digests, sorted (order and names do not matter; content does).
// An unreadable file is an InvalidInput naming it.
Result<std::string> DataFingerprint(const std::vector<std::string>& files);

}  // namespace mixrun
