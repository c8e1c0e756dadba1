// JsonReader: reads typed values out of parsed JSON while collecting every problem it meets.
// Each problem is "FILE: /json/pointer: message"; unknown keys get a "did you mean" suggestion.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mixrun {

class JsonReader {
 public:
  explicit JsonReader(std::string file) : file_(std::move(file)) {}

  // Records a problem at `pointer`.
  void Problem(const std::string& pointer, const std::string& message);
  const std::vector<std::string>& problems() const { return problems_; }

  // Checks that `value` is an object whose keys are all in `allowed`; returns false (and records
  // a problem) when it is not an object.
  bool ExpectObject(const nlohmann::json& value, const std::string& pointer,
                    const std::vector<std::string_view>& allowed);

  // Typed getters: absent keys return nullopt (a problem when `required`); present values of the
  // wrong type or out of range record a problem and return nullopt.
  std::optional<std::string> String(const nlohmann::json& object, const std::string& pointer,
                                    const std::string& key, bool required = false);
  std::optional<std::string> Choice(const nlohmann::json& object, const std::string& pointer,
                                    const std::string& key,
                                    const std::vector<std::string_view>& choices);
  std::optional<double> Number(const nlohmann::json& object, const std::string& pointer,
                               const std::string& key, double min, double max,
                               bool required = false);
  std::optional<int64_t> Integer(const nlohmann::json& object, const std::string& pointer,
                                 const std::string& key, int64_t min, int64_t max,
                                 bool required = false);
  // A number or an array of numbers (a scalar reads as a one-element list).
  std::optional<std::vector<double>> Numbers(const nlohmann::json& object,
                                             const std::string& pointer, const std::string& key,
                                             double min, double max, bool required = false);
  // The child value, or nullptr when absent (a problem when `required`).
  const nlohmann::json* Child(const nlohmann::json& object, const std::string& pointer,
                              const std::string& key, bool required = false);

  // JSON pointer of `key` under `pointer` (escaping '~' and '/').
  static std::string Join(const std::string& pointer, std::string_view key);
  static std::string Join(const std::string& pointer, size_t index);

 private:
  std::string file_;
  std::vector<std::string> problems_;
};

// The candidate closest to `word` by edit distance, when close enough to be a likely typo.
std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string_view>& candidates);

}  // namespace mixrun
