// mixrun status: not yet built (a helper session fills it).
#include "commands.h"

namespace mixrun {

int RunStatus(const GlobalOptions&, const StatusOptions&) { return RunNotYetAvailable("status"); }

}  // namespace mixrun
