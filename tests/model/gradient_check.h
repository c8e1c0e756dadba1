// Central finite differences for the gradient tests: the numeric gradient of a scalar function
// of a parameter vector, and a relative error that is scale-free.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <span>
#include <vector>

namespace mixrun::testing {

// d loss / d x_i by the fourth-order central difference
// (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h for every i (x is restored). Its O(h⁴)
// truncation error allows a step large enough for rounding noise to stay ~1e-11 in double.
template <typename Real>
std::vector<double> NumericGradient(std::span<Real> x, const std::function<double()>& loss,
                                    double h) {
  std::vector<double> gradient(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const Real saved = x[i];
    auto at = [&](double offset) {
      x[i] = static_cast<Real>(saved + offset);
      return loss();
    };
    gradient[i] = (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
    x[i] = saved;
  }
  return gradient;
}

// ‖a − b‖ / max(‖a‖, ‖b‖, tiny): ~1e-9 for a correct double-precision backward, O(1) for a
// wrong sign or a missing term.
template <typename A, typename B>
double RelativeError(const A& a, const B& b) {
  double difference = 0, norm_a = 0, norm_b = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    difference += (double(a[i]) - double(b[i])) * (double(a[i]) - double(b[i]));
    norm_a += double(a[i]) * double(a[i]);
    norm_b += double(b[i]) * double(b[i]);
  }
  return std::sqrt(difference) / std::max({std::sqrt(norm_a), std::sqrt(norm_b), 1e-300});
}

// The largest elementwise |a − b| / max(|a|, |b|, floor): catches one wrong entry that a norm
// over many correct ones would hide.
template <typename A, typename B>
double MaxElementError(const A& a, const B& b, double floor) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double scale = std::max({std::fabs(double(a[i])), std::fabs(double(b[i])), floor});
    worst = std::max(worst, std::fabs(double(a[i]) - double(b[i])) / scale);
  }
  return worst;
}

}  // namespace mixrun::testing
