#include "io/run_lookup.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace mixrun {
namespace {

bool AllOf(const std::string& text, int (*predicate)(int)) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [predicate](unsigned char c) { return predicate(c) != 0; });
}

// "run 12 (label m1-s0, experiment demo, key 3fa94c0e1b2d)".
std::string Describe(const RunRow& run) {
  return "run " + std::to_string(run.id) + " (label " + run.spec.label + ", experiment " +
         run.experiment + ", key " + run.spec.run_key.substr(0, 12) + ")";
}

std::string DescribeSome(const std::vector<const RunRow*>& runs, size_t limit) {
  std::string text;
  for (size_t i = 0; i < runs.size() && i < limit; ++i) text += "\n  " + Describe(*runs[i]);
  if (runs.size() > limit) text += "\n  … and " + std::to_string(runs.size() - limit) + " more";
  return text;
}

}  // namespace

Result<RunRow> FindRun(Store& store, const std::string& query) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunRow> runs, store.ListRuns({}));
  const bool id = AllOf(query, isdigit) && query.size() <= 18;
  std::string lower = query;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool key_prefix = lower.size() >= kMinRunKeyPrefix && AllOf(lower, isxdigit);
  std::vector<const RunRow*> matches;
  for (const RunRow& run : runs) {
    // The ids `mixrun runs` lists first must always work, whatever labels say.
    if (id && run.id == std::stoll(query)) return run;
    if ((key_prefix && run.spec.run_key.starts_with(lower)) || run.spec.label == query) {
      matches.push_back(&run);
    }
  }
  if (matches.size() == 1) return *matches.front();
  const std::string where = store.path() + ": ";
  if (matches.empty()) {
    // Candidates: the runs whose label contains the query (a mistyped or partial label), else
    // the store's first runs.
    std::vector<const RunRow*> similar, some;
    for (const RunRow& run : runs) {
      if (run.spec.label.find(query) != std::string::npos) similar.push_back(&run);
      some.push_back(&run);
    }
    std::string message = where + "no run '" + query + "' (a run id, a run key prefix of " +
                          std::to_string(kMinRunKeyPrefix) + " hex digits or more, or a label)";
    if (runs.empty()) return Status::NotFound(message + "; the store has no runs");
    if (!similar.empty()) {
      return Status::NotFound(message +
                              "; runs whose label contains it:" + DescribeSome(similar, 10));
    }
    return Status::NotFound(message + "; its runs include:" + DescribeSome(some, 5));
  }
  return Status::InvalidInput(
      where + "'" + query + "' names " + std::to_string(matches.size()) +
      " runs; give a run id or a longer key prefix:" + DescribeSome(matches, 20));
}

}  // namespace mixrun
