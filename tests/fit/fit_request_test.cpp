// FitRequest as fits.options_json keeps it: the pipeline's settings and the step runs are read
// as of (max_step) come back unchanged, so a stored fit says everything that produced it.
#include "fit/fit_request.h"

#include <doctest/doctest.h>

namespace mixrun {

TEST_CASE("a pipeline request round-trips through its stored JSON") {
  FitRequest request;
  request.law = "pipeline";
  request.domain_metrics = {"eval/a/loss", "eval/b/loss"};
  request.target_weights = {{"eval/a/loss", 0.25}, {"eval/b/loss", 0.75}};
  request.at_steps = 30000;
  request.at_size = 4.1e8;
  request.step_window = {8000, 28000};
  request.max_step = 30000;
  const nlohmann::json json = request.ToJson();
  CHECK(json.at("step_window") == nlohmann::json({8000, 28000}));
  auto back = FitRequest::FromJson(json);
  REQUIRE(back.ok());
  CHECK(back->at_steps == 30000);
  CHECK(back->at_size == 4.1e8);
  CHECK(back->step_window == std::pair<int64_t, int64_t>{8000, 28000});
  CHECK(back->max_step == 30000);
  CHECK(back->domain_metrics == request.domain_metrics);
  CHECK(back->target_weights == request.target_weights);
  CHECK(back->ToJson() == json);

  FitRequest mixing;
  mixing.law = "mixing";
  CHECK_FALSE(mixing.ToJson().contains("at_steps"));  // other laws keep their options as they were
  CHECK_FALSE(mixing.ToJson().contains("max_step"));
  nlohmann::json bad = json;
  bad["step_window"] = {1};
  CHECK(FitRequest::FromJson(bad).status().exit_code() == 2);
}

}  // namespace mixrun
