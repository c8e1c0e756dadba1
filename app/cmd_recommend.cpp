// mixrun recommend: not yet built (a helper session fills it).
#include "commands.h"

namespace mixrun {

int RunRecommend(const GlobalOptions&, const RecommendOptions&) {
  return RunNotYetAvailable("recommend");
}

}  // namespace mixrun
