// The command line: every subcommand, its flags and its help. With cli_conventions.cpp, the only
// files that include CLI11.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iterator>
#include <sstream>

#include "catalog/catalog.h"
#include "cli_conventions.h"
#include "commands.h"

namespace mixrun {
namespace {

void AddStoreAndJson(CLI::App* command, GlobalOptions& global) {
  command->add_option("--store", global.store,
                      "SQLite store (default: the config's, else mixrun.db)");
  command->add_flag("--json", global.json, "Print the result as JSON on stdout");
}

std::vector<std::string> LawNames() {
  std::vector<std::string> names;
  for (const LawEntry* entry : LawCatalog()) names.push_back(entry->name);
  return names;
}

// --status NAME, one of the run statuses as the store spells them, read into `status`.
void AddRunStatusOption(CLI::App* command, std::optional<RunStatus>& status) {
  std::vector<std::string> names;
  for (RunStatus each : kAllRunStatuses) names.emplace_back(RunStatusName(each));
  command
      ->add_option_function<std::string>(
          "--status", [&status](const std::string& name) { status = ParseRunStatus(name); },
          "Only runs with this status")
      ->check(CLI::IsMember(names));
}

// The bounds of a search over mixtures (recommend, suggest, study), bound straight into
// RecommendOptions.
void AddConstraintFlags(CLI::App* command, RecommendOptions& options) {
  command->add_option("--prior", options.prior,
                      "tokens (domain token shares) | uniform | FILE.json of shares");
  command->add_option("--min", options.min_bounds, "DOMAIN=W lower bound (repeatable)");
  command->add_option("--max", options.max_bounds, "DOMAIN=W upper bound (repeatable)");
  command->add_option("--fix", options.fixed, "DOMAIN=W pinned weight (repeatable)");
  command
      ->add_option("--kl-reg", options.request.kl_reg,
                   "Penalty λ·KL(r‖prior) keeping the mixture near the prior")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--max-epochs", options.request.constraints.max_epochs,
                      "Availability: a domain repeats at most E times in the target run");
  command->add_option("--target-tokens", options.request.constraints.target_tokens,
                      "Availability: tokens of the target run");
  command->add_option(
      "--at", options.at,
      "N,D: the target model's parameters and tokens (mixscale fits), e.g. 2.7e9,5e10; with "
      "--max-epochs the availability caps are computed at D");
  command->add_option("--domain-tokens", options.domain_tokens,
                      "FILE.json of each domain's available tokens (for availability caps when "
                      "the store has none, e.g. imported runs)");
  command->add_option("--seed", options.request.simulate.seed, "Seed of starts and samples");
  command->add_flag("--allow-extrapolation", options.request.constraints.allow_extrapolation,
                    "Let weights leave the range seen in the fit's training runs");
}

// How suggest (and each round of a study) chooses a batch, bound into SuggestRequest.
void AddSuggestFlags(CLI::App* command, SuggestRequest& request) {
  command
      ->add_option("--explore", request.explore,
                   "Share of a batch chosen by Thompson sampling over the bootstrap refits (the "
                   "rest: the fit's lowest predictions)")
      ->check(CLI::Range(0.0, 1.0));
  command
      ->add_option("--candidates", request.candidates,
                   "Dirichlet(strength · prior) draws inside the bounds each slot ranks")
      ->check(CLI::Range(1, 100000000));
  command->add_option("--strength", request.strength, "Dirichlet concentration over the prior")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--min-distance", request.min_distance,
                   "L1 distance a suggestion keeps from the others and from the fit's runs")
      ->check(CLI::Range(0.0, 1.99));
}

// The flags recommend and suggest share: which fits, and the bounds of the search.
void AddFitAndConstraintFlags(CLI::App* command, RecommendOptions& options) {
  command->add_option("--fit", options.fits.specs,
                      "ID[:WEIGHT] of a stored fit (repeatable: the weighted sum of their "
                      "predictions is minimised)");
  command->add_option("--experiment", options.fits.experiment,
                      "Use the experiment's latest fit (of --law when given)");
  command->add_option("--law", options.fits.law, "With --experiment: which law's fit");
  AddConstraintFlags(command, options);
}

