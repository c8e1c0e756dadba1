#include "config/config.h"

#include <glob.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "common/json_text.h"
#include "common/metric_names.h"
#include "common/names.h"
#include "config/json_reader.h"

namespace mixrun {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr double kWeightSumTolerance = 1e-6;

// The regular files `pattern` matches, sorted. A match whose type cannot be read (a symlink
// loop, a directory we may not search) goes to `unreadable` as "PATH: reason": the throwing
// fs::is_regular_file would turn the user's broken link into an internal error.
std::vector<std::string> ExpandGlob(const std::string& pattern,
                                    std::vector<std::string>& unreadable) {
  std::vector<std::string> files;
  glob_t matches{};
  if (::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &matches) == 0) {
    for (size_t i = 0; i < matches.gl_pathc; ++i) {
      std::error_code error;
      const fs::file_status status = fs::status(matches.gl_pathv[i], error);
      // A dangling link (not_found) is no file, as before; any other error is the user's to fix.
      if (error && status.type() != fs::file_type::not_found) {
        unreadable.push_back(std::string(matches.gl_pathv[i]) + ": " + error.message());
      } else if (fs::is_regular_file(status)) {
        files.push_back(matches.gl_pathv[i]);
      }
    }
  }
  globfree(&matches);
  std::sort(files.begin(), files.end());
  std::sort(unreadable.begin(), unreadable.end());
  return files;
}

class ExperimentParser {
 public:
  ExperimentParser(const std::string& path, Experiment& out) : reader_(path), out_(out) {}

  void Parse(const json& root) {
    if (!reader_.ExpectObject(
            root, "",
            {"name", "store", "domains", "target", "mixtures", "models", "train", "backend"})) {
      return;
    }
    if (auto name = reader_.String(root, "", "name", true)) {
      static const std::regex kName("[A-Za-z0-9][A-Za-z0-9._-]*");
      if (!std::regex_match(*name, kName)) {
        reader_.Problem("/name",
                        "'" + *name + "' is not a valid name (letters, digits, '.', '_', '-')");
      } else if (name->size() > kMaxNameLength) {
        reader_.Problem("/name", TooLong(*name));
      }
      out_.name = *name;
    }
    if (auto store = reader_.String(root, "", "store")) out_.store = Resolve(*store);
    ParseDomains(reader_.Child(root, "", "domains", true));
    ParseTarget(reader_.Child(root, "", "target"));
    ParseMixtures(reader_.Child(root, "", "mixtures"));
    ParseTrain(reader_.Child(root, "", "train"));  // before models: they copy the context
    ParseModels(reader_.Child(root, "", "models", true));
    ParseBackend(reader_.Child(root, "", "backend"));
  }

  const std::vector<std::string>& problems() const { return reader_.problems(); }

 private:
  std::string Resolve(const std::string& path) const {
    fs::path p(path);
    return (p.is_absolute() ? p : fs::path(out_.config_dir) / p).lexically_normal().string();
  }

  // Names over kMaxNameLength (common/names.h); the message quotes only the start of the name.
  static std::string TooLong(const std::string& name) {
    return "'" + name.substr(0, 20) + "…' is " + std::to_string(name.size()) +
           " characters long; names are at most " + std::to_string(kMaxNameLength);
  }

  std::vector<std::string_view> DomainNames() const {
    std::vector<std::string_view> names;
    for (const auto& domain : out_.domains) names.push_back(domain.name);
    return names;
  }

