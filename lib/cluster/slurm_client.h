// SlurmClient: the Slurm commands mixrun uses (sbatch to submit, squeue then sacct to see a job
// array's tasks), each a subprocess; missing or refusing commands become Status messages.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace mixrun {

struct TaskState {
  int task = -1;      // array index
  std::string state;  // PENDING, RUNNING, COMPLETED, FAILED, ... (Slurm's words)
  std::string elapsed;
  std::string node;  // or the reason a pending task waits
};

struct JobTasks {
  std::string source;            // "squeue", "sacct", or empty when neither knows the job
  std::string note;              // why the states are unknown, when they are
  std::vector<TaskState> tasks;  // ordered by task
};

// `sbatch --parsable SCRIPT`: the job id. InvalidInput when sbatch is missing or refuses (its
// message included).
Result<std::string> SubmitBatchScript(const std::string& script_path);

// The tasks of array job `job_id`: from squeue (which keeps finished jobs for MinJobAge), else from
// sacct. Never fails: what could not be learnt is in `note`.
JobTasks QueryJobTasks(const std::string& job_id);

// Parses squeue/sacct lines "JOBID_TASK|STATE|ELAPSED|NODE" (one per task; pending ranges such as
// 12_[3-5%2] expand). Exposed for tests.
std::vector<TaskState> ParseTaskLines(const std::string& text);

// True for states in which the task may still run (or is running): PENDING, RUNNING, ...
bool TaskIsActive(const std::string& state);

}  // namespace mixrun
