#include "laws/mixscale_model.h"

#include "laws/mixscale_cost.h"

namespace mixrun {
namespace {

template <typename Form>
std::unique_ptr<LawModel> ModelOf(bool per_row) {
  std::vector<ParamSpec> specs =
      MixscaleParamSpecs(Form::kParams == 4 * Form::kDomains + 5, Form::kDomains);
  if (per_row) {
    return std::make_unique<JetLawModel<MixscaleFunctor<Form>, Form::kParams>>(
        MixscaleFunctor<Form>(), std::move(specs));
  }
  return std::make_unique<MixscaleModel<Form>>(std::move(specs));
}

template <int K>
std::unique_ptr<LawModel> ModelWith(bool joint, int domains, bool per_row) {
  if constexpr (K > kMaxMixscaleDomains) {
    return nullptr;
  } else {
    if (domains != K) return ModelWith<K + 1>(joint, domains, per_row);
    return joint ? ModelOf<MixscaleJointForm<K>>(per_row)
                 : ModelOf<MixscaleAdditiveForm<K>>(per_row);
  }
}

}  // namespace

std::vector<ParamSpec> MixscaleParamSpecs(bool joint, int domains) {
  auto indexed = [](const std::string& name, int j) { return name + std::to_string(j); };
  std::vector<ParamSpec> specs = {{"e"}};
  for (int j = 0; j < domains; ++j) specs.push_back({indexed("c", j)});
  for (int j = 0; j < domains; ++j) specs.push_back({indexed("g", j)});
  for (const std::string scale : {"A", "B"}) {
    specs.push_back({scale == "A" ? "a" : "b"});
    if (!joint) continue;
    specs.push_back({"lambda" + scale});
    for (int j = 0; j + 1 < domains; ++j) specs.push_back({indexed("tau" + scale, j)});
  }
  specs.insert(specs.end(), {{"alpha"}, {"beta"}});
  return specs;
}

std::unique_ptr<LawModel> NewMixscaleModel(bool joint, int domains, bool per_row) {
  if (domains < 2 || domains > kMaxMixscaleDomains) return nullptr;
  return ModelWith<2>(joint, domains, per_row);
}

}  // namespace mixrun
