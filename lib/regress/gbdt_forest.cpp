#include "regress/gbdt_forest.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "common/parallel.h"

namespace mixrun {
namespace {

// Rows compared together: their features are transposed into columns so that one split node is
// compared against the whole block in a loop compilers vectorise. 256 rows × 17 features stay in
// L1.
constexpr size_t kBlockRows = 256;
// Rows per parallel task of a large batch: enough blocks to amortise starting a thread.
constexpr size_t kTaskRows = 16384;
constexpr size_t kMaxMaskedLeaves = 64;

Status Unsupported(const std::string& what) {
  return Status::Failed(std::string("gbdt: cannot compile the booster: ").append(what));
}

// xgboost 1.7 writes its parameters as strings ("5E-1"), arrays as numbers.
template <typename T>
T ParamNumber(const nlohmann::json& value) {
  if (value.is_string())
    return static_cast<T>(std::strtod(value.get<std::string>().c_str(), nullptr));
  return value.get<T>();
}

// The leaves of the subtree at `node`, numbered left to right from `next`; for each split node the
// mask of the leaves a row keeps when it goes right (all but its left subtree's).
struct LeafOrder {
  const std::vector<int32_t>& left;
  const std::vector<int32_t>& right;
  std::vector<uint32_t> leaf_index;  // per local node (leaves only)
  std::vector<uint64_t> split_mask;  // per local node (splits only)
  uint32_t next = 0;

