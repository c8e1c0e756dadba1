#include "common/metrics_jsonl.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/json_text.h"

namespace mixrun {

Result<std::vector<MetricRow>> ParseMetricsJsonl(std::string_view text, const std::string& path) {
  std::vector<MetricRow> rows;
  int number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    auto parsed = ParseJsonText(line, path + " line " + std::to_string(number));
    if (!parsed.ok()) return Status::Failed(parsed.status().message());
    const nlohmann::json& object = *parsed;
    if (!object.is_object()) return Status::Failed(where + "not a JSON object");
    const auto name = object.find("name"), value = object.find("value"), step = object.find("step"),
               tokens = object.find("tokens");
    if (name == object.end() || !name->is_string() || value == object.end() ||
        !value->is_number() || step == object.end() || !step->is_number_integer() ||
        (tokens != object.end() && !tokens->is_number())) {
      return Status::Failed(where +
                            "expected {\"step\": int, \"tokens\": number, \"name\": "
                            "string, \"value\": number}");
    }
    MetricRow row;
    row.name = name->get<std::string>();
    row.step = step->get<int64_t>();
    row.tokens = tokens == object.end() ? 0.0 : tokens->get<double>();
    row.value = value->get<double>();
    if (row.step < 0 || !std::isfinite(row.tokens) || row.tokens < 0) {
      return Status::Failed(where + "step and tokens must be non-negative");
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<MetricRow>> ReadMetricsJsonl(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Failed(path + ": the trainer wrote no metrics.jsonl");
  std::ostringstream text;
  text << in.rdbuf();
  return ParseMetricsJsonl(text.str(), path);
}

}  // namespace mixrun
