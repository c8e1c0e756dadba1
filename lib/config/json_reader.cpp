#include "config/json_reader.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/json_text.h"

namespace mixrun {
namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string TypeName(const nlohmann::json& value) {
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return "null";
}

std::string FormatNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

}  // namespace

std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string_view>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (std::string_view candidate : candidates) {
    size_t distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(candidate);
    }
  }
  return best;
}

void JsonReader::Problem(const std::string& pointer, const std::string& message) {
  problems_.push_back(file_ + ": " + (pointer.empty() ? "/" : pointer) + ": " + message);
}

std::string JsonReader::Join(const std::string& pointer, std::string_view key) {
  return pointer + "/" + EscapePointerToken(key);
}

std::string JsonReader::Join(const std::string& pointer, size_t index) {
  return pointer + "/" + std::to_string(index);
}

bool JsonReader::ExpectObject(const nlohmann::json& value, const std::string& pointer,
                              const std::vector<std::string_view>& allowed) {
  if (!value.is_object()) {
    Problem(pointer, "expected an object, found " + TypeName(value));
    return false;
  }
  for (const auto& [key, child] : value.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string message = "unknown key '" + key + "'";
    if (auto suggestion = ClosestMatch(key, allowed)) {
      message += " (did you mean '" + *suggestion + "'?)";
    }
    Problem(Join(pointer, key), message);
  }
  return true;
}

const nlohmann::json* JsonReader::Child(const nlohmann::json& object, const std::string& pointer,
                                        const std::string& key, bool required) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(key);
  if (found == object.end()) {
    if (required) Problem(pointer, "missing required key '" + key + "'");
    return nullptr;
  }
  return &*found;
}

std::optional<std::string> JsonReader::String(const nlohmann::json& object,
                                              const std::string& pointer, const std::string& key,
                                              bool required) {
  const nlohmann::json* value = Child(object, pointer, key, required);
  if (!value) return std::nullopt;
  if (!value->is_string()) {
    Problem(Join(pointer, key), "expected a string, found " + TypeName(*value));
    return std::nullopt;
  }
  return value->get<std::string>();
}

std::optional<std::string> JsonReader::Choice(const nlohmann::json& object,
                                              const std::string& pointer, const std::string& key,
                                              const std::vector<std::string_view>& choices) {
  auto value = String(object, pointer, key);
  if (!value) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *value) != choices.end()) return value;
  std::string list;
  for (std::string_view choice : choices) list += (list.empty() ? "" : ", ") + std::string(choice);
  std::string message = "'" + *value + "' is not one of: " + list;
  if (auto suggestion = ClosestMatch(*value, choices)) {
    message += " (did you mean '" + *suggestion + "'?)";
  }
  Problem(Join(pointer, key), message);
  return std::nullopt;
}

std::optional<double> JsonReader::Number(const nlohmann::json& object, const std::string& pointer,
                                         const std::string& key, double min, double max,
                                         bool required) {
  const nlohmann::json* value = Child(object, pointer, key, required);
  if (!value) return std::nullopt;
  if (!value->is_number()) {
    Problem(Join(pointer, key), "expected a number, found " + TypeName(*value));
    return std::nullopt;
  }
  double number = value->get<double>();
  if (!std::isfinite(number) || number < min || number > max) {
    Problem(Join(pointer, key), FormatNumber(number) + " is out of range [" + FormatNumber(min) +
                                    ", " + FormatNumber(max) + "]");
    return std::nullopt;
  }
  return number;
}

std::optional<int64_t> JsonReader::Integer(const nlohmann::json& object, const std::string& pointer,
                                           const std::string& key, int64_t min, int64_t max,
                                           bool required) {
  const nlohmann::json* value = Child(object, pointer, key, required);
  if (!value) return std::nullopt;
  if (!value->is_number() || value->get<double>() != std::floor(value->get<double>())) {
    Problem(Join(pointer, key), "expected an integer, found " +
                                    (value->is_number() ? value->dump() : TypeName(*value)));
    return std::nullopt;
  }
  auto number = Number(object, pointer, key, double(min), double(max), required);
  if (!number) return std::nullopt;
  return static_cast<int64_t>(*number);
}

std::optional<std::vector<double>> JsonReader::Numbers(const nlohmann::json& object,
                                                       const std::string& pointer,
                                                       const std::string& key, double min,
                                                       double max, bool required) {
  const nlohmann::json* value = Child(object, pointer, key, required);
  if (!value) return std::nullopt;
  if (value->is_number()) {
    auto single = Number(object, pointer, key, min, max);
    if (!single) return std::nullopt;
    return std::vector<double>{*single};
  }
  if (!value->is_array() || value->empty()) {
    Problem(Join(pointer, key),
            "expected a number or a non-empty array of numbers, found " + TypeName(*value));
    return std::nullopt;
  }
  std::vector<double> numbers;
  std::string array_pointer = Join(pointer, key);
  bool all_good = true;
  for (size_t i = 0; i < value->size(); ++i) {
    const auto& item = (*value)[i];
    std::string item_pointer = Join(array_pointer, i);
    if (!item.is_number()) {
      Problem(item_pointer, "expected a number, found " + TypeName(item));
      all_good = false;
      continue;
    }
    double number = item.get<double>();
    if (number < min || number > max) {
      Problem(item_pointer, FormatNumber(number) + " is out of range [" + FormatNumber(min) + ", " +
                                FormatNumber(max) + "]");
      all_good = false;
    }
    numbers.push_back(number);
  }
  if (!all_good) return std::nullopt;
  return numbers;
}

}  // namespace mixrun
