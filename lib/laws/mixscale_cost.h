// The cost Ceres minimises for a mixscale form: Σ_i w_i·huber_δ(L̂_i − y_i) over every row, handed
// to Ceres compressed. A row's Jacobian is its mixture's gradients of M, log A and log B (each on
// its own block of parameters) and the units at e, α, β, each scaled by a coefficient of the row,
// so JᵀJ and Jᵀf are sums of small per-mixture products instead of an n × P matrix product.
// Contract: the same objective and the same Gauss–Newton model as one folded residual per row
// (JetLawModel of MixscaleFunctor), hence the same Levenberg–Marquardt steps.
#pragma once

#include <ceres/ceres.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <vector>

#include "laws/law_model.h"
#include "laws/mixscale_model.h"

namespace mixrun {

// Residuals: P + 1. With H = JᵀJ (+ a tiny ridge, so that vanished terms of the law do not make
// it singular) = L·Lᵀ and g = Jᵀf, the residuals are (L⁻¹g, ρ) and the Jacobian (Lᵀ; 0), where
// ρ² = Σ f² − ‖L⁻¹g‖² ≥ 0: then ½‖residuals‖² is the objective, the gradient is g and the
// Gauss–Newton matrix is H, which is all Levenberg–Marquardt reads. Without a Jacobian only the
// norm matters: (0, …, 0, √Σf²).
template <typename Form>
class MixscaleCost : public ceres::CostFunction {
 public:
  static constexpr int P = Form::kParams;
  static constexpr int K = Form::kDomains;
  using Vector = Eigen::Matrix<double, P, 1>;
  using Square = Eigen::Matrix<double, P, P>;
  using Six = Eigen::Matrix<double, 6, 1>;
  using Six6 = Eigen::Matrix<double, 6, 6>;
  // The block of each parameter, numbered as a row's coefficients: e, M, A, B, α, β.
  static constexpr std::array<int, P> kBlock = [] {
    std::array<int, P> block{};
    for (int k = 0; k < P; ++k) {
      block[k] = k == 0              ? 0
                 : k < Form::kABegin ? 1
                 : k < Form::kBBegin ? 2
                 : k < Form::kAlpha  ? 3
                 : k == Form::kAlpha ? 4
                                     : 5;
    }
    return block;
  }();

  // `observations` must outlive the cost; rows as MixscaleFunctor reads them.
  MixscaleCost(const Observations& observations, double delta)
      : observations_(observations), delta_(delta) {
    set_num_residuals(P + 1);
    mutable_parameter_block_sizes()->push_back(P);
    // Rows compared by their log mixture (the first k features), without copying them.
    auto by_mixture = [](const double* x, const double* y) {
      return std::lexicographical_compare(x, x + K, y, y + K);
    };
    std::map<const double*, int, decltype(by_mixture)> mixtures(by_mixture);
    std::map<double, int> n_values, d_values;
    for (size_t i = 0; i < observations.size(); ++i) {
      const double* row = observations.row(i);
      auto [it, added] = mixtures.emplace(row, static_cast<int>(mixture_rows_.size()));
      if (added) mixture_rows_.push_back(i);
      mixture_.push_back(it->second);
      const double n = row[2 * K], d = row[2 * K + 1];
      n_index_.push_back(n_values.emplace(n, static_cast<int>(n_values.size())).first->second);
      d_index_.push_back(d_values.emplace(d, static_cast<int>(d_values.size())).first->second);
      weight_.push_back(observations.weight(i));
    }
    n_values_.resize(n_values.size());
    for (const auto& [value, index] : n_values) n_values_[index] = value;
    d_values_.resize(d_values.size());
    for (const auto& [value, index] : d_values) d_values_[index] = value;
  }

