#include "model/parameter_layout.h"

#include <doctest/doctest.h>

namespace mixrun {
namespace {

ModelSpec ModelA() {
  ModelSpec spec;
  spec.name = std::string("model-a");
  spec.layers = 2;
  spec.d_model = 256;
  spec.heads = 8;
  spec.vocab = 256;
  spec.context = 256;
  return spec;
}

TEST_CASE("parameter counts of the issue's model A") {
  const ParameterCount count = CountParameters(ModelA());
  // wte + wpe = 2·256·256; per layer 12·C² + 13·C; final LayerNorm 2·C.
  CHECK(count.total == 2 * 65536 + 2 * (12 * 65536 + 13 * 256) + 512);
  CHECK(count.non_embedding == count.total - 2 * 65536);
  CHECK(count.total == 1711104);
  const double flops = TrainingFlopsPerToken(ModelA());
  CHECK(flops == doctest::Approx(6.0 * (2 * 12 * 65536 + 65536) + 6.0 * 2 * 256 * 256));
  CHECK(flops / 1e6 == doctest::Approx(10.6).epsilon(0.01));
}

TEST_CASE("d_ff defaults to 4·d_model and is honoured when given") {
  ModelSpec spec = ModelA();
  spec.d_ff = 512;
  const ParameterCount smaller = CountParameters(spec);
  CHECK(CountParameters(ModelA()).total - smaller.total == 2 * (2 * 256 * 512 + 512));
}

TEST_CASE("invalid model specs are reported") {
  ModelSpec spec = ModelA();
  spec.heads = 3;
  const Status status = ValidateModelSpec(spec);
  CHECK(status.code() == Status::Code::kInvalidInput);
  CHECK(status.message().find("multiple of heads") != std::string::npos);
  spec = ModelA();
  spec.layers = 0;
  CHECK(!ValidateModelSpec(spec).ok());
}

TEST_CASE("weight decay applies to matrices only") {
  const ParameterLayout layout(ResolveShape(ModelA()));
  for (const ParameterTensor& tensor : layout.tensors()) {
    const bool is_matrix = tensor.name == "wte" || tensor.name == "wpe" || tensor.name == "qkvw" ||
                           tensor.name == "attprojw" || tensor.name == "fcw" ||
                           tensor.name == "fcprojw";
    CHECK_MESSAGE(tensor.decay == is_matrix, tensor.name);
  }
}

}  // namespace
}  // namespace mixrun
