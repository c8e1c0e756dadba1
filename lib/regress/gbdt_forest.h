// An xgboost forest compiled to flat arrays: the one way mixrun predicts with a gbdt booster.
// Contract: for any rows, Predict returns bit for bit what xgboost's CPU predictor returns — inputs
// cast to float, `x < threshold` compared in float, a NaN input sent to its node's default child,
// the trees' leaves added in float, tree by tree in order, onto base_score — only faster.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mixrun {

class GbdtForest {
 public:
  // From the JSON text of XGBoosterSaveModelToBuffer({"format": "json"}). Takes what Gbdt::Train
  // makes: a gbtree of one target, squared-error objective, numerical splits; anything else is
  // Failed with the reason (a booster mixrun cannot predict exactly is never predicted roughly).
  static Result<GbdtForest> FromJson(std::string_view json);

  size_t num_features() const { return num_features_; }
  size_t num_trees() const { return trees_.size(); }

  // Predictions for `rows` rows of num_features() values (row-major, NaN = missing) by the first
  // `trees` trees (0 or more than there are: all). Batches of at least kParallelRows rows run in
  // parallel over blocks of rows on `threads` threads; smaller ones on the caller's thread, so a
  // caller that already runs batches in parallel gets no nested threads.
  std::vector<float> Predict(const double* x, size_t rows, size_t trees, int threads) const;

  static constexpr size_t kParallelRows = 65536;

 private:
  // One tree: its nodes in xgboost's numbering from `first_node`; for a tree of at most 64 leaves
  // also its split nodes as bit masks over its leaves (left to right), from `first_split`.
  struct Tree {
    uint32_t first_node = 0;
    uint32_t first_split = 0, num_splits = 0;
    uint32_t first_leaf = 0, num_leaves = 0;
  };

  struct BlockScratch {
    std::vector<float> row_major, columns;
  };
  void PredictBlock(const double* x, size_t rows, size_t trees, BlockScratch& scratch,
                    float* out) const;
  float Walk(const Tree& tree, const float* row) const;
  template <int kWords>
  void AddMaskedTree(const Tree& tree, const float* columns, size_t rows, float* sums) const;

  size_t num_features_ = 0;
  float base_score_ = 0;
  std::vector<Tree> trees_;
  // Every node, for the walk: children (global indices; −1 for a leaf), split feature, threshold
  // (a leaf's value for a leaf), default direction.
  std::vector<int32_t> left_, right_, feature_;
  std::vector<float> threshold_;
  std::vector<uint8_t> default_left_;
  // Split nodes of the trees with at most 64 leaves (QuickScorer, Lucchese et al. 2015): a row
  // that goes right at a node cannot exit in its left subtree, so its leaves' bits are cleared;
  // the exit leaf is the lowest bit left. Comparisons become a branch-free loop over rows.
  std::vector<int32_t> split_feature_;
  std::vector<float> split_threshold_;
  std::vector<uint64_t> split_mask_;
  std::vector<float> leaf_value_;  // leaves left to right
};

}  // namespace mixrun
