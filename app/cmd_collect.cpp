// mixrun collect: not yet built (a helper session fills it).
#include "commands.h"

namespace mixrun {

int RunCollect(const GlobalOptions&, const CollectOptions&) {
  return RunNotYetAvailable("collect");
}

}  // namespace mixrun
