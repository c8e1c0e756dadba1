#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "csv/csv.h"
#include "io/export.h"
#include "io/import.h"
#include "testing/temp_dir.h"

namespace fs = std::filesystem;
using namespace mixrun;

namespace {

const std::string kRegMix = std::string(MIXRUN_SHARED_DATA) + "/regmix/";
const std::string kEpoch = std::string(MIXRUN_SHARED_DATA) + "/epoch-chinchilla/";

// A store in a scratch directory.
struct TempStore {
  testing::TempDir dir;
  std::unique_ptr<Store> store = std::move(Store::Open((dir.path() / "s.db").string()).value());
  std::string Write(const std::string& name, const std::string& text) const {
    return dir.Write(name, text);
  }
};

ImportOptions RegMixTrain() {
  ImportOptions options;
  options.experiment = "regmix-1m";
  options.files = {kRegMix + "train_mixture_1m.csv", kRegMix + "train_pile_loss_1m.csv"};
  options.on = "index";
  options.weights_prefix = "train_the_pile_";
  options.metrics_prefix = "metric/the_pile_";
  return options;
}

}  // namespace

TEST_CASE("RegMix's 512 train runs round-trip exactly through import and export") {
  TempStore t;
  auto summary = ImportCsv(*t.store, RegMixTrain());
  REQUIRE_MESSAGE(summary.ok(), summary.status().message());
  CHECK(summary->rows == 512);
  CHECK(summary->added == 512);
  CHECK(summary->domains.size() == 17);
  CHECK(summary->metrics.size() == 13);

  std::stringstream exported;
  ExportOptions options;
  options.filter.experiment = "regmix-1m";
  REQUIRE(ExportRuns(*t.store, options, exported).ok());
  auto table = ParseCsv(exported.str(), "export.csv");
  REQUIRE(table.ok());
  REQUIRE(table->rows.size() == 512);

  auto mixtures = ReadCsv(kRegMix + "train_mixture_1m.csv").value();
  auto losses = ReadCsv(kRegMix + "train_pile_loss_1m.csv").value();
  std::map<std::string, size_t> exported_row;
  size_t label = *table->Column("label");
  for (size_t r = 0; r < table->rows.size(); ++r) exported_row[table->rows[r][label]] = r;
  int compared = 0;
  for (const CsvTable* source : {&mixtures, &losses}) {
    bool weights = source == &mixtures;
    for (size_t r = 0; r < source->rows.size(); ++r) {
      size_t out = exported_row.at(source->rows[r][*source->Column("index")]);
      for (size_t c = 0; c < source->header.size(); ++c) {
        const std::string& name = source->header[c];
        if (name == "index") continue;
        std::string column = weights ? "weight/" + name.substr(15) : "metric/" + name.substr(16);
        auto exported_column = table->Column(column);
        REQUIRE_MESSAGE(exported_column.has_value(), column);
        // Exactly the same double, not merely close.
        CHECK(table->Number(out, *exported_column).value() == source->Number(r, c).value());
        ++compared;
      }
    }
  }
  CHECK(compared == 512 * (17 + 13));
}

TEST_CASE("re-importing the same rows adds nothing") {
  TempStore t;
  REQUIRE(ImportCsv(*t.store, RegMixTrain()).ok());
  auto again = ImportCsv(*t.store, RegMixTrain());
  REQUIRE(again.ok());
  CHECK(again->added == 0);
  CHECK(again->existing == 512);
  CHECK(t.store->ListRuns({}).value().size() == 512);
}

TEST_CASE("the RegMix test sets and Epoch's Chinchilla data import") {
  TempStore t;
  for (const char* size : {"1m", "60m", "1B"}) {
    ImportOptions options = RegMixTrain();
    options.experiment = std::string("regmix-test-") + size;
    options.files = {kRegMix + "test_mixture_" + size + ".csv",
                     kRegMix + "test_pile_loss_" + size + ".csv"};
    auto summary = ImportCsv(*t.store, options);
    REQUIRE_MESSAGE(summary.ok(), summary.status().message());
    CHECK(summary->added == (std::string(size) == "1B" ? 64 : 256));
  }
  ImportOptions epoch;
  epoch.experiment = "chinchilla";
  epoch.files = {kEpoch + "svg_extracted_data.csv"};
  epoch.metrics = {{"loss", "loss"}};
  epoch.n_column = "Model Size";
  epoch.c_column = "Training FLOP";
  auto summary = ImportCsv(*t.store, epoch);
  REQUIRE_MESSAGE(summary.ok(), summary.status().message());
  CHECK(summary->added == 245);
  auto id = t.store->ExperimentId("chinchilla").value();
  auto points = t.store->LoadRunPoints(id).value();
  REQUIRE(points.size() == 245);
  for (const auto& point : points) {
    CHECK(point.n_tokens == doctest::Approx(point.flops / (6 * point.n_params)));
    CHECK(point.metrics.count("loss") == 1);
  }
}