  // A mixture object {domain: weight}: known domains, non-negative, summing to 1.
  std::optional<Mixture> ParseMixture(const json& value, const std::string& pointer) {
    if (!value.is_object() || value.empty()) {
      reader_.Problem(pointer, "expected an object of domain weights, e.g. {\"web\": 0.5, ...}");
      return std::nullopt;
    }
    Mixture mixture;
    double sum = 0;
    bool good = true;
    auto names = DomainNames();
    for (const auto& [domain, weight] : value.items()) {
      std::string item = JsonReader::Join(pointer, domain);
      if (std::find(names.begin(), names.end(), domain) == names.end()) {
        std::string message = "unknown domain '" + domain + "'";
        if (auto suggestion = ClosestMatch(domain, names)) {
          message += " (did you mean '" + *suggestion + "'?)";
        }
        reader_.Problem(item, message);
        good = false;
        continue;
      }
      if (!weight.is_number() || weight.get<double>() < 0 || !std::isfinite(weight.get<double>())) {
        reader_.Problem(item, "a weight must be a non-negative number, found " + weight.dump());
        good = false;
        continue;
      }
      mixture[domain] = weight.get<double>();
      sum += weight.get<double>();
    }
    if (good && std::abs(sum - 1.0) > kWeightSumTolerance) {
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%.9g", sum);
      reader_.Problem(pointer, std::string("weights sum to ") + buffer + ", not 1");
      good = false;
    }
    if (!good) return std::nullopt;
    return mixture;
  }

  // An entry of mixtures.include: a mixture object, "uniform", or the path of a JSON file holding
  // a mixture (as `mixrun recommend --out` writes) or an array of them (as `mixrun suggest --out`
  // writes), relative to the config. Nothing when it is faulty (the problem is recorded).
  std::vector<Mixture> ParseIncludedMixtures(const json& value, const std::string& pointer) {
    const auto one = [](std::optional<Mixture> mixture) {
      return mixture ? std::vector<Mixture>{*mixture} : std::vector<Mixture>{};
    };
    if (!value.is_string()) return one(ParseMixture(value, pointer));
    const std::string text = value.get<std::string>();
    if (text == "uniform") {
      Mixture uniform;
      for (const auto& domain : out_.domains) uniform[domain.name] = 1.0 / out_.domains.size();
      return {uniform};
    }
    std::ifstream in(Resolve(text));
    if (!in) {
      reader_.Problem(pointer, "'" + text +
                                   "' is neither \"uniform\" nor a readable JSON file of "
                                   "a mixture (looked for " +
                                   Resolve(text) + ")");
      return {};
    }
    std::stringstream contents;
    contents << in.rdbuf();
    auto file = ParseJsonText(contents.str(), Resolve(text));
    if (!file.ok()) {
      reader_.Problem(pointer, file.status().message());
      return {};
    }
    if (!file->is_array()) return one(ParseMixture(*file, pointer + " (" + text + ")"));
    std::vector<Mixture> mixtures;
    for (size_t i = 0; i < file->size(); ++i) {
      auto mixture =
          ParseMixture((*file)[i], pointer + " (" + text + ", /" + std::to_string(i) + ")");
      if (mixture) mixtures.push_back(*mixture);
    }
    if (file->empty()) reader_.Problem(pointer, "'" + text + "' holds an empty array of mixtures");
    return mixtures;
  }

  void ParseDomains(const json* domains) {
    if (!domains) return;
    if (!domains->is_array() || domains->empty()) {
      reader_.Problem("/domains", "expected a non-empty array of domains");
      return;
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < domains->size(); ++i) {
      const json& item = (*domains)[i];
      std::string pointer = JsonReader::Join("/domains", i);
      if (!reader_.ExpectObject(item, pointer, {"name", "paths", "format", "field", "vocab"})) {
        continue;
      }
      DomainSpec domain;
      if (auto name = reader_.String(item, pointer, "name", true)) {
        domain.name = *name;
        if (domain.name.empty() || domain.name.find('/') != std::string::npos) {
          reader_.Problem(pointer + "/name", "a domain name must be non-empty and have no '/'");
        } else if (IsReservedDomainName(domain.name)) {
          // A domain named "target" would write its own loss into eval/target/loss.
          reader_.Problem(pointer + "/name",
                          ReservedDomainNameReason(domain.name) + "; rename the domain");
        } else if (domain.name.size() > kMaxNameLength) {
          reader_.Problem(pointer + "/name", TooLong(domain.name));
        } else if (!seen.insert(domain.name).second) {
          reader_.Problem(pointer + "/name", "duplicate domain name '" + domain.name + "'");
        }
      }
      if (auto format = reader_.Choice(item, pointer, "format", {"text", "jsonl", "tokens-u16"})) {
        domain.format = *format == "jsonl"        ? CorpusFormat::kJsonl
                        : *format == "tokens-u16" ? CorpusFormat::kTokensU16
                                                  : CorpusFormat::kText;
      }
      if (auto field = reader_.String(item, pointer, "field")) {
        if (domain.format != CorpusFormat::kJsonl) {
          reader_.Problem(pointer + "/field", "'field' applies only to format 'jsonl'");
        }
        domain.field = *field;
      }
      if (domain.format == CorpusFormat::kTokensU16) {
        if (auto vocab = reader_.Integer(item, pointer, "vocab", 2, 65536, true)) {
          domain.vocab = static_cast<int>(*vocab);
        }
      } else if (reader_.Child(item, pointer, "vocab")) {
        reader_.Problem(pointer + "/vocab", "'vocab' applies only to format 'tokens-u16'");
      }
      ParsePaths(item, pointer, domain);
      out_.domains.push_back(std::move(domain));
    }
  }

