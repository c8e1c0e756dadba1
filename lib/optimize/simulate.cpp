#include "optimize/simulate.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/parallel.h"
#include "common/random.h"

namespace mixrun {
namespace {

// Draws per block. A block's draws come from its own stream Rng(seed, block), and blocks are
// merged in order, so neither the thread count nor the scheduling changes the candidates.
constexpr int64_t kBlockDraws = 4096;
constexpr int64_t kMaxBlocksPerWave = 64;

struct Candidate {
  double objective;
  int64_t order;  // position in the merged stream: ties break toward the earlier draw
  std::vector<double> weights;
};

bool Better(const Candidate& a, const Candidate& b) {
  return a.objective < b.objective || (a.objective == b.objective && a.order < b.order);
}

struct Block {
  std::vector<double> rows;  // accepted candidates, row-major
  std::vector<double> objective;
  int64_t accepted = 0;
  Status status;
};

}  // namespace

BoundedDirichlet MakeBoundedDirichlet(const Constraints& constraints,
                                      const std::vector<double>& prior, double strength) {
  const size_t m = constraints.size();
  double lo_sum = 0, free_prior = 0;
  for (size_t j = 0; j < m; ++j) {
    lo_sum += constraints.lo[j];
    if (constraints.hi[j] > constraints.lo[j]) free_prior += prior[j];
  }
  BoundedDirichlet dirichlet;
  const double mass = std::max(0.0, 1 - lo_sum);
  dirichlet.box = DirichletBox{constraints.lo, mass, constraints.hi, /*tolerance=*/1e-12};
  dirichlet.alpha.assign(m, 0.0);
  dirichlet.pinned = free_prior <= 0 || mass <= 1e-12;
  if (dirichlet.pinned) return dirichlet;
  // The prior's shares over the free domains, renormalised, times the strength.
  for (size_t j = 0; j < m; ++j) {
    if (constraints.hi[j] > constraints.lo[j])
      dirichlet.alpha[j] = strength * prior[j] / free_prior;
  }
  return dirichlet;
}

Result<SimulateResult> Simulate(const Objective& objective, const Constraints& constraints,
                                const std::vector<double>& prior, const SimulateOptions& options) {
  const size_t m = objective.size();
  if (options.samples < 1 || options.top_k < 1) {
    return Status::InvalidInput("--samples and --top-k must be positive");
  }
  if (!(options.strength > 0)) return Status::InvalidInput("simulate: strength must be positive");
  const BoundedDirichlet dirichlet = MakeBoundedDirichlet(constraints, prior, options.strength);
  const std::vector<double>& alpha = dirichlet.alpha;
  const DirichletBox& box = dirichlet.box;
  SimulateResult result;
  if (dirichlet.pinned) {
    // Everything is pinned by the bounds: the one feasible mixture is the lower bounds.
    result.mixture = constraints.lo;
    result.top_k = 1;
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> value, objective.Evaluate(result.mixture, 1));
    result.best_objective = value[0];
    result.top_spread.assign(m, 0.0);
    return result;
  }
  auto run_block = [&](int64_t index, Block& block) {
    Rng rng(options.seed, static_cast<uint64_t>(index));
    block.rows.resize(kBlockDraws * m);
    block.accepted = static_cast<int64_t>(
        DrawBoundedDirichletRows(rng, alpha, box, kBlockDraws, block.rows.data()));
    block.rows.resize(static_cast<size_t>(block.accepted) * m);
    auto values = objective.Evaluate(block.rows, static_cast<size_t>(block.accepted));
    if (!values.ok()) {
      block.status = values.status();
      return;
    }
    block.objective = std::move(*values);
  };

  const int64_t max_draws = std::max<int64_t>(options.samples * options.max_draw_factor, 1000000);
  const size_t keep = static_cast<size_t>(options.top_k);
  std::vector<Candidate> best;  // the running top k, unordered
  int64_t next_block = 0;
  double acceptance = 1.0;
  while (result.accepted < options.samples && result.drawn < max_draws) {
    // Enough blocks for the remaining candidates at the acceptance seen so far, plus one; the
    // prediction threads parallelise within a block's batch.
    const double needed =
        static_cast<double>(options.samples - result.accepted) / (kBlockDraws * acceptance);
    const int64_t wave =
        std::clamp<int64_t>(static_cast<int64_t>(std::ceil(needed)), 1, kMaxBlocksPerWave);
    std::vector<Block> blocks(static_cast<size_t>(wave));
    // Drawing is cheap next to prediction but not free (17 gammas a row); one thread per block.
    ParallelFor(blocks.size(), objective.threads(),
                [&](size_t b) { run_block(next_block + static_cast<int64_t>(b), blocks[b]); });
    next_block += wave;
    int64_t wave_accepted = 0;
    for (Block& block : blocks) {
      MIXRUN_RETURN_IF_ERROR(block.status);
      result.drawn += kBlockDraws;
      wave_accepted += block.accepted;
      for (int64_t r = 0; r < block.accepted && result.accepted < options.samples; ++r) {
        Candidate candidate{block.objective[r], result.accepted, {}};
        ++result.accepted;
        if (best.size() == keep && !Better(candidate, best.front())) continue;
        candidate.weights.assign(block.rows.begin() + r * m, block.rows.begin() + (r + 1) * m);
        if (best.size() == keep) {
          std::pop_heap(best.begin(), best.end(), Better);
          best.back() = std::move(candidate);
        } else {
          best.push_back(std::move(candidate));
        }
        std::push_heap(best.begin(), best.end(), Better);
      }
    }
    acceptance = std::max(1e-4, static_cast<double>(wave_accepted) / (wave * kBlockDraws));
  }
  if (result.accepted < options.top_k) {
    return Status::InvalidInput(
        "simulate: only " + std::to_string(result.accepted) + " of " +
        std::to_string(result.drawn) +
        " Dirichlet draws fell within the bounds; loosen --min/--max, use --method optimize, "
        "or --allow-extrapolation");
  }
  if (result.accepted < options.samples) {
    spdlog::warn("simulate: {} of {} draws fell within the bounds; ranking {} candidates, not {}",
                 result.accepted, result.drawn, result.accepted, options.samples);
  }
  std::sort(best.begin(), best.end(), Better);
  result.top_k = static_cast<int>(best.size());
  result.best_objective = best.front().objective;
  result.mixture.assign(m, 0.0);
  for (const Candidate& candidate : best) {
    for (size_t j = 0; j < m; ++j) result.mixture[j] += candidate.weights[j] / best.size();
  }
  result.top_spread.assign(m, 0.0);
  for (const Candidate& candidate : best) {
    for (size_t j = 0; j < m; ++j) {
      const double diff = candidate.weights[j] - result.mixture[j];
      result.top_spread[j] += diff * diff / best.size();
    }
  }
  for (double& spread : result.top_spread) spread = std::sqrt(spread);
  return result;
}

}  // namespace mixrun
