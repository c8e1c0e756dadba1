#include "train/worker_protocol.h"

#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

namespace mixrun {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

Json RunJson(const RunRow& run) {
  return {{"run", run.id}, {"label", run.spec.label}, {"n_tokens", run.spec.n_tokens}};
}

RunRow RunFromJson(const Json& event) {
  RunRow run;
  run.id = event.value("run", int64_t{0});
  run.spec.label = event.value("label", std::string());
  run.spec.n_tokens = event.value("n_tokens", 0.0);
  return run;
}

// Log events are written by the worker's logger itself: each spdlog line becomes one event, or
// a plain stderr line once the parent is gone.
class WorkerLogSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit WorkerLogSink(WorkerEventWriter& writer) : writer_(writer) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    const std::string text(message.payload.data(), message.payload.size());
    const auto level = spdlog::level::to_string_view(message.level);
    if (!writer_.Write({{"event", "log"},
                        {"level", std::string(level.data(), level.size())},
                        {"message", text}})) {
      std::fprintf(stderr, "[%c] %s\n", spdlog::level::to_short_c_str(message.level)[0],
                   text.c_str());
    }
  }
  void flush_() override {}

 private:
  WorkerEventWriter& writer_;
};

}  // namespace

std::vector<std::string> WorkerArgv(const std::string& self, const TrainSweepRequest& request,
                                    const std::string& store_path,
                                    spdlog::level::level_enum level) {
  std::vector<std::string> argv = {self,      "train",        request.config,
                                   "--store", store_path,     "--max-runs",
                                   "1",       "--in-process", "--worker-events"};
  if (level <= spdlog::level::trace) argv.push_back("-vv");
  if (level == spdlog::level::debug) argv.push_back("-v");
  if (level == spdlog::level::warn) argv.push_back("-q");
  if (level >= spdlog::level::err) argv.push_back("-qq");
  if (!request.shard.empty()) argv.insert(argv.end(), {"--shard", request.shard});
  for (const std::string& file : request.include) {
    argv.insert(argv.end(), {"--include", std::filesystem::absolute(file).string()});
  }
  return argv;
}

Json SweepSummaryJson(const std::string& experiment, const std::string& store_path,
                      const SweepSummary& summary) {
  return {{"experiment", experiment},
          {"store", store_path},
          {"planned", summary.planned},
          {"trained", summary.trained},
          {"failed", summary.failed},
          {"failed_before", summary.failed_before},
          {"already_done", summary.already_done},
          {"busy", summary.busy},
          {"interrupted", summary.interrupted},
          {"failures", summary.failures}};
}

std::optional<WorkerEvent> ParseWorkerEvent(const std::string& line) {
  const Json json = Json::parse(line, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("event")) return std::nullopt;
  try {
    WorkerEvent event;
    const std::string kind = json.at("event").get<std::string>();
    if (kind == "log") {
      event.kind = WorkerEvent::Kind::kLog;
      event.level = spdlog::level::from_str(json.value("level", std::string("info")));
      event.text = json.value("message", std::string());
    } else if (kind == "started") {
      event.kind = WorkerEvent::Kind::kStarted;
      event.run = RunFromJson(json);
      event.index = json.value("index", 0);
      event.count = json.value("count", 0);
    } else if (kind == "progress") {
      event.kind = WorkerEvent::Kind::kProgress;
      event.run = RunFromJson(json);
      event.progress.step = json.value("step", int64_t{0});
      event.progress.total_steps = json.value("total_steps", int64_t{0});
      event.progress.tokens_per_second = json.value("tokens_per_second", 0.0);
      event.progress.loss = json.value("loss", 0.0);
      event.progress.resumed_from_step = json.value("resumed_from_step", int64_t{0});
    } else if (kind == "finished") {
      event.kind = WorkerEvent::Kind::kFinished;
      event.run = RunFromJson(json);
      if (json.contains("error")) {
        event.text = json.at("error").get<std::string>();
      } else {
        RunOutcome outcome;
        outcome.finished = json.value("finished", false);
        outcome.target_loss = json.value("target_loss", 0.0);
        outcome.wall_seconds = json.value("wall_seconds", 0.0);
        outcome.tokens_per_second = json.value("tokens_per_second", 0.0);
        outcome.warning = json.value("warning", std::string());
        event.outcome = outcome;
      }
    } else if (kind == "busy") {
      event.kind = WorkerEvent::Kind::kBusy;
      event.run = RunFromJson(json);
      event.text = json.value("why", std::string());
    } else if (kind == "summary") {
      event.kind = WorkerEvent::Kind::kSummary;
      event.summary.planned = json.value("planned", 0);
      event.summary.trained = json.value("trained", 0);
      event.summary.failed = json.value("failed", 0);
      event.summary.interrupted = json.value("interrupted", 0);
      for (const auto& failure : json.value("failures", Json::array())) {
        event.summary.failures.push_back(failure.get<std::string>());
      }
    } else {
      return std::nullopt;
    }
    return event;
  } catch (const Json::exception&) {
    return std::nullopt;  // a field of the wrong type: no event of this protocol
  }
}