  bool Evaluate(double const* const* parameters, double* residuals,
                double** jacobians) const override {
    const double* p = parameters[0];
    // The scale factors exp(−α·n), exp(−β·d) per distinct value, and exp(log A), exp(log B) per
    // mixture: a row's terms are products, with no exp of its own.
    const double alpha = p[Form::kAlpha], beta = p[Form::kBeta], e = std::exp(p[0]);
    std::vector<double> n_scale(n_values_.size()), d_scale(d_values_.size());
    for (size_t k = 0; k < n_values_.size(); ++k) n_scale[k] = std::exp(-alpha * n_values_[k]);
    for (size_t k = 0; k < d_values_.size(); ++k) d_scale[k] = std::exp(-beta * d_values_[k]);
    const size_t groups = mixture_rows_.size();
    if (jacobians == nullptr || jacobians[0] == nullptr) {
      double mixture_block[Form::kMixtureSize], a_block[Form::kScalePrepared],
          b_block[Form::kScalePrepared];
      Form::PrepareMixture(p + Form::kMixtureBegin, mixture_block);
      Form::PrepareScale(p + Form::kABegin, a_block);
      Form::PrepareScale(p + Form::kBBegin, b_block);
      std::vector<double> terms(3 * groups);
      for (size_t g = 0; g < groups; ++g) {
        const double* mixture = observations_.row(mixture_rows_[g]);
        terms[3 * g] = Form::Mixture(mixture_block, mixture);
        terms[3 * g + 1] = std::exp(Form::LogScale(a_block, mixture));
        terms[3 * g + 2] = std::exp(Form::LogScale(b_block, mixture));
      }
      double total = 0, slope;
      for (size_t i = 0; i < weight_.size(); ++i) {
        const double* t = &terms[3 * mixture_[i]];
        const double r = e + t[0] + t[1] * n_scale[n_index_[i]] + t[2] * d_scale[d_index_[i]] -
                         observations_.y[i];
        const double folded = FoldHuber(r, delta_, &slope);
        total += weight_[i] * folded * folded;
      }
      if (!std::isfinite(total)) return false;
      std::fill(residuals, residuals + P, 0.0);
      residuals[P] = std::sqrt(total);
      return true;
    }

    // Each block differentiated with a Jet as wide as the block, prepared once; per mixture,
    // w holds the gradient of M, log A and log B in their blocks, and 1 at e, α and β.
    using MixtureJet = ceres::Jet<double, Form::kMixtureSize>;
    using ScaleJet = ceres::Jet<double, Form::kScaleSize>;
    MixtureJet mixture_block[Form::kMixtureSize];
    ScaleJet a_block[Form::kScalePrepared], b_block[Form::kScalePrepared];
    Prepare<Form::kMixtureSize>(
        p + Form::kMixtureBegin, mixture_block,
        [](const auto* block, auto* prepared) { Form::PrepareMixture(block, prepared); });
    Prepare<Form::kScaleSize>(p + Form::kABegin, a_block, [](const auto* block, auto* prepared) {
      Form::PrepareScale(block, prepared);
    });
    Prepare<Form::kScaleSize>(p + Form::kBBegin, b_block, [](const auto* block, auto* prepared) {
      Form::PrepareScale(block, prepared);
    });
    std::vector<Vector> w(groups, Vector::Ones());
    std::vector<double> mixture(groups), scale_a(groups), scale_b(groups);
    for (size_t g = 0; g < groups; ++g) {
      const double* features = observations_.row(mixture_rows_[g]);
      const MixtureJet m = Form::Mixture(mixture_block, features);
      const ScaleJet a = Form::LogScale(a_block, features);
      const ScaleJet b = Form::LogScale(b_block, features);
      // An overflow far from the data's optimum can leave a finite value with a NaN
      // derivative; such a point is refused like a non-finite objective.
      if (!std::isfinite(m.a + a.a + b.a) || !m.v.allFinite() || !a.v.allFinite() ||
          !b.v.allFinite()) {
        return false;
      }
      mixture[g] = m.a;
      scale_a[g] = std::exp(a.a);
      scale_b[g] = std::exp(b.a);
      w[g].template segment<Form::kMixtureSize>(Form::kMixtureBegin) = m.v;
      w[g].template segment<Form::kScaleSize>(Form::kABegin) = a.v;
      w[g].template segment<Form::kScaleSize>(Form::kBBegin) = b.v;
    }
    // A row's Jacobian is w scaled blockwise by six coefficients (e, M, A, B, α, β): per
    // mixture, the moments Σ c·cᵀ and Σ c·f of its rows' coefficients c carry all of JᵀJ, Jᵀf.
    std::vector<Six6> moments(groups, Six6::Zero());
    std::vector<Six> projections(groups, Six::Zero());
    double total = 0, slope;
    for (size_t i = 0; i < weight_.size(); ++i) {
      const size_t g = static_cast<size_t>(mixture_[i]);
      const double n_term = scale_a[g] * n_scale[n_index_[i]];
      const double d_term = scale_b[g] * d_scale[d_index_[i]];
      const double r = e + mixture[g] + n_term + d_term - observations_.y[i];
      const double folded = FoldHuber(r, delta_, &slope);
      total += weight_[i] * folded * folded;
      const double root = std::sqrt(weight_[i]), s = root * slope;
      const double c[6] = {s * e,
                           s,
                           s * n_term,
                           s * d_term,
                           -s * n_term * n_values_[n_index_[i]],
                           -s * d_term * d_values_[d_index_[i]]};
      // The lower triangle, by hand: Eigen's rank update costs more than its 21 products here.
      Six6& moment = moments[g];
      for (int u = 0; u < 6; ++u) {
        for (int v = 0; v <= u; ++v) moment(u, v) += c[u] * c[v];
        projections[g](u) += c[u] * root * folded;
      }
    }
    if (!std::isfinite(total)) return false;

    // H = Σ_mixtures Σ_rows (c ∘ w)(c ∘ w)ᵀ, i.e. H(l, k) = w_l·w_k·moment(block l, block k):
    // with z_u(l) = moment(u, block l)·w_l, column k of H is w_k·z_{block k}. Only the upper
    // triangle is filled (what LLT<Upper> reads), each column a contiguous multiply-add.
    Square hessian = Square::Zero();
    Vector gradient = Vector::Zero();
    double z[6][P];
    for (size_t g = 0; g < groups; ++g) {
      const Vector& wg = w[g];
      const Six6& moment = moments[g];
      for (int u = 0; u < 6; ++u) {
        for (int l = 0; l < P; ++l) {
          const int v = kBlock[l];
          z[u][l] = (u >= v ? moment(u, v) : moment(v, u)) * wg(l);
        }
      }
      for (int k = 0; k < P; ++k) {
        const double* column = z[kBlock[k]];
        const double scale = wg(k);
        double* h = hessian.data() + static_cast<size_t>(k) * P;
        for (int l = 0; l <= k; ++l) h[l] += scale * column[l];
        gradient(k) += projections[g](kBlock[k]) * scale;
      }
    }
    // Rounding can leave H a hair from positive definite where terms of the law vanish; a ridge
    // of 1e-12 of its largest diagonal (1e-8, 1e-4 if needed) only changes the model, never the
    // objective Ceres accepts steps by.
    const double largest = std::max(hessian.diagonal().maxCoeff(), 1e-300);
    Eigen::LLT<Square, Eigen::Upper> cholesky;
    for (double ridge : {1e-12, 1e-8, 1e-4}) {
      Square regularised = hessian;
      regularised.diagonal().array() += ridge * largest;
      cholesky.compute(regularised);
      if (cholesky.info() == Eigen::Success) break;
    }
    if (cholesky.info() != Eigen::Success) return false;
    const Vector reduced = cholesky.matrixL().solve(gradient);
    Eigen::Map<Vector> head(residuals);
    head = reduced;
    residuals[P] = std::sqrt(std::max(total - reduced.squaredNorm(), 0.0));
    // Row-major (P + 1) × P: Lᵀ, then a zero row.
    Eigen::Map<Eigen::Matrix<double, P + 1, P, Eigen::RowMajor>> jacobian(jacobians[0]);
    jacobian.template topRows<P>() = cholesky.matrixU();
    jacobian.row(P).setZero();
    return true;
  }