TEST_CASE("CSV faults name the file and line, and the store is left as it was") {
  TempStore t;
  REQUIRE(ImportCsv(*t.store, RegMixTrain()).ok());
  std::string bad = t.Write("bad.csv", "id,w_a,w_b,m_loss\n1,0.5,0.5,2.0\n2,0.5,oops,2.1\n");
  ImportOptions options;
  options.experiment = "bad";
  options.files = {bad};
  options.weights_prefix = "w_";
  options.metrics_prefix = "m_";
  auto result = ImportCsv(*t.store, options);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message() == bad + ":3: column 'w_b': not a finite number: 'oops'");
  CHECK(result.status().exit_code() == 2);
  CHECK(t.store->ListRuns({}).value().size() == 512);
  CHECK_FALSE(t.store->FindExperiment("bad").value().has_value());

  std::string left = t.Write("l.csv", "id,w_a\n1,1\n2,1\n");
  std::string right = t.Write("r.csv", "id,m_loss\n1,2.0\n");
  options.files = {left, right};
  options.on = "id";
  auto unmatched = ImportCsv(*t.store, options);
  REQUIRE_FALSE(unmatched.ok());
  CHECK(unmatched.status().message() == right + ": no row with id '2' (needed by " + left + ":3)");

  options.files = {left};
  options.on = "";
  options.metrics_prefix = "nothing_";
  auto no_metric = ImportCsv(*t.store, options);
  REQUIRE_FALSE(no_metric.ok());
  CHECK(no_metric.status().message().find("--metrics-prefix") == 0);
}

TEST_CASE("export as JSON and the full metric history") {
  TempStore t;
  std::string file = t.Write("runs.csv", "id,w_a,w_b,m_loss,N\n1,0.25,0.75,2.5,1000\n");
  ImportOptions options;
  options.experiment = "tiny";
  options.files = {file};
  options.on = "id";
  options.weights_prefix = "w_";
  options.metrics_prefix = "m_";
  options.n_column = "N";
  REQUIRE(ImportCsv(*t.store, options).ok());
  std::stringstream json_out;
  ExportOptions json_options;
  json_options.format = "json";
  REQUIRE(ExportRuns(*t.store, json_options, json_out).ok());
  auto parsed = nlohmann::json::parse(json_out.str());
  REQUIRE(parsed.size() == 1);
  CHECK(parsed[0]["weights"]["b"] == 0.75);
  CHECK(parsed[0]["metrics"]["loss"] == 2.5);
  CHECK(parsed[0]["n_params"] == 1000);
  CHECK(parsed[0]["n_tokens"].is_null());

  std::stringstream history;
  ExportOptions history_options;
  history_options.history = true;
  REQUIRE(ExportRuns(*t.store, history_options, history).ok());
  auto rows = ParseCsv(history.str(), "history.csv").value();
  REQUIRE(rows.rows.size() == 1);
  CHECK(rows.rows[0][*rows.Column("name")] == "loss");
  CHECK(rows.rows[0][*rows.Column("value")] == "2.5");
}

TEST_CASE("a fractional token count, a duplicate column and over-long names are refused") {
  TempStore t;
  ImportOptions options;
  options.experiment = "tokens";
  options.files = {
      t.Write("d.csv", "id,w_a,w_b,m_loss,D\n1,0.5,0.5,2.0,1000\n2,0.5,0.5,2.1,2.5\n")};
  options.weights_prefix = "w_";
  options.metrics_prefix = "m_";
  options.d_column = "D";
  auto fractional = ImportCsv(*t.store, options);
  REQUIRE_FALSE(fractional.ok());
  CHECK(fractional.status().exit_code() == 2);
  CHECK(fractional.status().message() ==
        options.files[0] +
            ":3: column 'D' (--d): a token count must be a whole number, found '2.5'");

  options.d_column = "";
  options.files = {t.Write("dup.csv", "id,w_a,m_loss,w_a\n1,0.5,2.0,0.5\n")};
  auto duplicate = ImportCsv(*t.store, options);
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.status().message() ==
        options.files[0] + ":1: column 'w_a' appears twice (fields 2 and 4)");

  const std::string long_name(129, 'x');
  options.files = {t.Write("long.csv", "id,w_" + long_name + ",m_loss\n1,1,2.0\n")};
  auto long_domain = ImportCsv(*t.store, options);
  REQUIRE_FALSE(long_domain.ok());
  CHECK(long_domain.status().message().find(options.files[0] + ": column 'w_xxx") == 0);
  CHECK(long_domain.status().message().find("129 characters; names are at most 128") !=
        std::string::npos);

  options.files = {t.Write("ok.csv", "id,w_a,m_loss\n1,1,2.0\n")};
  options.experiment = long_name;
  auto long_experiment = ImportCsv(*t.store, options);
  REQUIRE_FALSE(long_experiment.ok());
  CHECK(long_experiment.status().message() ==
        "import: --experiment is 129 characters long; names are at most 128");
  options.experiment = std::string(128, 'x');
  CHECK(ImportCsv(*t.store, options).ok());
  CHECK(t.store->ListRuns({}).value().size() == 1);
}