  void ParsePaths(const json& item, const std::string& pointer, DomainSpec& domain) {
    const json* paths = reader_.Child(item, pointer, "paths", true);
    if (!paths) return;
    if (!paths->is_array() || paths->empty()) {
      reader_.Problem(pointer + "/paths", "expected a non-empty array of file paths or globs");
      return;
    }
    std::set<std::string> files;
    for (size_t j = 0; j < paths->size(); ++j) {
      std::string path_pointer = JsonReader::Join(pointer + "/paths", j);
      if (!(*paths)[j].is_string()) {
        reader_.Problem(path_pointer, "expected a string path or glob");
        continue;
      }
      std::string pattern = Resolve((*paths)[j].get<std::string>());
      domain.patterns.push_back(pattern);
      std::vector<std::string> unreadable;
      auto matched = ExpandGlob(pattern, unreadable);
      for (const std::string& fault : unreadable) reader_.Problem(path_pointer, fault);
      if (matched.empty() && unreadable.empty()) {
        reader_.Problem(path_pointer, "'" + (*paths)[j].get<std::string>() +
                                          "' matches no file (looked for " + pattern + ")");
      }
      files.insert(matched.begin(), matched.end());
    }
    domain.files.assign(files.begin(), files.end());
  }

  void ParseTarget(const json* target) {
    if (!target) {
      for (const auto& domain : out_.domains) {
        out_.target.weights[domain.name] = 1.0 / out_.domains.size();
      }
      return;
    }
    if (!reader_.ExpectObject(*target, "/target", {"weights", "domain"})) return;
    const json* weights = reader_.Child(*target, "/target", "weights");
    auto domain = reader_.String(*target, "/target", "domain");
    if ((weights != nullptr) == domain.has_value()) {
      reader_.Problem("/target", "give exactly one of 'weights' or 'domain'");
      return;
    }
    if (weights) {
      if (auto mixture = ParseMixture(*weights, "/target/weights")) out_.target.weights = *mixture;
    } else {
      auto mixture = ParseMixture(json{{*domain, 1.0}}, "/target/domain");
      if (mixture) out_.target.weights = *mixture;
    }
  }

