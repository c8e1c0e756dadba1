// The version of mixrun (CMake's PROJECT_VERSION), recorded with every fit so that a number can
// be traced to the code that produced it.
#pragma once

namespace mixrun {

inline constexpr const char* kMixrunVersion = MIXRUN_VERSION;

}  // namespace mixrun