WorkerEventWriter::WorkerEventWriter(int fd) : fd_(fd) {}

bool WorkerEventWriter::Write(const Json& event) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (orphaned_) return false;
  const std::string line = event.dump() + "\n";
  size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      orphaned_ = true;  // EPIPE (SIGPIPE is ignored by a worker): nobody reads any more
      return false;
    }
    written += static_cast<size_t>(n);
  }
  return true;
}

void WorkerEventWriter::WriteOrphaned(const std::vector<LogLine>& lines) {
  for (const LogLine& line : lines) {
    std::fprintf(stderr, "[%c] %s %s\n", spdlog::level::to_short_c_str(line.level)[0],
                 prefix_.c_str(), line.text.c_str());
  }
}

void WorkerEventWriter::RunStarted(const RunRow& run, int index, int count) {
  prefix_ = RunPrefix(run, index, count);
  last_progress_ = Clock::time_point();
  Json event = RunJson(run);
  event.update({{"event", "started"}, {"index", index}, {"count", count}});
  Write(event);
}

bool WorkerEventWriter::Progress(const RunRow& run, const TrainProgress& progress) {
  const auto now = Clock::now();
  if (now - last_progress_ < std::chrono::milliseconds(200) && progress.step < progress.total_steps)
    return true;
  last_progress_ = now;
  Json event = RunJson(run);
  event.update({{"event", "progress"},
                {"step", progress.step},
                {"total_steps", progress.total_steps},
                {"tokens_per_second", progress.tokens_per_second},
                {"loss", progress.loss},
                {"resumed_from_step", progress.resumed_from_step}});
  Write(event);
  return true;
}

void WorkerEventWriter::RunFinished(const RunRow& run, const Result<RunOutcome>& outcome) {
  Json event = RunJson(run);
  event["event"] = "finished";
  if (!outcome.ok()) {
    event["error"] = outcome.status().message();
  } else {
    event.update({{"finished", outcome->finished},
                  {"target_loss", outcome->target_loss},
                  {"wall_seconds", outcome->wall_seconds},
                  {"tokens_per_second", outcome->tokens_per_second},
                  {"warning", outcome->warning}});
  }
  if (!Write(event)) WriteOrphaned(DescribeRunEnd(run, outcome));
}

void WorkerEventWriter::RunBusy(const RunRow& run, const std::string& why) {
  Json event = RunJson(run);
  event.update({{"event", "busy"}, {"why", why}});
  if (!Write(event)) WriteOrphaned({{spdlog::level::warn, why}});
}

void WorkerEventWriter::Summary(const std::string& experiment, const std::string& store_path,
                                const SweepSummary& summary) {
  Json event = SweepSummaryJson(experiment, store_path, summary);
  event["event"] = "summary";
  Write(event);
}

std::shared_ptr<spdlog::sinks::sink> WorkerEventWriter::LogSink() {
  return std::make_shared<WorkerLogSink>(*this);
}

}  // namespace mixrun
