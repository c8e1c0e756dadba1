#include "fit/estimator.h"

#include <cstring>

namespace mixrun {

std::vector<std::string> FitRows::Groups() const {
  std::vector<std::string> groups(size());
  const size_t bytes = static_cast<size_t>(num_features) * sizeof(double);
  for (size_t i = 0; i < size(); ++i) {
    groups[i].resize(bytes);
    if (bytes > 0) std::memcpy(groups[i].data(), row(i), bytes);
  }
  return groups;
}

}  // namespace mixrun