  void ParseMixtures(const json* mixtures) {
    MixtureDesignSpec& spec = out_.mixtures;
    if (!mixtures) {
      reader_.Problem("", "missing required key 'mixtures'");
      return;
    }
    const std::string p = "/mixtures";
    if (!reader_.ExpectObject(*mixtures, p,
                              {"design", "count", "prior", "temperature", "strength", "max_epochs",
                               "min_weight", "seed", "include", "grid_steps"})) {
      return;
    }
    if (auto design = reader_.Choice(
            *mixtures, p, "design", {"explicit", "dirichlet", "grid", "onehot", "leave-one-out"})) {
      spec.design = *design;
    }
    if (auto count = reader_.Integer(*mixtures, p, "count", 1, 1000000)) spec.count = int(*count);
    if (spec.design == "dirichlet" && spec.count == 0 && !reader_.Child(*mixtures, p, "count")) {
      reader_.Problem(p, "design 'dirichlet' needs 'count' (how many mixtures to draw)");
    }
    if (const json* prior = reader_.Child(*mixtures, p, "prior")) {
      if (prior->is_object()) {
        if (auto weights = ParseMixture(*prior, p + "/prior")) {
          spec.prior = "given";
          spec.prior_weights = *weights;
        }
      } else if (auto name = reader_.Choice(*mixtures, p, "prior", {"tokens", "uniform"})) {
        spec.prior = *name;
      }
    }
    if (auto t = reader_.Number(*mixtures, p, "temperature", 1e-3, 100)) spec.temperature = *t;
    if (auto strength = reader_.Numbers(*mixtures, p, "strength", 1e-6, 1e6)) {
      if (strength->size() != 2 || (*strength)[0] > (*strength)[1]) {
        reader_.Problem(p + "/strength", "expected [low, high] with low <= high");
      } else {
        spec.strength_min = (*strength)[0];
        spec.strength_max = (*strength)[1];
      }
    }
    if (auto epochs = reader_.Number(*mixtures, p, "max_epochs", 1e-6, 1e9))
      spec.max_epochs = *epochs;
    if (auto min = reader_.Number(*mixtures, p, "min_weight", 0, 0.5)) {
      spec.min_weight = *min;
      // The Dirichlet design rounds weights to multiples of min_weight that must sum to 1.
      const double units = std::round(1 / *min);
      if (spec.design == "dirichlet" && *min > 0 && std::abs(units * *min - 1) > 1e-9) {
        reader_.Problem(p + "/min_weight",
                        "must be 1/K for an integer K (e.g. 2e-4, 1e-3, 0.01) "
                        "so that weights on its grid sum to 1");
      }
    }
    if (auto seed = reader_.Integer(*mixtures, p, "seed", 0, int64_t{1} << 53)) spec.seed = *seed;
    if (auto steps = reader_.Integer(*mixtures, p, "grid_steps", 1, 100)) {
      spec.grid_step_count = int(*steps);
    }
    if (const json* include = reader_.Child(*mixtures, p, "include")) {
      if (!include->is_array()) {
        reader_.Problem(p + "/include", "expected an array of mixtures");
      } else {
        for (size_t i = 0; i < include->size(); ++i) {
          for (Mixture& mixture :
               ParseIncludedMixtures((*include)[i], JsonReader::Join(p + "/include", i))) {
            spec.include.push_back(std::move(mixture));
          }
        }
      }
    }
    if (spec.design == "explicit" && spec.include.empty() && reader_.problems().empty()) {
      reader_.Problem(p, "design 'explicit' needs at least one mixture in 'include'");
    }
  }

  void ParseModels(const json* models) {
    if (!models) return;
    if (!models->is_array() || models->empty()) {
      reader_.Problem("/models", "expected a non-empty array of models");
      return;
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < models->size(); ++i) {
      const json& item = (*models)[i];
      std::string pointer = JsonReader::Join("/models", i);
      if (item.is_object() && item.contains("ladder")) {
        if (reader_.ExpectObject(item, pointer, {"ladder"})) {
          ParseLadder(item["ladder"], pointer + "/ladder", seen);
        }
        continue;
      }
      if (!reader_.ExpectObject(item, pointer, {"name", "layers", "d_model", "heads", "d_ff"})) {
        continue;
      }
      ModelSpec model;
      if (auto name = reader_.String(item, pointer, "name", true)) model.name = *name;
      if (auto v = reader_.Integer(item, pointer, "layers", 1, 256, true)) model.layers = int(*v);
      if (auto v = reader_.Integer(item, pointer, "d_model", 1, 65536, true))
        model.d_model = int(*v);
      if (auto v = reader_.Integer(item, pointer, "heads", 1, 1024, true)) model.heads = int(*v);
      if (auto v = reader_.Integer(item, pointer, "d_ff", 1, 1 << 20)) model.d_ff = int(*v);
      AddModel(model, pointer + "/name", pointer + "/heads", seen);
    }
  }

  // Validates a model's shape, resolves its defaults and appends it.
  void AddModel(ModelSpec model, const std::string& name_pointer, const std::string& heads_pointer,
                std::set<std::string>& seen) {
    if (!model.name.empty() && !seen.insert(model.name).second) {
      reader_.Problem(name_pointer, "duplicate model name '" + model.name + "'");
    }
    if (model.d_model % model.heads != 0) {
      reader_.Problem(heads_pointer, "d_model (" + std::to_string(model.d_model) +
                                         ") must be divisible by heads (" +
                                         std::to_string(model.heads) + ")");
    }
    if (model.d_ff == 0) model.d_ff = 4 * model.d_model;
    // Byte domains use ids 0..255 and token shards their own vocabulary: one table holds both.
    for (const auto& domain : out_.domains) model.vocab = std::max(model.vocab, domain.vocab);
    model.context = out_.train.context;
    out_.models.push_back(model);
  }

