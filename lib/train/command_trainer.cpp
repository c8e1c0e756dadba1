#include "train/command_trainer.h"

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/metric_names.h"
#include "common/subprocess.h"

namespace mixrun {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

}  // namespace

Result<std::vector<std::string>> ExpandArgv(const std::vector<std::string>& argv_template,
                                            const std::map<std::string, std::string>& values) {
  std::vector<std::string> argv;
  for (const std::string& part : argv_template) {
    std::string expanded;
    size_t position = 0;
    while (position < part.size()) {
      size_t open = part.find('{', position);
      if (open == std::string::npos) {
        expanded += part.substr(position);
        break;
      }
      size_t close = part.find('}', open);
      if (close == std::string::npos) {
        expanded += part.substr(position);
        break;
      }
      std::string name = part.substr(open + 1, close - open - 1);
      auto value = values.find(name);
      if (value == values.end()) {
        std::string known;
        for (const auto& [key, unused] : values) known += (known.empty() ? "" : ", ") + key;
        return Status::InvalidInput("backend.command: unknown placeholder {" + name +
                                    "} (known: " + known + ")");
      }
      expanded += part.substr(position, open - position) + value->second;
      position = close + 1;
    }
    argv.push_back(expanded);
  }
  if (argv.empty() || argv[0].empty()) {
    return Status::InvalidInput("backend.command: the argv template is empty");
  }
  return argv;
}

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
    const nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
    if (object.is_discarded() || !object.is_object()) {
      return Status::Failed(where + "not a JSON object");
    }
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

Result<RunOutcome> RunCommandTrainer(const CommandRunRequest& request, MetricSink& sink) {
  std::error_code error;
  fs::create_directories(request.run_dir, error);
  if (error) return Status::Failed(request.run_dir + ": cannot create: " + error.message());
  MIXRUN_ASSIGN_OR_RETURN(std::vector<std::string> argv,
                          ExpandArgv(request.argv_template, request.placeholders));
  const std::string metrics_path = (fs::path(request.run_dir) / "metrics.jsonl").string();
  const std::string stderr_path = (fs::path(request.run_dir) / "stderr.log").string();
  fs::remove(metrics_path, error);  // a rerun starts from what the trainer writes now

  SubprocessOptions spawn;
  spawn.working_dir = request.working_dir;
  spawn.stdout_to = spawn.stderr_to = OutputTo::kFile;
  spawn.stdout_file = (fs::path(request.run_dir) / "stdout.log").string();
  spawn.stderr_file = stderr_path;
  spawn.stderr_tail_bytes = 400;  // enough to say why it failed, short enough for `mixrun runs`
  spawn.name = "the trainer '" + argv[0] + "'";
  auto start = Clock::now();
  MIXRUN_ASSIGN_OR_RETURN(Subprocess trainer, Subprocess::Start(argv, spawn));
  ExitStatus status;
  bool stopped = false;
  while (true) {
    if (auto exited = trainer.Poll(/*wait_ms=*/20)) {
      status = *exited;
      break;
    }
    if (!stopped && request.stop && request.stop->load()) {
      trainer.Signal(SIGTERM);
      stopped = true;
    }
  }
  RunOutcome outcome;
  outcome.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (stopped) return outcome;  // finished = false: the run goes back to pending

  auto rows = ReadMetricsJsonl(metrics_path);
  if (rows.ok() && !rows->empty()) MIXRUN_RETURN_IF_ERROR(sink.Write(*rows));
  if (!status.success()) {
    std::string tail = (trainer.err_truncated() ? "…" : "") + trainer.err();
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
    return Status::Failed("trainer " + status.Describe() +
                          (tail.empty() ? "" : "; stderr: " + tail));
  }
  if (!rows.ok()) return rows.status();

  std::map<std::string, std::pair<int64_t, double>> last;  // name -> (step, value)
  for (const MetricRow& row : *rows) {
    auto found = last.find(row.name);
    if (found == last.end() || row.step >= found->second.first)
      last[row.name] = {row.step, row.value};
    outcome.steps = std::max(outcome.steps, row.step);
    outcome.tokens = std::max(outcome.tokens, row.tokens);
  }
  for (const auto& [name, value] : last) {
    if (auto domain = DomainOfLossMetric(name)) outcome.eval_losses[*domain] = value.second;
  }
  if (last.count(kTrainLossMetric)) outcome.final_train_loss = last[kTrainLossMetric].second;
  if (last.count(kTargetLossMetric)) {
    outcome.target_loss = last[kTargetLossMetric].second;
  } else if (!request.target_weights.empty()) {
    double target = 0;
    bool complete = true;
    for (const auto& [domain, weight] : request.target_weights) {
      auto loss = outcome.eval_losses.find(domain);
      if (loss == outcome.eval_losses.end()) {
        complete = weight == 0 && complete;
        continue;
      }
      target += weight * loss->second;
    }
    if (complete) {
      outcome.target_loss = target;
      MIXRUN_RETURN_IF_ERROR(
          sink.Write({{kTargetLossMetric, outcome.steps, outcome.tokens, target}}));
    }
  }
  outcome.finished = true;
  if (outcome.wall_seconds > 0) outcome.tokens_per_second = outcome.tokens / outcome.wall_seconds;
  return outcome;
}

}  // namespace mixrun
