#include "report/gnuplot_render.h"

#include <cstdlib>

#include "common/subprocess.h"

namespace mixrun {

std::string GnuplotProgram() {
  const char* chosen = std::getenv("MIXRUN_GNUPLOT");
  return chosen && *chosen ? chosen : "gnuplot";
}

GnuplotRenderer::GnuplotRenderer(std::string program, double timeout_s)
    : program_(std::move(program)), resolved_(FindInPath(program_)), timeout_s_(timeout_s) {}

std::string GnuplotRenderer::MissingNote() const {
  return "gnuplot not found ('" + program_ +
         "'): data and scripts written; install gnuplot (or set MIXRUN_GNUPLOT) and run "
         "`gnuplot NAME.gp > NAME.svg` in this folder to draw a figure";
}

Result<std::string> GnuplotRenderer::Render(const std::string& dir,
                                            const std::string& script) const {
  if (!available()) return Status::NotFound(MissingNote());
  SubprocessOptions options;
  options.working_dir = dir;
  options.name = "gnuplot " + script;
  MIXRUN_ASSIGN_OR_RETURN(Subprocess child, Subprocess::Start({resolved_, script}, options));
  const std::optional<ExitStatus> status = child.Wait(timeout_s_);
  if (!status) {
    child.Signal(SIGKILL);
    child.Wait();
    return Status::Failed(dir + "/" + script + ": gnuplot gave no answer within " +
                          std::to_string(static_cast<int>(timeout_s_)) + " s (killed)");
  }
  if (!status->success()) {
    return Status::Failed(dir + "/" + script + ": gnuplot " + status->Describe() + ": " +
                          child.err());
  }
  const size_t start = child.out().find("<svg");
  if (start == std::string::npos) {
    return Status::Failed(dir + "/" + script + ": gnuplot printed no SVG");
  }
  return child.out().substr(start);
}

}  // namespace mixrun
