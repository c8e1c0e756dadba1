#include "model/parameter_layout.h"

namespace mixrun {

Status ValidateModelSpec(const ModelSpec& spec) {
  const std::string where = "model '" + spec.name + "': ";
  if (spec.layers < 1) return Status::InvalidInput(where + "layers must be at least 1");
  if (spec.d_model < 1) return Status::InvalidInput(where + "d_model must be at least 1");
  if (spec.heads < 1) return Status::InvalidInput(where + "heads must be at least 1");
  if (spec.d_model % spec.heads != 0) {
    return Status::InvalidInput(where + "d_model (" + std::to_string(spec.d_model) +
                                ") must be a multiple of heads (" + std::to_string(spec.heads) +
                                ")");
  }
  if (spec.d_ff < 0) return Status::InvalidInput(where + "d_ff must be 0 (4·d_model) or positive");
  if (spec.vocab < 2 || spec.vocab > 65536) {
    return Status::InvalidInput(where + "vocab must be in [2, 65536]");
  }
  if (spec.context < 1) return Status::InvalidInput(where + "context must be at least 1");
  return Status::Ok();
}

ModelShape ResolveShape(const ModelSpec& spec) {
  ModelShape shape;
  shape.layers = spec.layers;
  shape.channels = spec.d_model;
  shape.heads = spec.heads;
  shape.head_size = spec.heads > 0 ? spec.d_model / spec.heads : 0;
  shape.hidden = spec.d_ff > 0 ? spec.d_ff : 4 * spec.d_model;
  shape.vocab = spec.vocab;
  shape.context = spec.context;
  return shape;
}

ParameterLayout::ParameterLayout(const ModelShape& shape) : shape_(shape) {
  const size_t L = shape.layers, C = shape.channels, F = shape.hidden;
  const size_t V = shape.vocab, T = shape.context;
  wte = Add("wte", V * C, true, true);
  wpe = Add("wpe", T * C, true, true);
  ln1w = Add("ln1w", L * C, false, false);
  ln1b = Add("ln1b", L * C, false, false);
  qkvw = Add("qkvw", L * 3 * C * C, true, false);
  qkvb = Add("qkvb", L * 3 * C, false, false);
  attprojw = Add("attprojw", L * C * C, true, false);
  attprojb = Add("attprojb", L * C, false, false);
  ln2w = Add("ln2w", L * C, false, false);
  ln2b = Add("ln2b", L * C, false, false);
  fcw = Add("fcw", L * F * C, true, false);
  fcb = Add("fcb", L * F, false, false);
  fcprojw = Add("fcprojw", L * C * F, true, false);
  fcprojb = Add("fcprojb", L * C, false, false);
  lnfw = Add("lnfw", C, false, false);
  lnfb = Add("lnfb", C, false, false);
}

size_t ParameterLayout::Add(const std::string& name, size_t size, bool decay, bool embedding) {
  const size_t offset = total_;
  tensors_.push_back({name, offset, size, decay, embedding});
  total_ += size;
  return offset;
}

ParameterCount CountParameters(const ModelSpec& spec) {
  const ParameterLayout layout(ResolveShape(spec));
  ParameterCount count;
  for (const ParameterTensor& tensor : layout.tensors()) {
    count.total += static_cast<int64_t>(tensor.size);
    if (!tensor.embedding) count.non_embedding += static_cast<int64_t>(tensor.size);
  }
  return count;
}

double TrainingFlopsPerToken(const ModelSpec& spec) {
  const ModelShape shape = ResolveShape(spec);
  const double L = shape.layers, C = shape.channels, F = shape.hidden, V = shape.vocab;
  const double T = shape.context;
  const double matrix_weights = L * (3 * C * C + C * C + 2 * C * F) + V * C;
  return 6.0 * matrix_weights + 6.0 * L * T * C;
}

}  // namespace mixrun
