#include "cluster/slurm_client.h"

#include <algorithm>
#include <sstream>

#include "common/subprocess.h"

namespace mixrun {
namespace {

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.push_back("");
  return parts;
}

bool AllDigits(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), ::isdigit);
}

// "3", "[3-5%2]", "[1,4-5]" → the task indices.
std::vector<int> ExpandTaskSpec(std::string spec) {
  std::vector<int> tasks;
  if (AllDigits(spec)) return {std::stoi(spec)};
  if (spec.size() < 2 || spec.front() != '[' || spec.back() != ']') return tasks;
  spec = spec.substr(1, spec.size() - 2);
  spec = spec.substr(0, spec.find('%'));
  for (const auto& range : Split(spec, ',')) {
    size_t dash = range.find('-');
    std::string low = range.substr(0, dash);
    std::string high = dash == std::string::npos ? low : range.substr(dash + 1);
    if (!AllDigits(low) || !AllDigits(high)) continue;
    for (int t = std::stoi(low); t <= std::stoi(high) && tasks.size() < 100000; ++t) {
      tasks.push_back(t);
    }
  }
  return tasks;
}

}  // namespace

Result<std::string> SubmitBatchScript(const std::string& script_path) {
  auto output = RunCommand({"sbatch", "--parsable", script_path}, 120);
  if (!output.ok()) {
    if (output.status().code() == Status::Code::kNotFound) {
      return Status::InvalidInput(
          "sbatch not found in PATH: Slurm's client commands are needed to submit (on a "
          "machine without Slurm, scripts/slurm-local.sh starts a local one); the script is " +
          script_path);
    }
    return Status::InvalidInput("sbatch " + script_path + ": " + output.status().message());
  }
  if (output->exit_code != 0) {
    return Status::InvalidInput("sbatch refused " + script_path + " (exit " +
                                std::to_string(output->exit_code) +
                                "): " + Trim(output->err + output->out));
  }
  // --parsable prints "JOBID" or "JOBID;CLUSTER".
  std::string job_id = Trim(output->out);
  job_id = job_id.substr(0, job_id.find(';'));
  if (!AllDigits(job_id)) {
    return Status::InvalidInput("sbatch " + script_path + ": unexpected answer '" +
                                Trim(output->out) + "'");
  }
  return job_id;
}

std::vector<TaskState> ParseTaskLines(const std::string& text) {
  std::vector<TaskState> tasks;
  for (const auto& line : Split(text, '\n')) {
    auto fields = Split(Trim(line), '|');
    if (fields.size() < 2) continue;
    size_t underscore = fields[0].find('_');
    if (underscore == std::string::npos) continue;
    // sacct adds words after the state ("CANCELLED by 0"); the first is the state.
    std::string state = Trim(fields[1]);
    state = state.substr(0, state.find(' '));
    for (int task : ExpandTaskSpec(fields[0].substr(underscore + 1))) {
      TaskState entry;
      entry.task = task;
      entry.state = state;
      if (fields.size() > 2) entry.elapsed = Trim(fields[2]);
      if (fields.size() > 3) entry.node = Trim(fields[3]);
      tasks.push_back(entry);
    }
  }
  std::stable_sort(tasks.begin(), tasks.end(),
                   [](const TaskState& a, const TaskState& b) { return a.task < b.task; });
  // sacct lists a requeued task once per attempt: keep the last.
  std::vector<TaskState> unique;
  for (auto& task : tasks) {
    if (!unique.empty() && unique.back().task == task.task) {
      unique.back() = std::move(task);
    } else {
      unique.push_back(std::move(task));
    }
  }
  return unique;
}

JobTasks QueryJobTasks(const std::string& job_id) {
  JobTasks result;
  auto squeue =
      RunCommand({"squeue", "-h", "-r", "-t", "all", "-j", job_id, "-o", "%i|%T|%M|%N"}, 30);
  if (squeue.ok() && squeue->exit_code == 0) {
    result.tasks = ParseTaskLines(squeue->out);
    if (!result.tasks.empty()) {
      result.source = "squeue";
      return result;
    }
  }
  std::string squeue_note = !squeue.ok()
                                ? squeue.status().message()
                                : (squeue->exit_code != 0 ? "squeue: " + Trim(squeue->err) : "");
  auto sacct = RunCommand(
      {"sacct", "-n", "-P", "-X", "-j", job_id, "-o", "JobID,State,Elapsed,NodeList"}, 30);
  if (sacct.ok() && sacct->exit_code == 0) {
    result.tasks = ParseTaskLines(sacct->out);
    if (!result.tasks.empty()) {
      result.source = "sacct";
      return result;
    }
  }
  std::string sacct_note =
      !sacct.ok() ? sacct.status().message()
                  : (sacct->exit_code != 0 ? "sacct: " + Trim(sacct->err) : "sacct: no record");
  result.note = "job " + job_id + " unknown to Slurm now" +
                (squeue_note.empty() ? "" : " (" + squeue_note + ")") + "; " + sacct_note;
  return result;
}

bool TaskIsActive(const std::string& state) {
  static const char* const kActive[] = {"PENDING",      "RUNNING",      "CONFIGURING", "COMPLETING",
                                        "REQUEUED",     "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING",
                                        "SUSPENDED",    "STOPPED",      "SIGNALING",   "STAGE_OUT",
                                        "RESV_DEL_HOLD"};
  return std::find(std::begin(kActive), std::end(kActive), state) != std::end(kActive);
}

}  // namespace mixrun