 private:
  // A block's prepared values as Jets of the block's width (its parameters seeded as
  // derivatives 0…N−1).
  template <int N, typename F>
  static void Prepare(const double* block, ceres::Jet<double, N>* prepared, const F& prepare) {
    ceres::Jet<double, N> jets[N];
    for (int k = 0; k < N; ++k) jets[k] = ceres::Jet<double, N>(block[k], k);
    prepare(jets, prepared);
  }

  const Observations& observations_;
  double delta_;
  std::vector<size_t> mixture_rows_;  // the first row of each distinct mixture
  std::vector<int> mixture_;          // the distinct mixture of each row
  std::vector<int> n_index_, d_index_;
  std::vector<double> n_values_, d_values_;
  std::vector<double> weight_;
};

// The law as the engine sees it: the per-row functor predicts, the compressed cost fits.
template <typename Form>
class MixscaleModel : public LawModel {
 public:
  explicit MixscaleModel(std::vector<ParamSpec> params) : params_(std::move(params)) {}
  int num_params() const override { return Form::kParams; }
  const std::vector<ParamSpec>& params() const override { return params_; }
  double Predict(const double* params, const double* features) const override {
    return MixscaleFunctor<Form>()(params, features);
  }
  std::unique_ptr<ceres::CostFunction> NewCost(const Observations& observations,
                                               double huber_delta) const override {
    return std::make_unique<MixscaleCost<Form>>(observations, huber_delta);
  }

 private:
  std::vector<ParamSpec> params_;
};

}  // namespace mixrun
