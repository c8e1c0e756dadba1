// mixrun submit: not yet built (a helper session fills it).
#include "commands.h"

namespace mixrun {

int RunSubmit(const GlobalOptions&, const SubmitOptions&) { return RunNotYetAvailable("submit"); }

}  // namespace mixrun
