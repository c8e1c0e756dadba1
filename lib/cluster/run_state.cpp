#include "cluster/run_state.h"

namespace mixrun {

int RunStatusRank(const std::string& status) {
  if (status == "done") return 3;
  if (status == "failed") return 2;
  if (status == "running") return 1;
  return 0;
}

}  // namespace mixrun