  // A ladder of model sizes, {"layers": [2, 4], "d_model": [64, 128], "heads": 4}: the i-th rung
  // takes the i-th value of every list (lists have equal lengths; a single number applies to every
  // rung). Rungs are named by `names`, or "l<layers>-d<d_model>".
  void ParseLadder(const json& ladder, const std::string& p, std::set<std::string>& seen) {
    if (!reader_.ExpectObject(ladder, p, {"layers", "d_model", "heads", "d_ff", "names"})) return;
    struct Column {
      const char* key;
      int64_t min, max;
      bool required;
      std::vector<int> values;
    };
    std::vector<Column> columns = {{"layers", 1, 256, true, {}},
                                   {"d_model", 1, 65536, true, {}},
                                   {"heads", 1, 1024, true, {}},
                                   {"d_ff", 1, 1 << 20, false, {}}};
    size_t rungs = 1;
    std::string rungs_from;  // the first list's key, for the length-mismatch message
    bool good = true;
    auto check_length = [&](const std::string& key, size_t length) {
      if (length == 1 && !ladder[key].is_array()) return;
      if (rungs_from.empty()) {
        rungs = length;
        rungs_from = key;
      } else if (length != rungs) {
        reader_.Problem(p + "/" + key, "has " + std::to_string(length) + " values but '" +
                                           rungs_from + "' has " + std::to_string(rungs) +
                                           " (one per rung)");
        good = false;
      }
    };
    for (Column& column : columns) {
      auto values = reader_.Numbers(ladder, p, column.key, double(column.min), double(column.max),
                                    column.required);
      if (!values) {
        good = good && !column.required && !ladder.contains(column.key);
        continue;
      }
      for (size_t r = 0; r < values->size(); ++r) {
        if ((*values)[r] != std::floor((*values)[r])) {
          reader_.Problem(JsonReader::Join(p + "/" + column.key, r), "expected an integer");
          good = false;
        }
        column.values.push_back(int((*values)[r]));
      }
      check_length(column.key, values->size());
    }
    std::vector<std::string> names;
    if (const json* given = reader_.Child(ladder, p, "names")) {
      if (!given->is_array() ||
          !std::all_of(given->begin(), given->end(), [](const json& n) { return n.is_string(); })) {
        reader_.Problem(p + "/names", "expected an array of model names, one per rung");
        good = false;
      } else {
        names = given->get<std::vector<std::string>>();
        check_length("names", names.size());
      }
    }
    if (!good) return;
    for (size_t r = 0; r < rungs; ++r) {
      auto at = [&](const Column& column) {
        return column.values.empty() ? 0 : column.values[column.values.size() == 1 ? 0 : r];
      };
      ModelSpec model;
      model.layers = at(columns[0]);
      model.d_model = at(columns[1]);
      model.heads = at(columns[2]);
      model.d_ff = at(columns[3]);
      model.name = names.empty()
                       ? "l" + std::to_string(model.layers) + "-d" + std::to_string(model.d_model)
                       : names[r];
      const std::string heads_pointer =
          ladder["heads"].is_array() ? JsonReader::Join(p + "/heads", r) : p + "/heads";
      AddModel(model, names.empty() ? p : JsonReader::Join(p + "/names", r), heads_pointer, seen);
    }
  }

