// The prior over domains that simulate draws around, the KL penalty pulls toward and the
// "natural" baseline uses: token shares, uniform, or a JSON file of shares ({"domain": share}).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"

namespace mixrun {

struct Prior {
  std::string source;  // "tokens", "uniform" or the file's path
  Mixture shares;      // over exactly the fit's domains, positive, summing to 1
};

Prior UniformPrior(const std::vector<std::string>& domains);

// Token shares from the store's domain token counts; InvalidInput when a domain has none (runs
// imported from another trainer carry no token counts) naming --prior FILE.json as the way out.
Result<Prior> TokenPrior(const std::map<std::string, int64_t>& tokens,
                         const std::vector<std::string>& domains, const std::string& experiment);

// A JSON object of non-negative shares over exactly `domains` (renormalised to sum 1).
Result<Prior> ReadPriorFile(const std::string& path, const std::vector<std::string>& domains);

}  // namespace mixrun
