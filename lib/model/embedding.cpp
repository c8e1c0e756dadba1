#include "model/embedding.h"

#include <cstddef>

namespace mixrun {

template <typename Real>
void EmbeddingForward(Real* out, const int32_t* tokens, const Real* wte, const Real* wpe, int B,
                      int T, int C) {
  for (int b = 0; b < B; ++b) {
    for (int t = 0; t < T; ++t) {
      Real* out_bt = out + (static_cast<size_t>(b) * T + t) * C;
      const Real* token_row = wte + static_cast<size_t>(tokens[b * T + t]) * C;
      const Real* position_row = wpe + static_cast<size_t>(t) * C;
      for (int c = 0; c < C; ++c) out_bt[c] = token_row[c] + position_row[c];
    }
  }
}

template <typename Real>
void EmbeddingBackward(Real* dwte, Real* dwpe, const Real* dout, const int32_t* tokens, int B,
                       int T, int C) {
  // Serial on purpose: tokens repeat, and a fixed summation order keeps runs bit-reproducible.
  for (int b = 0; b < B; ++b) {
    for (int t = 0; t < T; ++t) {
      const Real* dout_bt = dout + (static_cast<size_t>(b) * T + t) * C;
      Real* dtoken_row = dwte + static_cast<size_t>(tokens[b * T + t]) * C;
      Real* dposition_row = dwpe + static_cast<size_t>(t) * C;
      for (int c = 0; c < C; ++c) {
        dtoken_row[c] += dout_bt[c];
        dposition_row[c] += dout_bt[c];
      }
    }
  }
}

template void EmbeddingForward<float>(float*, const int32_t*, const float*, const float*, int, int,
                                      int);
template void EmbeddingForward<double>(double*, const int32_t*, const double*, const double*, int,
                                       int, int);
template void EmbeddingBackward<float>(float*, float*, const float*, const int32_t*, int, int, int);
template void EmbeddingBackward<double>(double*, double*, const double*, const int32_t*, int, int,
                                        int);

}  // namespace mixrun