void SetUpLogging(int verbose, int quiet) {
  auto logger = spdlog::stderr_color_mt("mixrun");
  logger->set_pattern("%^[%L]%$ %v");
  spdlog::set_default_logger(logger);
  spdlog::level::level_enum level = spdlog::level::info;
  if (verbose > 0) level = verbose > 1 ? spdlog::level::trace : spdlog::level::debug;
  if (quiet > 0) level = quiet > 1 ? spdlog::level::err : spdlog::level::warn;
  spdlog::set_level(level);
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{
      "mixrun: train proxy models on data mixtures, fit scaling and mixing laws, and "
      "recommend the mixture for the big run."};
  app.set_version_flag("--version", std::string("mixrun ") + MIXRUN_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // -v, -q after the subcommand too
  int verbose = 0, quiet = 0;
  app.add_flag("-v,--verbose", verbose, "More log output on stderr (-vv for trace)");
  app.add_flag("-q,--quiet", quiet, "Less log output on stderr (-qq for errors only)");
  app.footer(
      "Exit codes: 0 success, 1 a run or fit failed, 2 bad usage or bad input.\n"
      "Run 'mixrun COMMAND --help' for a command's options and an example.");
  GlobalOptions global;

  PlanOptions plan;
  auto* plan_command = app.add_subcommand("plan", "Expand a config into runs and register them");
  plan_command->add_option("config", plan.config, "Experiment config (JSON)")->required();
  plan_command->add_flag("--dry-run", plan.dry_run, "Validate and show the plan; register nothing");
  AddStoreAndJson(plan_command, global);
  plan_command->footer(
      "With -v, each planned run's mixture (domain weights) is listed too.\n\n"
      "Example:\n  mixrun plan configs/examples/two-text-domains.json --dry-run -v");

  auto* train_command = app.add_subcommand("train", "Train every pending run of an experiment");
  TrainSweepRequest train;  // bound straight into the library's request
  train_command->add_option("config", train.config, "Experiment config (JSON)")->required();
  train_command->add_option("--max-runs", train.max_runs, "Train at most K runs, then stop")
      ->check(CLI::PositiveNumber);
  train_command->add_flag("--retry-failed", train.retry_failed, "Also retry failed runs");
  train_command->add_option("--include", train.include,
                            "FILE of mixtures (suggest or recommend --out) to train beside the "
                            "config's (repeatable)");
  train_command
      ->add_flag("--in-process", train.in_process,
                 "Train in this process, not in worker processes (what a worker does)")
      ->group("");  // the worker protocol's, not a user's
  train_command
      ->add_flag("--worker-events", train.worker_events,
                 "Report as a worker: events on stdout (train/worker_protocol.h)")
      ->group("");
  train_command
      ->add_option("--jobs", train.jobs,
                   "Runs in parallel, one worker process each (backend.threads each)")
      ->check(CLI::Range(1, 256));
  train_command->add_option("--shard", train.shard,
                            "I/N: only the runs whose planned index is I mod N (cluster arrays)");
  train_command->add_flag("--sole-writer", train.sole_writer,
                          "This sweep is the store's only writer (a cluster task's shard store): "
                          "runs left running by any host resume");
  AddStoreAndJson(train_command, global);
  train_command->footer(
      "Registers the config's runs (as plan does), then trains every pending or interrupted\n"
      "one. Safe to re-run: finished runs are skipped, interrupted runs resume from their last\n"
      "checkpoint. Ctrl-C or SIGTERM stops after the current step (exit 130); the run resumes\n"
      "next time. On a terminal, one live line per worker and the sweep's progress and ETA;\n"
      "otherwise one line per finished run with its target loss. Runs left failed: exit 1.\n"
      "Each run trains in a worker process: a run that crashes or is killed for lack of memory\n"
      "is retried, and failed after 3 attempts, while the others go on. backend.timeout bounds\n"
      "a run's time.\n\n"
      "Example:\n  mixrun train configs/examples/two-text-domains.json --store runs.db");

  FitLawOptions fit;
  auto* fit_command = app.add_subcommand("fit-law", "Fit a scaling or mixing law to stored runs");
  fit_command
      ->add_option("law", fit.request.law,
                   "chinchilla | power | overtrain | loss2loss | task | mixing | mixscale | "
                   "pipeline | regmix")
      ->check(CLI::IsMember(LawNames()));
  fit_command->add_option("--experiment", fit.request.experiment,
                          "Experiment whose finished runs to fit");
  fit_command->add_option(
      "--metric,--to", fit.request.metric,
      "Target metric (a loss), e.g. eval/target/loss, loss, pile_cc_val_loss; loss2loss: L_B; "
      "task: the loss of step 1");
  fit_command->add_option("--domain-metric", fit.request.domain_metrics,
                          "mixing, mixscale: a per-domain loss metric (repeatable; default: every "
                          "eval/<domain>/loss of the runs)");
  fit_command->add_option("--target", fit.target_pairs,
                          "mixing, mixscale: METRIC=WEIGHT of the target (repeatable; default: the "
                          "config's target weights over eval/<domain>/loss)");
  fit_command
      ->add_option("--x", fit.request.x,
                   "power: the scaling variable n | d | c | m (tokens per parameter D/N) | step")
      ->check(CLI::IsMember({"n", "d", "c", "m", "step"}));
  fit_command->add_option("--from", fit.request.from_metric,
                          "loss2loss: the loss L_A it predicts from (e.g. loss/c4_val)");
  fit_command->add_option("--from-experiment", fit.request.from_experiment,
                          "loss2loss train-to-train: L_A is --from of this experiment's run with "
                          "the same N and D (seeds averaged)");
  fit_command
      ->add_option("--offsets", fit.request.offsets,
                   "loss2loss: E_A, E_B from each loss's Chinchilla law on the same runs "
                   "(scaling, the paper's protocol) or fitted with K and kappa (free)")
      ->check(CLI::IsMember({"scaling", "free"}))
      ->default_val("scaling");
  fit_command->add_option("--task-metric", fit.request.task_metrics,
                          "task: a downstream metric (accuracy); repeat to fit their mean");
  fit_command->add_flag("--task-error", fit.request.task_error,
                        "task: fit the error 1 - mean accuracy (Gadre et al.'s top-1 error)");
  fit_command
      ->add_option("--loss-law", fit.request.loss_law,
                   "task: the loss law of step 1, chinchilla or overtrain")
      ->check(CLI::IsMember({"chinchilla", "overtrain"}))
      ->default_val("overtrain");
  fit_command
      ->add_option("--link", fit.request.link,
                   "task: loss to metric, exp (Gadre: eps - k*exp(-gamma*L)) or sigmoid (the "
                   "ladder: a/(1+exp(-k(L-L0))) + b)")
      ->check(CLI::IsMember({"exp", "sigmoid"}))
      ->default_val("exp");
  fit_command->add_option("--model", fit.request.model, "regmix: linear | loglinear | gbdt | gp")
      ->check(CLI::IsMember({"linear", "loglinear", "gbdt", "gp"}));
  fit_command
      ->add_option("--form", fit.request.form,
                   "mixscale: additive (A, B constant) or joint (A(h), B(h) depend on the mixture)")
      ->check(CLI::IsMember({"additive", "joint"}))
      ->default_val("joint");
  fit_command->add_option("--ridge", fit.request.ridge, "regmix linear/loglinear: L2 penalty")
      ->check(CLI::NonNegativeNumber);
  fit_command
      ->add_option("--bootstrap", fit.request.bootstrap,
                   "Bootstrap refits for parameter SEs and intervals and the mean interval of "
                   "predictions (B; 1000 when given without a value)")
      ->expected(0, 1)
      ->default_str("1000")
      ->check(CLI::Range(2, 1000000));
  fit_command
      ->add_option("--kfold", fit.request.kfold,
                   "K-fold cross-validated accuracy and prediction-interval coverage (the folds "
                   "also calibrate the prediction interval)")
      ->check(CLI::Range(2, 1000));
  fit_command
      ->add_option("--calibration-folds", fit.request.calibration_folds,
                   "Folds of the cross-validation that calibrates the prediction interval when "
                   "--kfold is not given")
      ->check(CLI::Range(2, 1000))
      ->default_val(10);
  fit_command->add_option("--test-experiment", fit.request.test_experiment,
                          "Held-out accuracy on this experiment's runs");
  fit_command
      ->add_option("--at-steps", fit.request.at_steps,
                   "pipeline: the steps each run's step law extrapolates to")
      ->check(CLI::PositiveNumber);
  fit_command
      ->add_option("--at-size", fit.request.at_size,
                   "pipeline: the model size N each mixture's size law extrapolates to")
      ->check(CLI::PositiveNumber);
  fit_command->add_option("--step-window", fit.step_window,
                          "pipeline: the steps MIN:MAX of the history the step laws are fitted on "
                          "(default 10000:30000, as Ye et al.)");
  fit_command
      ->add_option("--max-step", fit.request.max_step,
                   "Read runs as of this step: final metrics are each run's last values at steps "
                   "<= S (eval histories), histories end at S")
      ->check(CLI::NonNegativeNumber);
  fit_command->add_option("--seed", fit.request.seed, "Seed of bootstrap, folds and random starts");
  fit_command->add_option("--threads", fit.request.threads, "Threads for the multi-start fit")
      ->check(CLI::Range(1, 256));
  fit_command
      ->add_option("--huber-delta", fit.request.huber_delta, "Huber delta (default: the law's)")
      ->check(CLI::PositiveNumber);
  fit_command
      ->add_option("--compute", fit.request.compute,
                   "chinchilla: compute C (FLOPs) for the compute-optimal N, D")
      ->check(CLI::PositiveNumber);
  fit_command
      ->add_option("--drop-highest", fit.request.drop_highest,
                   "Leave out the K runs with the highest target metric")
      ->check(CLI::NonNegativeNumber);
  fit_command->add_option("--where", fit.request.where,
                          "Fit only runs whose training settings match KEY=VALUE (repeatable), "
                          "e.g. --where lr=1e-3");
  fit_command->add_flag("--allow-mixed-settings", fit.request.allow_mixed_settings,
                        "Fit runs trained with different settings together");
  fit_command->add_option("--predict", fit.predict,
                          "Evaluate the fit at points: a JSON file or text, e.g. "
                          "'[{\"N\": 7e10, \"D\": 1.4e12}]' or a mixture {\"web\": 0.6, ...}");
  fit_command->add_option("--fit", fit.fit_id, "Predict with this stored fit instead of fitting");
  AddStoreAndJson(fit_command, global);
  fit_command->footer(
      "Metrics: trained runs have eval/<domain>/loss per domain and eval/target/loss; imported\n"
      "runs have the names given at import (e.g. pile_cc_val_loss). The mixing and mixscale laws\n"
      "fit one law per --domain-metric and combine them with --target weights into the target;\n"
      "mixscale --metric DOMAIN_LOSS alone fits that domain's law. mixscale predicts at a\n"
      "mixture and a scale: --predict '{\"weights\": {...}, \"N\": 1e9, \"D\": 2e10}'.\n\n"
      "Examples:\n"
      "  mixrun fit-law chinchilla --store runs.db --experiment chinchilla --metric loss \\\n"
      "      --drop-highest 5 --bootstrap 1000 --compute 5.76e23\n"
      "  mixrun fit-law regmix --model gbdt --store runs.db --experiment regmix-1m \\\n"
      "      --metric pile_cc_val_loss --test-experiment regmix-test-1m\n"
      "  mixrun fit-law mixing --store runs.db --experiment three-domains --kfold 5\n"
      "  mixrun fit-law mixscale --form joint --store runs.db --experiment small \\\n"
      "      --metric eval/arxiv/loss --test-experiment large --bootstrap 200\n"
      "  mixrun fit-law pipeline --store runs.db --experiment 5mix-train --at-steps 30000 \\\n"
      "      --at-size 4.1e8 --domain-metric eval/prose/loss --metric eval/prose/loss \\\n"
      "      --test-experiment 5mix-410m --bootstrap 50\n"
      "  mixrun fit-law --store runs.db --fit 3 --predict '[{\"N\": 7e10, \"D\": 1.4e12}]'");

  RecommendOptions recommend;
  auto* recommend_command =
      app.add_subcommand("recommend", "Recommend a mixture under a fit and constraints");
  AddFitAndConstraintFlags(recommend_command, recommend);
  recommend_command
      ->add_option("--method", recommend.request.method,
                   "optimize (smooth laws) | simulate (RegMix's; any model) | auto")
      ->check(CLI::IsMember({"auto", "optimize", "simulate"}));
  recommend_command
      ->add_option("--samples", recommend.request.simulate.samples, "simulate: candidates drawn")
      ->check(CLI::Range(1, 100000000));
  recommend_command
      ->add_option("--top-k", recommend.request.simulate.top_k,
                   "simulate: best candidates averaged")
      ->check(CLI::Range(1, 100000000));
  recommend_command->add_option("--proxy-at", recommend.proxy_at,
                                "N,D: the proxies' scale the --at optimum is compared with "
                                "(default: the training run of the largest compute)");
  recommend_command->add_option("--out", recommend.out,
                                "Write the mixture as JSON (accepted by mixtures.include)");
  AddStoreAndJson(recommend_command, global);
  recommend_command->footer(
      "Examples:\n"
      "  mixrun recommend --store runs.db --fit 3 --out mixture.json\n"
      "  mixrun recommend --store runs.db --experiment regmix-1m --law regmix --method simulate "
      "\\\n"
      "      --prior pile_token_prior.json --samples 100000 --top-k 128\n"
      "  mixrun recommend --store runs.db --fit 7 --at 2.7e9,5e10 --max-epochs 1 \\\n"
      "      --domain-tokens slimpajama_tokens.json");

  SuggestOptions suggest;
  auto* suggest_command = app.add_subcommand(
      "suggest", "The next mixtures to train: where the fit is unsure which mixture is best");
  AddFitAndConstraintFlags(suggest_command, suggest.base);
  suggest_command->add_option("--count", suggest.request.count, "Mixtures to suggest (a batch)")
      ->check(CLI::Range(1, 10000));
  AddSuggestFlags(suggest_command, suggest.request);
  suggest_command->add_option("--out", suggest.base.out,
                              "Write the mixtures as a JSON array (mixtures.include accepts it); "
                              "with a fit across scale one file per scale to train at, "
                              "FILE-N<N>-D<D>.json");
  suggest_command->add_option(
      "--train-at", suggest.train_at,
      "N,D (repeatable): the proxy scales suggestions may be trained at, with a fit across scale "
      "and --at (default: those of the fit's runs); each gets the most informative per FLOP");
  AddStoreAndJson(suggest_command, global);
  suggest_command->footer(
      "Needs a fit with --bootstrap: each explore slot takes one refit (one plausible law) and\n"
      "the mixture it predicts best; exploit slots take the fit's own best. Same constraints as\n"
      "recommend; deterministic for a --seed.\n\n"
      "Example:\n"
      "  mixrun suggest --store runs.db --experiment sweep --law mixing --count 8 \\\n"
      "      --out next.json");

  StudyCommandOptions study;
  auto* study_command = app.add_subcommand(
      "study", "Sequential design: train, fit, suggest, train the suggestions, ... to a budget");
  study_command
      ->add_option("config", study.train.config,
                   "Experiment config (JSON): its design "
                   "is the initial one")
      ->required();
  study_command
      ->add_option("--budget", study.study.budget,
                   "Finished runs in all (the initial "
                   "design's included)")
      ->required()
      ->check(CLI::Range(1, 1000000));
  study_command->add_option("--batch", study.study.batch, "Mixtures suggested per round")
      ->check(CLI::Range(1, 10000));
  study_command
      ->add_option("--until-width", study.study.until_width,
                   "Stop once the recommendation's 95% prediction interval is this "
                   "narrow")
      ->check(CLI::PositiveNumber);
  study_command->add_option("--law", study.study.fit.law, "The law fitted each round")
      ->check(CLI::IsMember({"mixing", "regmix"}));
  study_command->add_option("--model", study.study.fit.model,
                            "regmix: linear | loglinear | gbdt | gp");
  study_command->add_option("--metric", study.study.fit.metric,
                            "The target metric (default: the config's target)");
  study_command
      ->add_option("--bootstrap", study.study.fit.bootstrap,
                   "Bootstrap refits of each round's fit (suggest draws on them)")
      ->check(CLI::Range(1, 100000));
  AddSuggestFlags(study_command, study.study.suggest);
  study_command->add_option("--jobs", study.train.jobs, "Runs trained in parallel (workers)")
      ->check(CLI::Range(1, 256));
  AddConstraintFlags(study_command, study.constraints);
  AddStoreAndJson(study_command, global);
  study_command->footer(
      "Each round fits the finished runs, recommends under the fit (its 95% prediction\n"
      "interval says how sure the decision is), and stops when --budget runs are finished or\n"
      "the interval is narrower than --until-width; else it suggests --batch mixtures (as\n"
      "suggest does) and trains them. Resumable: kill it at any moment and run it again.\n"
      "Every round is stored (fit, recommendation, batch); runs/<experiment>/study/ holds the\n"
      "batches as files train --include takes.\n\n"
      "Example:\n"
      "  mixrun study experiments/demo/demo.json --budget 24 --batch 4 --jobs 2");

  SubmitOptions submit;
  auto* submit_command =
      app.add_subcommand("submit", "Run a study's sweep as a Slurm job array of shards");
  submit_command->add_option("config", submit.config, "Experiment config (JSON)")->required();
  submit_command->add_flag("--slurm", submit.slurm, "Submit to Slurm (the only scheduler so far)")
      ->required();
  submit_command
      ->add_option("--array-size", submit.request.script.array_size, "K array tasks (shards)")
      ->check(CLI::Range(1, 100000));
  submit_command
      ->add_option("--parallel", submit.request.script.parallel, "At most P tasks at once (%P)")
      ->check(CLI::Range(1, 100000));
  submit_command->add_option("--partition", submit.request.script.partition, "Slurm partition");
  submit_command->add_option("--time", submit.request.script.time, "Time limit per task, HH:MM:SS");
  submit_command
      ->add_option("--cpus-per-task", submit.request.script.cpus_per_task, "CPUs per task")
      ->check(CLI::Range(1, 1024));
  submit_command->add_option("--mem", submit.request.script.mem, "Memory per task, e.g. 4G");
  submit_command->add_option("--sbatch-arg", submit.request.script.sbatch_args,
                             "Extra #SBATCH line content (repeatable)");
  submit_command->add_flag("--dry-run", submit.request.dry_run, "Print the script; submit nothing");
  AddStoreAndJson(submit_command, global);
  submit_command->footer(
      "Example:\n  mixrun submit study.json --slurm --array-size 8 --parallel 4 "
      "--time 02:00:00");

  CollectOptions collect;
  auto* collect_command =
      app.add_subcommand("collect", "Merge a study's shard stores into its main store");
  collect_command->add_option("config", collect.config, "Experiment config (JSON)");
  collect_command->add_option("--shard-store", collect.shard_stores,
                              "Shard stores to merge into --store (instead of a config)");
  AddStoreAndJson(collect_command, global);
  collect_command->footer(
      "Examples:\n  mixrun collect study.json\n  mixrun collect --store "
      "main.db --shard-store shards/0.db --shard-store shards/1.db");

  StatusOptions status;
  auto* status_command =
      app.add_subcommand("status", "Slurm states of a submitted study next to its run counts");
  status_command->add_option("config", status.config, "Experiment config (JSON)")->required();
  AddStoreAndJson(status_command, global);
  status_command->footer("Example:\n  mixrun status study.json");

  RunsOptions runs;  // --experiment and --status filter as export's do
  auto* runs_command = app.add_subcommand("runs", "List the runs in a store");
  runs_command->add_option("--experiment", runs.filter.experiment, "Only this experiment");
  AddRunStatusOption(runs_command, runs.filter.status);
  runs_command->add_option("--sort", runs.sort,
                           "Order by id | loss | wall | status | label ('-' first: descending, "
                           "e.g. --sort=-wall)");
  runs_command->add_option("--limit", runs.limit, "Only the first N runs (after sorting)")
      ->check(CLI::PositiveNumber);
  AddStoreAndJson(runs_command, global);
  runs_command->footer(
      "loss is the final eval/target/loss (else the experiment's first eval/<domain>/loss); wall\n"
      "is the training time. A run whose process is gone before it finished is 'interrupted':\n"
      "the next train resumes it.\n\n"
      "Examples:\n  mixrun runs --store runs.db --experiment regmix-1m --status done\n"
      "  mixrun runs --store runs.db --sort loss --limit 5");

  FitsOptions fits;
  auto* fits_command = app.add_subcommand(
      "fits", "List the stored fits with their accuracy, or show one as fit-law printed it");
  fits_command->add_option("--experiment", fits.experiment, "Only this experiment's fits");
  fits_command->add_option("--law", fits.law, "Only fits of this law (e.g. mixing, pipeline/step)");
  fits_command->add_flag("--last", fits.last, "Only the newest fit listed");
  fits_command->add_flag("--id-only", fits.id_only, "Print only the fit ids, one a line");
  AddStoreAndJson(fits_command, global);
  auto* fits_show_command = fits_command->add_subcommand("show", "Print a stored fit");
  fits_show_command->add_option("id", fits.show_id, "Fit id")->required();
  AddStoreAndJson(fits_show_command, global);
  fits_show_command->footer("Example:\n  mixrun fits show 3 --store runs.db");
  fits_command->footer(
      "MRE is the mean relative error on the 'accuracy on' runs: a --test-experiment's when the\n"
      "fit had one, else its --kfold folds', else in-sample; coverage 95% is how often the 95%\n"
      "prediction interval held those runs. A chain's earlier stages (pipeline/step, ...) are\n"
      "fits too, marked with the fit that uses them. Oldest first.\n\n"
      "Examples:\n  mixrun fits --store runs.db --experiment regmix-1m\n"
      "  mixrun fits --store runs.db --law mixing --last --id-only\n"
      "  mixrun fits show 3 --store runs.db --json");

  ExperimentsOptions experiments;
  auto* experiments_command = app.add_subcommand(
      "experiments", "List the store's experiments with their runs by status and their fits");
  experiments_command->add_flag("--names-only", experiments.names_only,
                                "Print only the names, one a line (what completion offers)");
  AddStoreAndJson(experiments_command, global);
  experiments_command->footer("Example:\n  mixrun experiments --store runs.db");

  ShowOptions show;
  auto* show_command =
      app.add_subcommand("show", "Show a run: spec, status, final metrics and loss curves");
  show_command
      ->add_option("run", show.run, "Run id, run key prefix (6 hex digits or more) or label")
      ->required();
  AddStoreAndJson(show_command, global);
  show_command->footer(
      "--json gives every metric's full history (step, tokens, value).\n\n"
      "Examples:\n  mixrun show 12 --store runs.db\n  mixrun show 3fa94c --store runs.db --json");

  ImportCommandOptions import;
  auto* import_command =
      app.add_subcommand("import", "Import other trainers' results from CSV files");
  import_command->add_option("files", import.import.files, "CSV files (joined on --on)")
      ->required()
      ->check(CLI::ExistingFile);
  import_command->add_option("--experiment", import.import.experiment, "Experiment to import into")
      ->required();
  import_command->add_option("--on", import.import.on, "Column to join several files on");
  import_command->add_option("--weights-prefix", import.import.weights_prefix,
                             "Columns PREFIX<domain> hold the mixture weights");
  import_command->add_option("--metrics-prefix", import.import.metrics_prefix,
                             "Columns PREFIX<name> hold final metrics");
  import_command->add_option("--metric", import.metric_pairs,
                             "NAME=COLUMN: a metric from one column (repeatable)");
  import_command->add_option("--n", import.import.n_column, "Column of parameter counts N");
  import_command->add_option("--d", import.import.d_column, "Column of training tokens D");
  import_command->add_option("--c", import.import.c_column,
                             "Column of training FLOPs C (D = C/(6N) when --d is not given)");
  import_command->add_option("--m", import.import.m_column,
                             "Column of tokens per parameter M (D = M*N when --d is not given)");
  import_command->add_option(
      "--step", import.import.step_column,
      "The history form: column of optimizer steps; rows sharing an --on value are one run, its "
      "metrics stored at each step (final values: those at its last step)");
  import_command->add_option("--tokens", import.import.tokens_column,
                             "History form: column of tokens seen at each step");
  import_command
      ->add_option("--tokens-per-step", import.import.tokens_per_step,
                   "History form: tokens per step (tokens = step × T)")
      ->check(CLI::PositiveNumber);
  import_command->add_flag("--update", import.import.update,
                           "Runs already stored with other metric values take the file's "
                           "(without it, the stored ones are kept and counted)");
  AddStoreAndJson(import_command, global);
  import_command->footer(
      "Examples:\n"
      "  mixrun import --store runs.db --experiment regmix-1m --on index \\\n"
      "      --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \\\n"
      "      train_mixture_1m.csv train_pile_loss_1m.csv\n"
      "  mixrun import --store runs.db --experiment chinchilla --metric loss=loss \\\n"
      "      --n 'Model Size' --c 'Training FLOP' svg_extracted_data.csv\n"
      "  mixrun import --store runs.db --experiment 5mix --on run --step step --n n \\\n"
      "      --weights-prefix weight_ --metrics-prefix metric/ history.csv");

  ExportOptions exporting;
  auto* export_command = app.add_subcommand("export", "Export runs and metrics as CSV or JSON");
  export_command->add_option("--experiment", exporting.filter.experiment, "Only this experiment");
  AddRunStatusOption(export_command, exporting.filter.status);
  export_command->add_option("--format", exporting.format, "csv (default) or json")
      ->check(CLI::IsMember({"csv", "json"}));
  export_command->add_flag("--history", exporting.history,
                           "Every metric row (run, name, step, tokens, value)");
  AddStoreAndJson(export_command, global);  // --json: the same as --format json
  export_command->footer(
      "Example:\n  mixrun export --store runs.db --experiment regmix-1m > "
      "runs.csv\n  (read with pandas.read_csv)");

  ReportOptions report;
  auto* report_command = app.add_subcommand(
      "report",
      "Compare a fit's predictions with an experiment's runs, or two scales' rankings of mixtures");
  auto* report_fit = report_command->add_option("--fit", report.fit_id, "Stored fit");
  auto* report_experiment = report_command->add_option(
      "--experiment", report.experiment,
      "With --fit: experiment whose finished runs to compare (e.g. verification runs)");
  auto* report_transfer =
      report_command
          ->add_option("--transfer", report.transfer_experiments,
                       "Two experiments of the same mixtures: does the small scale's ranking hold "
                       "at the large scale? (runs pair by mixture)")
          ->expected(1, 2)  // one is an error RunReport names, rather than CLI11 taking a flag
          ->type_name("EXP_SMALL EXP_LARGE");
  auto* report_metric =
      report_command->add_option("--metric", report.transfer.metric,
                                 "With --transfer: the metric ranked, e.g. pile_cc_val_loss");
  auto* report_top_k = report_command
                           ->add_option("--top-k", report.transfer.top_k,
                                        "With --transfer: k of the top-k overlap (default 10)")
                           ->check(CLI::Range(1, 1000000));
  auto* report_higher = report_command->add_flag(
      "--higher-is-better", report.transfer.higher_is_better,
      "With --transfer: a higher metric is better (an accuracy; default: lower, a loss)");
  report_command->add_option(
      "--out", report.out,
      "Write DIR/index.html: the figures that apply (inline SVG drawn by gnuplot), each one's CSV "
      "and gnuplot script beside it; prints the page's path");
  report_fit->excludes(report_transfer);
  report_experiment->excludes(report_transfer);
  report_transfer->needs(report_metric);
  report_metric->needs(report_transfer);
  report_top_k->needs(report_transfer);
  report_higher->needs(report_transfer);
  AddStoreAndJson(report_command, global);
  report_command->footer(
      "--transfer pairs the two experiments' runs by mixture (normalised weights; labels need not\n"
      "match; seeds of one mixture are averaged) and gives Spearman, Kendall tau-b, the top-k\n"
      "overlap and the rank at each scale of the other's best mixture.\n\n"
      "Examples:\n"
      "  mixrun report --store runs.db --fit 3 --experiment demo-verify\n"
      "  mixrun report --store runs.db --transfer regmix-1m regmix-60m --metric pile_cc_val_loss\n"
      "  mixrun report --store runs.db --fit 3 --experiment demo-verify --out report\n\n"
      "With --out: --fit alone (its training runs), --experiment alone (loss curves) or "
      "--transfer.\n"
      "Without gnuplot (or with MIXRUN_GNUPLOT naming none) the data and scripts are still "
      "written.");

  std::string completion_shell;
  auto* completion_command =
      app.add_subcommand("completion", "Print a shell completion script (bash or zsh)");
  completion_command->add_option("shell", completion_shell, "bash | zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  completion_command->footer(
      "Example:\n  eval \"$(mixrun completion bash)\"    # in ~/.bashrc (zsh: ~/.zshrc)");

  const std::vector<std::string> args = RewriteHelpCommand(argc, argv);
  if (const std::string unknown = UnknownCommand(app, args); !unknown.empty()) {
    std::fprintf(stderr, "mixrun: %s\n", unknown.c_str());
    return 2;
  }
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);  // CLI11 pops from the back
    app.parse(reversed);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    if (dynamic_cast<const CLI::ExtrasError*>(&error)) {
      const std::string text = error.what();
      std::istringstream words(text.substr(text.find(": ") + 2));
      std::vector<std::string> unexpected{std::istream_iterator<std::string>(words), {}};
      const std::string hint = SuggestFlags(app, unexpected);
      if (!hint.empty()) std::fprintf(stderr, "%s\n", hint.c_str());
    }
    return code == 0 ? 0 : 2;
  }
  if (completion_command->parsed()) {
    std::fputs(CompletionScript(app, completion_shell).c_str(), stdout);
    return 0;
  }
  SetUpLogging(verbose, quiet);
  plan.list_runs = verbose > 0;

  auto run = [&]() -> Status {
    if (plan_command->parsed()) return RunPlan(global, plan);
    if (runs_command->parsed()) return RunRuns(global, runs);
    if (fits_command->parsed()) return RunFits(global, fits);
    if (experiments_command->parsed()) return RunExperiments(global, experiments);
    if (show_command->parsed()) return RunShow(global, show);
    if (import_command->parsed()) return RunImport(global, import);
    if (export_command->parsed()) return RunExport(global, exporting);
    if (train_command->parsed()) return RunTrain(global, train);
    if (fit_command->parsed()) {
      if (!fit.fit_id && (fit.request.law.empty() || fit.request.experiment.empty())) {
        return Status::InvalidInput(
            "fit-law: give LAW and --experiment, or --fit ID with --predict");
      }
      return RunFitLaw(global, fit);
    }
    if (recommend_command->parsed()) return RunRecommend(global, recommend);
    if (suggest_command->parsed()) return RunSuggest(global, suggest);
    if (study_command->parsed()) return RunStudyCommand(global, study);
    if (submit_command->parsed()) return RunSubmit(global, submit);
    if (collect_command->parsed()) return RunCollect(global, collect);
    if (status_command->parsed()) return RunStudyStatus(global, status);
    if (report_command->parsed()) {
      const bool text_report = report.fit_id && !report.experiment.empty();
      const bool html_report = !report.out.empty() && (report.fit_id || !report.experiment.empty());
      if (report.transfer_experiments.empty() && !text_report && !html_report) {
        return Status::InvalidInput(
            "report: give --fit ID --experiment E, or --transfer EXP_SMALL EXP_LARGE --metric M "
            "(with --out DIR, --fit or --experiment alone)");
      }
      return RunReport(global, report);
    }
    return Status::InvalidInput("");  // unreachable: CLI11 requires one subcommand
  };
  return ExitCode(run(), global);
}

}  // namespace mixrun
