#include "cluster/array_script.h"

#include <doctest/doctest.h>

#include <string>

#include "common/subprocess.h"
#include "testing/temp_dir.h"

using mixrun::ArrayScriptOptions;
using mixrun::RenderArrayScript;
using mixrun::ValidateArrayScriptOptions;

namespace {

ArrayScriptOptions Options() {
  ArrayScriptOptions options;
  options.experiment = "three-domains";
  options.mixrun = "/opt/mixrun/bin/mixrun";
  options.config = "/home/me/study/three-domains.json";
  options.study_dir = "/home/me/study/slurm/three-domains";
  options.array_size = 3;
  options.parallel = 2;
  options.runs = 6;
  return options;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("the array script runs shard k of K into shards/k.db") {
  const std::string script = RenderArrayScript(Options());
  CHECK(script.rfind("#!/bin/bash\n", 0) == 0);
  CHECK(Contains(script, "#SBATCH --array=0-2%2\n"));
  CHECK(Contains(script, "#SBATCH --job-name=mixrun-three-domains\n"));
  CHECK(Contains(script, "#SBATCH --chdir=/home/me/study/slurm/three-domains\n"));
  CHECK(Contains(script, "#SBATCH --output=/home/me/study/slurm/three-domains/logs/%A_%a.out\n"));
  CHECK(Contains(script, "#SBATCH --open-mode=append\n"));
  CHECK(Contains(script, "#SBATCH --requeue\n"));
  CHECK(Contains(script, "#SBATCH --signal=B:USR1@120\n"));
  CHECK(Contains(script, "#SBATCH --cpus-per-task=1\n"));
  CHECK(Contains(script,
                 "/opt/mixrun/bin/mixrun train /home/me/study/three-domains.json --shard "
                 "\"${shard}/3\" --store \"shards/${shard}.db\" --sole-writer &\n"));
  CHECK(Contains(script, "SLURM_RESTART_COUNT"));
  CHECK(Contains(script, "scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${shard}\""));
  // Optional flags appear only when given.
  CHECK_FALSE(Contains(script, "--partition"));
  CHECK_FALSE(Contains(script, "--time"));
  CHECK_FALSE(Contains(script, "--mem"));
}

TEST_CASE("the array script without throttle, with every option and odd paths") {
  ArrayScriptOptions options = Options();
  options.parallel = 0;
  options.array_size = 1;
  options.partition = "cpu";
  options.time = "01:30:00";
  options.cpus_per_task = 4;
  options.mem = "8G";
  options.sbatch_args = {"--account=lab", "--qos=low"};
  options.config = "/home/me/my study/it's.json";
  const std::string script = RenderArrayScript(options);
  CHECK(Contains(script, "#SBATCH --array=0-0\n"));
  CHECK(Contains(script, "#SBATCH --partition=cpu\n"));
  CHECK(Contains(script, "#SBATCH --time=01:30:00\n"));
  CHECK(Contains(script, "#SBATCH --mem=8G\n"));
  CHECK(Contains(script, "#SBATCH --cpus-per-task=4\n"));
  // The user's lines come last among the #SBATCH lines, so that they win.
  CHECK(script.find("#SBATCH --qos=low\n") > script.find("#SBATCH --signal"));
  CHECK(Contains(script, "train '/home/me/my study/it'\\''s.json' --shard \"${shard}/1\""));
}

TEST_CASE("the rendered script is valid bash") {
  mixrun::testing::TempDir dir;
  ArrayScriptOptions options = Options();
  options.config = "/tmp/a b/c.json";
  options.sbatch_args = {"--comment=x y"};
  const std::string path = dir.Write("job.sbatch", RenderArrayScript(options));
  auto checked = mixrun::RunCommand({"bash", "-n", path});
  REQUIRE(checked.ok());
  CHECK_MESSAGE(checked->exit_code == 0, checked->err);
}

TEST_CASE("the array script's options are checked, naming the flag") {
  ArrayScriptOptions options = Options();
  CHECK(ValidateArrayScriptOptions(options).ok());
  for (const char* time : {"10", "10:00", "1:00:00", "2-00", "2-12:00:00", "infinite"}) {
    options.time = time;
    CHECK_MESSAGE(ValidateArrayScriptOptions(options).ok(), time);
  }
  options.time = "1h";
  CHECK(ValidateArrayScriptOptions(options).message().find("--time") == 0);
  options = Options();
  options.mem = "lots";
  CHECK(ValidateArrayScriptOptions(options).message().find("--mem") == 0);
  options = Options();
  options.array_size = 0;
  CHECK(ValidateArrayScriptOptions(options).message().find("--array-size") == 0);
  options = Options();
  options.parallel = -1;
  CHECK(ValidateArrayScriptOptions(options).message().find("--parallel") == 0);
  options = Options();
  options.sbatch_args = {"--x\nrm -rf /"};
  CHECK(ValidateArrayScriptOptions(options).message().find("--sbatch-arg") == 0);
  options.sbatch_args = {"account=lab"};
  CHECK(ValidateArrayScriptOptions(options).message().find("--sbatch-arg") == 0);
  options = Options();
  options.partition = "cpu; rm";
  CHECK(ValidateArrayScriptOptions(options).message().find("--partition") == 0);
}

TEST_CASE("ShellQuote leaves plain words and quotes the rest") {
  CHECK(mixrun::ShellQuote("/a/b-c_d.json") == "/a/b-c_d.json");
  CHECK(mixrun::ShellQuote("a b") == "'a b'");
  CHECK(mixrun::ShellQuote("it's") == "'it'\\''s'");
  CHECK(mixrun::ShellQuote("$HOME") == "'$HOME'");
}
