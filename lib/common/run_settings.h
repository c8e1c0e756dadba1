// Run settings: the training settings of a run (everything in its spec but the mixture, model,
// token budget and seed) as flat KEY -> value pairs, and the --where selection over them.
// Runs with different settings must not be fitted together unless the user says so.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace mixrun {

// "{"train": {"lr": 0.003}}" -> {"train.lr": "0.003"}: object keys joined by '.', values as
// compact JSON text (arrays whole). Empty or invalid text gives an empty map.
std::map<std::string, std::string> FlattenSettings(const std::string& settings_json);

// One condition of --where KEY=VALUE. KEY is a flat settings key or its unique last part(s)
// ("lr" for "train.lr"); VALUE compares as a number when both sides are numbers (1e-3 = 0.001),
// else as text (quotes of JSON strings ignored).
struct SettingCondition {
  std::string key;
  std::string value;
};

// Parses "KEY=VALUE" (InvalidInput naming the flag otherwise).
Result<SettingCondition> ParseSettingCondition(const std::string& text);

// Whether `settings` satisfy every condition. A key that matches no setting, or several, is an
// InvalidInput naming it and the keys there are.
Result<bool> SettingsMatch(const std::map<std::string, std::string>& settings,
                           const std::vector<SettingCondition>& conditions);

// The keys whose values differ among the given settings (a key absent from some counts as
// differing), sorted: what tells groups of runs apart.
std::vector<std::string> DifferingSettings(
    const std::vector<const std::map<std::string, std::string>*>& settings);

}  // namespace mixrun