  void ParseTrain(const json* train) {
    TrainSpec& spec = out_.train;
    if (!train) {
      reader_.Problem("", "missing required key 'train'");
      return;
    }
    const std::string p = "/train";
    if (!reader_.ExpectObject(*train, p,
                              {"tokens", "tokens_per_param", "param_count", "context", "batch",
                               "lr", "schedule", "warmup", "weight_decay", "grad_clip", "seeds",
                               "eval_every", "eval_tokens", "checkpoint_every", "val_fraction"})) {
      return;
    }
    ParseBudgets(*train, p);
    if (auto v = reader_.Integer(*train, p, "context", 2, 1 << 16)) spec.context = int(*v);
    if (auto v = reader_.Integer(*train, p, "batch", 1, 1 << 16)) spec.batch = int(*v);
    if (auto v = reader_.Number(*train, p, "lr", 1e-12, 10)) spec.lr = *v;
    if (auto v = reader_.Choice(*train, p, "schedule", {"cosine", "constant"})) spec.schedule = *v;
    if (auto v = reader_.Number(*train, p, "warmup", 0, 0.999)) spec.warmup = *v;
    if (auto v = reader_.Number(*train, p, "weight_decay", 0, 10)) spec.weight_decay = *v;
    if (auto v = reader_.Number(*train, p, "grad_clip", 0, 1e6)) spec.grad_clip = *v;
    if (auto seeds = reader_.Numbers(*train, p, "seeds", 0, double(int64_t{1} << 53))) {
      spec.seeds.clear();
      std::set<uint64_t> unique;
      for (size_t i = 0; i < seeds->size(); ++i) {
        double seed = (*seeds)[i];
        if (seed != std::floor(seed)) {
          reader_.Problem(JsonReader::Join(p + "/seeds", i), "a seed must be an integer");
        } else if (!unique.insert(uint64_t(seed)).second) {
          reader_.Problem(JsonReader::Join(p + "/seeds", i), "duplicate seed");
        }
        spec.seeds.push_back(uint64_t(seed));
      }
    }
    if (auto v = reader_.Integer(*train, p, "eval_every", 1, int64_t{1} << 40))
      spec.eval_every = int(*v);
    if (auto v = reader_.Integer(*train, p, "eval_tokens", 1, int64_t{1} << 40))
      spec.eval_tokens = int(*v);
    if (auto v = reader_.Integer(*train, p, "checkpoint_every", 1, int64_t{1} << 40)) {
      spec.checkpoint_every = int(*v);
    }
    if (auto v = reader_.Number(*train, p, "val_fraction", 1e-4, 0.5)) spec.val_fraction = *v;
  }

  // Token budgets: absolute (`tokens`) or per model as multiples of its parameter count.
  void ParseBudgets(const json& train, const std::string& p) {
    TrainSpec& spec = out_.train;
    const bool absolute = reader_.Child(train, p, "tokens") != nullptr;
    const bool relative = reader_.Child(train, p, "tokens_per_param") != nullptr;
    if (absolute == relative) {
      reader_.Problem(p, absolute ? "give only one of 'tokens' and 'tokens_per_param'"
                                  : "missing 'tokens' (token budgets) or 'tokens_per_param' "
                                    "(multiples of each model's parameter count)");
    }
    if (auto tokens = reader_.Numbers(train, p, "tokens", 1, 1e15)) {
      spec.tokens = *tokens;
      for (size_t i = 0; i < tokens->size(); ++i) {
        if ((*tokens)[i] == std::floor((*tokens)[i])) continue;
        // A run trains on whole tokens: a fraction is a typo or a unit mix-up (billions?).
        const bool list = train["tokens"].is_array();
        reader_.Problem(list ? JsonReader::Join(p + "/tokens", i) : p + "/tokens",
                        "a token count must be a whole number, found " +
                            (list ? train["tokens"][i] : train["tokens"]).dump());
      }
    }
    if (auto multiples = reader_.Numbers(train, p, "tokens_per_param", 1e-6, 1e9)) {
      spec.tokens_per_param = *multiples;
    }
    if (auto count = reader_.Choice(train, p, "param_count", {"total", "non_embedding"})) {
      spec.param_count = *count;
      if (!relative) {
        reader_.Problem(p + "/param_count", "'param_count' applies only with 'tokens_per_param'");
      }
    }
  }