  // Returns the range [first, end) of leaf numbers under `node`.
  std::pair<uint32_t, uint32_t> Number(int32_t node) {
    if (left[node] < 0) {
      leaf_index[node] = next;
      ++next;
      return {next - 1, next};
    }
    const auto [left_first, left_end] = Number(left[node]);
    const auto [right_first, right_end] = Number(right[node]);
    uint64_t cleared = 0;
    for (uint32_t leaf = left_first; leaf < left_end; ++leaf) cleared |= uint64_t{1} << leaf;
    split_mask[node] = ~cleared;
    return {left_first, right_end};
  }
};

}  // namespace

Result<GbdtForest> GbdtForest::FromJson(std::string_view json) {
  const nlohmann::json model = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (model.is_discarded()) return Unsupported("its JSON does not parse");
  GbdtForest forest;
  try {
    const nlohmann::json& learner = model.at("learner");
    const std::string objective = learner.at("objective").at("name").get<std::string>();
    // Squared error predicts the margin itself; other objectives transform it.
    if (objective != "reg:squarederror") return Unsupported("objective " + objective);
    const nlohmann::json& params = learner.at("learner_model_param");
    if (ParamNumber<int>(params.value("num_target", nlohmann::json("1"))) != 1 ||
        ParamNumber<int>(params.value("num_class", nlohmann::json("0"))) > 1) {
      return Unsupported("more than one output");
    }
    // xgboost keeps base_score as a float: the sum starts from it rounded to float.
    forest.base_score_ = static_cast<float>(ParamNumber<double>(params.at("base_score")));
    forest.num_features_ = ParamNumber<size_t>(params.at("num_feature"));
    const nlohmann::json& booster = learner.at("gradient_booster");
    if (booster.at("name").get<std::string>() != "gbtree") {
      return Unsupported("booster " + booster.at("name").get<std::string>());
    }
    const nlohmann::json& gbtree = booster.at("model");
    if (ParamNumber<int>(gbtree.at("gbtree_model_param").at("num_parallel_tree")) != 1) {
      return Unsupported("parallel trees (random forests)");
    }
    for (const nlohmann::json& tree : gbtree.at("trees")) {
      const auto left = tree.at("left_children").get<std::vector<int32_t>>();
      const auto right = tree.at("right_children").get<std::vector<int32_t>>();
      const auto feature = tree.at("split_indices").get<std::vector<int32_t>>();
      const auto threshold = tree.at("split_conditions").get<std::vector<float>>();
      std::vector<bool> default_left;
      for (const nlohmann::json& flag : tree.at("default_left")) {
        default_left.push_back(flag.is_boolean() ? flag.get<bool>() : flag.get<int>() != 0);
      }
      const auto split_type = tree.at("split_type").get<std::vector<int>>();
      const size_t nodes = left.size();
      if (nodes == 0 || right.size() != nodes || feature.size() != nodes ||
          threshold.size() != nodes || default_left.size() != nodes) {
        return Unsupported("a tree's node arrays disagree");
      }
      Tree compiled;
      compiled.first_node = static_cast<uint32_t>(forest.left_.size());
      for (size_t n = 0; n < nodes; ++n) {
        const bool leaf = left[n] < 0;
        if (!leaf && (left[n] >= static_cast<int32_t>(nodes) || right[n] < 0 ||
                      right[n] >= static_cast<int32_t>(nodes) || feature[n] < 0 ||
                      static_cast<size_t>(feature[n]) >= forest.num_features_)) {
          return Unsupported("a tree refers to a node or feature it does not have");
        }
        if (!leaf && !split_type.empty() && split_type[n] != 0) {
          return Unsupported("categorical splits");
        }
        forest.left_.push_back(leaf ? -1 : static_cast<int32_t>(compiled.first_node) + left[n]);
        forest.right_.push_back(leaf ? -1 : static_cast<int32_t>(compiled.first_node) + right[n]);
        forest.feature_.push_back(leaf ? 0 : feature[n]);
        forest.threshold_.push_back(threshold[n]);
        forest.default_left_.push_back(default_left[n]);
      }
      compiled.num_leaves = static_cast<uint32_t>(
          std::count_if(left.begin(), left.end(), [](int32_t child) { return child < 0; }));
      if (compiled.num_leaves <= kMaxMaskedLeaves) {
        LeafOrder order{left, right, std::vector<uint32_t>(nodes), std::vector<uint64_t>(nodes)};
        order.Number(0);
        if (order.next != compiled.num_leaves) return Unsupported("a tree is not a tree");
        compiled.first_split = static_cast<uint32_t>(forest.split_feature_.size());
        compiled.first_leaf = static_cast<uint32_t>(forest.leaf_value_.size());
        forest.leaf_value_.resize(forest.leaf_value_.size() + compiled.num_leaves);
        for (size_t n = 0; n < nodes; ++n) {
          if (left[n] < 0) {
            forest.leaf_value_[compiled.first_leaf + order.leaf_index[n]] = threshold[n];
          } else {
            forest.split_feature_.push_back(feature[n]);
            forest.split_threshold_.push_back(threshold[n]);
            forest.split_mask_.push_back(order.split_mask[n]);
          }
        }
        compiled.num_splits =
            static_cast<uint32_t>(forest.split_feature_.size()) - compiled.first_split;
      }
      forest.trees_.push_back(compiled);
    }
  } catch (const nlohmann::json::exception& error) {
    return Unsupported(error.what());
  }
  return forest;
}

float GbdtForest::Walk(const Tree& tree, const float* row) const {
  int32_t node = static_cast<int32_t>(tree.first_node);
  while (left_[node] >= 0) {
    const float value = row[feature_[node]];
    if (std::isnan(value)) {
      node = default_left_[node] ? left_[node] : right_[node];
    } else {
      node = value < threshold_[node] ? left_[node] : right_[node];
    }
  }
  return threshold_[node];
}

template <int kWords>
void GbdtForest::AddMaskedTree(const Tree& tree, const float* columns, size_t rows,
                               float* sums) const {
  // Four rows per step in explicit SSE-sized vectors (every x86-64 has them; wider ones GCC lowers
  // lane by lane without AVX): the comparison's all-ones lanes keep every leaf, the others apply
  // the node's mask. A mask over 64 leaves is two 32-bit words, so every lane is a float's width.
  using FloatLanes = float __attribute__((vector_size(16)));
  using WordLanes = uint32_t __attribute__((vector_size(16)));
  constexpr size_t kLanes = 4;
  WordLanes bits[kWords][kBlockRows / kLanes];
  for (int w = 0; w < kWords; ++w) {
    for (WordLanes& lanes : bits[w]) lanes = ~WordLanes{};
  }
  for (uint32_t s = tree.first_split; s < tree.first_split + tree.num_splits; ++s) {
    const float* column = columns + static_cast<size_t>(split_feature_[s]) * kBlockRows;
    const FloatLanes threshold = FloatLanes{} + split_threshold_[s];
    const WordLanes low_mask = WordLanes{} + static_cast<uint32_t>(split_mask_[s]);
    const WordLanes high_mask = WordLanes{} + static_cast<uint32_t>(split_mask_[s] >> 32);
    for (size_t v = 0; v < kBlockRows / kLanes; ++v) {
      FloatLanes values;
      std::memcpy(&values, column + v * kLanes, sizeof values);
      const WordLanes left = reinterpret_cast<WordLanes>(values < threshold);
      bits[0][v] &= low_mask | left;
      if constexpr (kWords == 2) bits[1][v] &= high_mask | left;
    }
  }
  const float* leaves = leaf_value_.data() + tree.first_leaf;
  for (size_t r = 0; r < rows; ++r) {
    const uint32_t low = bits[0][r / kLanes][r % kLanes];
    int leaf = std::countr_zero(low);
    if constexpr (kWords == 2) {
      if (low == 0)
        leaf = 32 + std::countr_zero(static_cast<uint32_t>(bits[1][r / kLanes][r % kLanes]));
    }
    sums[r] += leaves[leaf];
  }
}

void GbdtForest::PredictBlock(const double* x, size_t rows, size_t trees, BlockScratch& scratch,
                              float* out) const {
  const size_t features = num_features_;
  // Row-major floats for the walk, the same transposed (padded with zeros) for the masks.
  std::vector<float>& row_major = scratch.row_major;
  std::vector<float>& columns = scratch.columns;
  row_major.resize(kBlockRows * features);
  columns.assign(features * kBlockRows, 0.0f);
  bool missing = false;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t f = 0; f < features; ++f) {
      const float value = static_cast<float>(x[r * features + f]);
      row_major[r * features + f] = value;
      columns[f * kBlockRows + r] = value;
      missing = missing || std::isnan(value);
    }
  }
  std::fill(out, out + rows, base_score_);
  // The masks assume every comparison decides (NaN goes right); a block with missing values walks.
  for (size_t t = 0; t < trees; ++t) {
    const Tree& tree = trees_[t];
    if (!missing && tree.num_splits > 0 && tree.num_leaves <= 32) {
      AddMaskedTree<1>(tree, columns.data(), rows, out);
    } else if (!missing && tree.num_splits > 0 && tree.num_leaves <= kMaxMaskedLeaves) {
      AddMaskedTree<2>(tree, columns.data(), rows, out);
    } else {
      for (size_t r = 0; r < rows; ++r) out[r] += Walk(tree, &row_major[r * features]);
    }
  }
}

std::vector<float> GbdtForest::Predict(const double* x, size_t rows, size_t trees,
                                       int threads) const {
  trees = trees == 0 ? trees_.size() : std::min(trees, trees_.size());
  std::vector<float> out(rows);
  auto predict_range = [&](size_t begin, size_t end) {
    BlockScratch scratch;
    for (size_t block = begin; block < end; block += kBlockRows) {
      const size_t count = std::min(kBlockRows, end - block);
      PredictBlock(x + block * num_features_, count, trees, scratch, out.data() + block);
    }
  };
  if (rows < kParallelRows || threads <= 1) {
    predict_range(0, rows);
    return out;
  }
  const size_t tasks = (rows + kTaskRows - 1) / kTaskRows;
  ParallelFor(tasks, threads, [&](size_t task) {
    predict_range(task * kTaskRows, std::min(rows, (task + 1) * kTaskRows));
  });
  return out;
}

}  // namespace mixrun
