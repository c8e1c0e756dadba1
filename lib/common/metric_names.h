// The names of the metrics trainers write and laws read (DESIGN.md §4): train/loss, train/lr,
// eval/<domain>/loss and eval/target/loss. They are built and parsed here and nowhere else.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mixrun {

inline constexpr char kTrainLossMetric[] = "train/loss";
inline constexpr char kTrainLrMetric[] = "train/lr";
// The loss on the target mixture: the target-weighted mean of the domains' losses.
inline constexpr char kTargetLossMetric[] = "eval/target/loss";

// eval/<domain>/loss: the validation loss of one domain.
inline std::string DomainLossMetric(std::string_view domain) {
  return "eval/" + std::string(domain) + "/loss";
}

// The domain whose validation loss `name` is, or nullopt when it is no eval/<domain>/loss name
// (the target's loss names no domain).
inline std::optional<std::string> DomainOfLossMetric(std::string_view name) {
  constexpr std::string_view prefix = "eval/", suffix = "/loss";
  if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) ||
      !name.ends_with(suffix) || name == kTargetLossMetric) {
    return std::nullopt;
  }
  return std::string(name.substr(prefix.size(), name.size() - prefix.size() - suffix.size()));
}

// A domain name that cannot be given to a domain: its eval/<domain>/loss would be another metric
// ("target": eval/target/loss is the target mixture's loss). Config and import both refuse it.
inline bool IsReservedDomainName(std::string_view domain) {
  return !DomainOfLossMetric(DomainLossMetric(domain));
}

// Why a reserved domain name is refused, for the messages naming where it came from.
inline std::string ReservedDomainNameReason(std::string_view domain) {
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "'" + std::string(...).
  std::string reason = "'";
  reason.append(domain).append("' is a reserved name (").append(DomainLossMetric(domain));
  return reason.append(" is the target mixture's loss)");
}

}  // namespace mixrun