  void ParseBackend(const json* backend) {
    if (!backend) return;
    const std::string p = "/backend";
    if (!reader_.ExpectObject(*backend, p, {"kind", "threads", "command", "timeout", "stop_grace"}))
      return;
    if (auto kind = reader_.Choice(*backend, p, "kind", {"builtin", "command"})) {
      out_.backend.kind = *kind;
    }
    if (auto threads = reader_.Integer(*backend, p, "threads", 1, 256)) {
      out_.backend.threads = int(*threads);
    }
    if (auto timeout = reader_.Number(*backend, p, "timeout", 1e-3, 1e9)) {
      out_.backend.timeout_s = *timeout;
    }
    if (auto grace = reader_.Integer(*backend, p, "stop_grace", 0, 3600)) {
      out_.backend.stop_grace_s = int(*grace);
    }
    if (const json* command = reader_.Child(*backend, p, "command")) {
      bool strings = command->is_array() && !command->empty() &&
                     std::all_of(command->begin(), command->end(),
                                 [](const json& arg) { return arg.is_string(); });
      if (!strings) {
        reader_.Problem(p + "/command", "expected a non-empty array of strings (an argv)");
      } else {
        out_.backend.command = command->get<std::vector<std::string>>();
        CheckPlaceholders(out_.backend.command, p + "/command");
      }
    }
    if (out_.backend.kind == "command" && out_.backend.command.empty() &&
        !reader_.Child(*backend, p, "command")) {
      reader_.Problem(p, "kind 'command' needs 'command' (the trainer's argv template)");
    }
  }

  // Every {name} in the command must be one the command backend fills in.
  void CheckPlaceholders(const std::vector<std::string>& argv, const std::string& pointer) {
    static const std::vector<std::string_view> kKnown = {
        "mixture_json", "mixture_file", "run_dir", "tokens", "seed", "model_json",
        "run_key",      "experiment",   "context", "batch",  "lr",   "config_dir"};
    for (size_t i = 0; i < argv.size(); ++i) {
      for (size_t open = argv[i].find('{'); open != std::string::npos;
           open = argv[i].find('{', open + 1)) {
        size_t close = argv[i].find('}', open);
        if (close == std::string::npos) break;
        std::string name = argv[i].substr(open + 1, close - open - 1);
        if (std::find(kKnown.begin(), kKnown.end(), name) != kKnown.end()) continue;
        std::string message = "unknown placeholder {" + name + "}";
        if (auto suggestion = ClosestMatch(name, kKnown))
          message += " (did you mean {" + *suggestion + "}?)";
        reader_.Problem(JsonReader::Join(pointer, i), message);
      }
    }
  }

  JsonReader reader_;
  Experiment& out_;
};

}  // namespace

namespace {

Result<Experiment> ParseRoot(const json& root, const std::string& path) {
  Experiment experiment;
  experiment.config_path = fs::absolute(path).lexically_normal().string();
  experiment.config_dir = fs::path(experiment.config_path).parent_path().string();
  experiment.config_json = root.dump();
  ExperimentParser parser(path, experiment);
  parser.Parse(root);
  if (!parser.problems().empty()) {
    std::string message;
    for (const auto& problem : parser.problems())
      message += (message.empty() ? "" : "\n") + problem;
    return Status::InvalidInput(message);
  }
  return experiment;
}

}  // namespace

Result<Experiment> ParseExperiment(const std::string& text, const std::string& path) {
  MIXRUN_ASSIGN_OR_RETURN(json root, ParseJsonText(text, path));
  return ParseRoot(root, path);
}

Result<Experiment> LoadExperiment(const std::string& path,
                                  const std::vector<std::string>& more_mixtures) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidInput(path + ": cannot read the config file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  MIXRUN_ASSIGN_OR_RETURN(json root, ParseJsonText(buffer.str(), path));
  if (!more_mixtures.empty()) {
    if (!root.is_object() || !root.contains("mixtures") || !root["mixtures"].is_object()) {
      return Status::InvalidInput(path + ": /mixtures: --include needs the config's mixtures");
    }
    json& include = root["mixtures"]["include"];
    if (include.is_null()) include = json::array();
    if (!include.is_array()) return ParseRoot(root, path);  // the parser names the fault
    // Absolute: an entry of the config resolves against the config's folder, a flag's here.
    for (const std::string& file : more_mixtures) include.push_back(fs::absolute(file).string());
  }
  return ParseRoot(root, path);
}

}  // namespace mixrun
