#include "common/run_settings.h"

#include <nlohmann/json.hpp>
#include <set>

#include "common/key_value.h"

namespace mixrun {
namespace {

void Flatten(const nlohmann::json& value, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      Flatten(child, prefix.empty() ? key : prefix + "." + key, out);
    }
    return;
  }
  out[prefix] = value.dump();
}

std::string Unquoted(const std::string& text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

bool SameValue(const std::string& stored, const std::string& wanted) {
  const std::optional<double> a = ParseNumber(stored), b = ParseNumber(wanted);
  if (a && b) return *a == *b;
  return Unquoted(stored) == Unquoted(wanted);
}

// The settings key `key` names: itself, or the one key ending in ".key".
Result<std::string> ResolveKey(const std::map<std::string, std::string>& settings,
                               const std::string& key) {
  if (settings.count(key)) return key;
  std::vector<std::string> matches;
  for (const auto& [name, value] : settings) {
    if (name.size() > key.size() && name.compare(name.size() - key.size(), key.size(), key) == 0 &&
        name[name.size() - key.size() - 1] == '.') {
      matches.push_back(name);
    }
  }
  if (matches.size() == 1) return matches[0];
  std::string known;
  for (const auto& [name, value] : settings) known += (known.empty() ? "" : ", ") + name;
  if (matches.empty()) {
    return Status::InvalidInput("--where " + key + ": no such setting (the runs have: " + known +
                                ")");
  }
  return Status::InvalidInput("--where " + key + ": ambiguous (" + matches[0] + ", " + matches[1] +
                              ", ...); name it whole");
}

}  // namespace

std::map<std::string, std::string> FlattenSettings(const std::string& settings_json) {
  std::map<std::string, std::string> flat;
  if (settings_json.empty()) return flat;
  const nlohmann::json parsed = nlohmann::json::parse(settings_json, nullptr, false);
  if (parsed.is_discarded()) return flat;
  Flatten(parsed, "", flat);
  return flat;
}

Result<SettingCondition> ParseSettingCondition(const std::string& text) {
  MIXRUN_ASSIGN_OR_RETURN(KeyValue pair,
                          SplitKeyValue(text, {.flag = "--where", .expected = "KEY=VALUE"}));
  return SettingCondition{pair.key, pair.value};
}

Result<bool> SettingsMatch(const std::map<std::string, std::string>& settings,
                           const std::vector<SettingCondition>& conditions) {
  for (const SettingCondition& condition : conditions) {
    MIXRUN_ASSIGN_OR_RETURN(std::string key, ResolveKey(settings, condition.key));
    if (!SameValue(settings.at(key), condition.value)) return false;
  }
  return true;
}

std::vector<std::string> DifferingSettings(
    const std::vector<const std::map<std::string, std::string>*>& settings) {
  std::set<std::string> keys, differing;
  for (const auto* one : settings) {
    for (const auto& [key, value] : *one) keys.insert(key);
  }
  for (const std::string& key : keys) {
    const std::string* first = nullptr;
    for (const auto* one : settings) {
      auto found = one->find(key);
      const std::string* value = found == one->end() ? nullptr : &found->second;
      if (one == settings.front()) {
        first = value;
      } else if ((first == nullptr) != (value == nullptr) || (first && *first != *value)) {
        differing.insert(key);
        break;
      }
    }
  }
  return {differing.begin(), differing.end()};
}

}  // namespace mixrun
