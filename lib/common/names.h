// Limits on the names users give experiments and domains. They end up in table columns, file
// names (run directories, exports), metric names (eval/<domain>/loss) and Slurm job names, where
// an unbounded name breaks layouts and path limits; 128 characters is room for any real name.
#pragma once

#include <cstddef>

namespace mixrun {

inline constexpr size_t kMaxNameLength = 128;

}  // namespace mixrun
