// Subprocess: runs an external program (sbatch, squeue, sacct) and captures its output.
// The program is looked up in PATH first, so "not installed" is told apart from "refused".
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace mixrun {

struct CommandOutput {
  int exit_code = 0;  // the program's exit status; 128 + N when killed by signal N
  std::string out;
  std::string err;
};

// The absolute path of `program` (a bare name) found in PATH, or empty when it is not there.
std::string FindInPath(const std::string& program);

// Runs argv[0] (looked up in PATH) with the other arguments, stdin from /dev/null, and waits at
// most `timeout_s` seconds (then kills it). NotFound when the program is not in PATH; Failed when
// it cannot be started or times out. A non-zero exit is not an error here: see exit_code.
Result<CommandOutput> RunCommand(const std::vector<std::string>& argv, double timeout_s = 60);

}  // namespace mixrun
