#include "model/gpt.h"

#include <algorithm>
#include <cmath>

#include "common/random.h"
#include "model/attention.h"
#include "model/blas.h"
#include "model/cross_entropy.h"
#include "model/embedding.h"
#include "model/gelu.h"
#include "model/layernorm.h"
#include "model/linear.h"
#include "model/parallelism.h"
#include "model/residual.h"

namespace mixrun {

template <typename Real>
Result<Gpt<Real>> Gpt<Real>::Create(const ModelSpec& spec, int max_batch, int threads) {
  MIXRUN_RETURN_IF_ERROR(ValidateModelSpec(spec));
  if (max_batch < 1) return Status::InvalidInput("batch must be at least 1");
  return Gpt(ResolveShape(spec), max_batch, std::max(1, threads));
}

template <typename Real>
Gpt<Real>::Gpt(const ModelShape& shape, int max_batch, int threads)
    : layout_(shape), max_batch_(max_batch), threads_(threads) {
  parameters_.assign(layout_.total(), Real(0));
  gradients_.assign(layout_.total(), Real(0));
  activations_.assign(LayoutActivations(shape, max_batch).total, Real(0));
  scratch_.assign(LayoutGradientScratch(shape, max_batch).total, Real(0));
  const size_t tokens = static_cast<size_t>(max_batch) * shape.context;
  inputs_.assign(tokens, 0);
  targets_.assign(tokens, 0);
}

template <typename Real>
typename Gpt<Real>::Activations Gpt<Real>::LayoutActivations(const ModelShape& s, int B) {
  const size_t L = s.layers, C = s.channels, F = s.hidden, V = s.vocab, NH = s.heads;
  const size_t BT = static_cast<size_t>(B) * s.context, T = s.context;
  Activations a{};
  size_t next = 0;
  auto take = [&next](size_t size) {
    const size_t offset = next;
    next += size;
    return offset;
  };
  a.encoded = take(BT * C);          // (B,T,C)
  a.ln1 = take(L * BT * C);          // (L,B,T,C)
  a.ln1_mean = take(L * BT);         // (L,B,T)
  a.ln1_rstd = take(L * BT);         // (L,B,T)
  a.qkv = take(L * BT * 3 * C);      // (L,B,T,3C)
  a.atty = take(L * BT * C);         // (L,B,T,C)
  a.att = take(L * B * NH * T * T);  // (L,B,NH,T,T)
  a.attproj = take(L * BT * C);      // (L,B,T,C)
  a.residual2 = take(L * BT * C);    // (L,B,T,C)
  a.ln2 = take(L * BT * C);          // (L,B,T,C)
  a.ln2_mean = take(L * BT);         // (L,B,T)
  a.ln2_rstd = take(L * BT);         // (L,B,T)
  a.fch = take(L * BT * F);          // (L,B,T,F)
  a.fch_gelu = take(L * BT * F);     // (L,B,T,F)
  a.fcproj = take(L * BT * C);       // (L,B,T,C)
  a.residual3 = take(L * BT * C);    // (L,B,T,C)
  a.lnf = take(BT * C);              // (B,T,C)
  a.lnf_mean = take(BT);             // (B,T)
  a.lnf_rstd = take(BT);             // (B,T)
  a.logits = take(BT * V);           // (B,T,V)
  a.probs = take(BT * V);            // (B,T,V)
  a.losses = take(BT);               // (B,T)
  a.total = next;
  return a;
}

template <typename Real>
typename Gpt<Real>::GradientScratch Gpt<Real>::LayoutGradientScratch(const ModelShape& s, int B) {
  const size_t C = s.channels, F = s.hidden, V = s.vocab, NH = s.heads, T = s.context;
  const size_t BT = static_cast<size_t>(B) * s.context;
  GradientScratch g{};
  size_t next = 0;
  auto take = [&next](size_t size) {
    const size_t offset = next;
    next += size;
    return offset;
  };
  g.dresidual = take(BT * C);     // (B,T,C) gradient of the residual stream
  g.dln = take(BT * C);           // (B,T,C) of ln1, ln2 or lnf
  g.datty = take(BT * C);         // (B,T,C)
  g.dqkv = take(BT * 3 * C);      // (B,T,3C)
  g.datt = take(B * NH * T * T);  // (B,NH,T,T)
  g.dfch = take(BT * F);          // (B,T,F)
  g.dfch_gelu = take(BT * F);     // (B,T,F)
  g.dlogits = take(BT * V);       // (B,T,V)
  g.total = next;
  return g;
}

template <typename Real>
void Gpt<Real>::InitializeParameters(uint64_t seed) {
  // The generator and the transform are fixed (common/random.h), so a seed gives the same
  // initial weights everywhere.
  MersenneRng engine(seed);
  auto fill_normal = [&](size_t offset, size_t size, double stddev) {
    FillNormal(engine, stddev, parameters_.data() + offset, size);
  };
  const double residual_std = 0.02 / std::sqrt(2.0 * shape().layers);
  std::fill(parameters_.begin(), parameters_.end(), Real(0));
  for (const ParameterTensor& tensor : layout_.tensors()) {
    if (tensor.name == "ln1w" || tensor.name == "ln2w" || tensor.name == "lnfw") {
      std::fill_n(parameters_.begin() + tensor.offset, tensor.size, Real(1));
    } else if (tensor.name == "attprojw" || tensor.name == "fcprojw") {
      fill_normal(tensor.offset, tensor.size, residual_std);
    } else if (tensor.decay) {
      fill_normal(tensor.offset, tensor.size, 0.02);
    }
  }
}

template <typename Real>
void Gpt<Real>::ZeroGradients() {
  FillZero(gradients_.data(), gradients_.size(), threads_);
}

template <typename Real>
std::span<const Real> Gpt<Real>::token_losses() const {
  const Activations a = LayoutActivations(shape(), last_batch_);
  return {activations_.data() + a.losses, static_cast<size_t>(last_batch_) * shape().context};
}

template <typename Real>
double Gpt<Real>::Forward(const int32_t* inputs, const int32_t* targets, int batch) {
  const ModelShape& s = shape();
  const int B = std::clamp(batch, 1, max_batch_), T = s.context, C = s.channels, F = s.hidden;
  const int NH = s.heads, V = s.vocab, N = B * T;
  const size_t BTC = static_cast<size_t>(N) * C, BTF = static_cast<size_t>(N) * F;
  last_batch_ = B;
  const BlasThreadsScope blas(1);  // the team threads the products itself
  std::copy_n(inputs, N, inputs_.begin());
  std::copy_n(targets, N, targets_.begin());

  const Real* p = parameters_.data();
  const ParameterLayout& w = layout_;
  const Activations o = LayoutActivations(s, B);
  Real* a = activations_.data();

  constexpr bool kForward = false;
  Timed(Slot(Kernel::kEmbedding, kForward),
        [&] { EmbeddingForward(a + o.encoded, inputs_.data(), p + w.wte, p + w.wpe, B, T, C); });
  const Real* residual = a + o.encoded;  // (B,T,C) the stream entering layer l
  for (int l = 0; l < s.layers; ++l) {
    const size_t lc = static_cast<size_t>(l) * C;
    Real* ln1 = a + o.ln1 + l * BTC;
    Real* qkv = a + o.qkv + l * BTC * 3;
    Real* atty = a + o.atty + l * BTC;
    Real* att = a + o.att + static_cast<size_t>(l) * B * NH * T * T;
    Real* attproj = a + o.attproj + l * BTC;
    Real* residual2 = a + o.residual2 + l * BTC;
    Real* ln2 = a + o.ln2 + l * BTC;
    Real* fch = a + o.fch + l * BTF;
    Real* fch_gelu = a + o.fch_gelu + l * BTF;
    Real* fcproj = a + o.fcproj + l * BTC;
    Real* residual3 = a + o.residual3 + l * BTC;

    Timed(Slot(Kernel::kLayerNorm, kForward), [&] {
      LayerNormForward(ln1, a + o.ln1_mean + l * N, a + o.ln1_rstd + l * N, residual,
                       p + w.ln1w + lc, p + w.ln1b + lc, N, C, threads_);
    });
    Timed(Slot(Kernel::kQkv, kForward), [&] {
      LinearForward(qkv, ln1, p + w.qkvw + lc * 3 * C, p + w.qkvb + lc * 3, N, C, 3 * C, threads_);
    });
    Timed(Slot(Kernel::kAttention, kForward),
          [&] { AttentionForward(atty, att, qkv, B, T, C, NH, threads_); });
    Timed(Slot(Kernel::kAttentionProj, kForward), [&] {
      LinearForward(attproj, atty, p + w.attprojw + lc * C, p + w.attprojb + lc, N, C, C, threads_);
    });
    Timed(Slot(Kernel::kResidual, kForward),
          [&] { ResidualForward(residual2, residual, attproj, BTC, threads_); });
    Timed(Slot(Kernel::kLayerNorm, kForward), [&] {
      LayerNormForward(ln2, a + o.ln2_mean + l * N, a + o.ln2_rstd + l * N, residual2,
                       p + w.ln2w + lc, p + w.ln2b + lc, N, C, threads_);
    });
    Timed(Slot(Kernel::kMlpUp, kForward), [&] {
      LinearForward(fch, ln2, p + w.fcw + static_cast<size_t>(l) * F * C,
                    p + w.fcb + static_cast<size_t>(l) * F, N, C, F, threads_);
    });
    Timed(Slot(Kernel::kGelu, kForward), [&] { GeluForward(fch_gelu, fch, BTF, threads_); });
    Timed(Slot(Kernel::kMlpDown, kForward), [&] {
      LinearForward(fcproj, fch_gelu, p + w.fcprojw + static_cast<size_t>(l) * C * F,
                    p + w.fcprojb + lc, N, F, C, threads_);
    });
    Timed(Slot(Kernel::kResidual, kForward),
          [&] { ResidualForward(residual3, residual2, fcproj, BTC, threads_); });
    residual = residual3;
  }
  Timed(Slot(Kernel::kLayerNorm, kForward), [&] {
    LayerNormForward(a + o.lnf, a + o.lnf_mean, a + o.lnf_rstd, residual, p + w.lnfw, p + w.lnfb, N,
                     C, threads_);
  });
  Timed(Slot(Kernel::kHead, kForward), [&] {
    LinearForward<Real>(a + o.logits, a + o.lnf, p + w.wte, nullptr, N, C, V,
                        threads_);  // tied head
  });
  double loss = 0;
  Timed(Slot(Kernel::kCrossEntropy, kForward), [&] {
    loss = CrossEntropyForward(a + o.probs, a + o.losses, a + o.logits, targets_.data(), N, V,
                               threads_);
  });
  return loss;
}

template <typename Real>
void Gpt<Real>::Backward() {
  const ModelShape& s = shape();
  const int B = last_batch_, T = s.context, C = s.channels, F = s.hidden, NH = s.heads;
  const int V = s.vocab, N = B * T;
  const size_t BTC = static_cast<size_t>(N) * C, BTF = static_cast<size_t>(N) * F;
  const Real* p = parameters_.data();
  Real* g = gradients_.data();
  const ParameterLayout& w = layout_;
  const Activations o = LayoutActivations(s, B);
  const GradientScratch d = LayoutGradientScratch(s, B);
  const Real* a = activations_.data();
  Real* sc = scratch_.data();
  Real* dresidual = sc + d.dresidual;
  Real* dln = sc + d.dln;
  const BlasThreadsScope blas(1);  // the team threads the products itself

  constexpr bool kBackward = true;
  Timed(Slot(Kernel::kCrossEntropy, kBackward), [&] {
    CrossEntropyBackward(sc + d.dlogits, a + o.probs, targets_.data(), N, V, threads_);
  });
  Timed(Slot(Kernel::kHead, kBackward), [&] {
    FillZero(dln, BTC, threads_);
    LinearBackward<Real>(dln, g + w.wte, nullptr, sc + d.dlogits, a + o.lnf, p + w.wte, N, C, V,
                         threads_);
  });
  const Real* last_residual = s.layers > 0 ? a + o.residual3 + (s.layers - 1) * BTC : a + o.encoded;
  Timed(Slot(Kernel::kLayerNorm, kBackward), [&] {
    FillZero(dresidual, BTC, threads_);
    LayerNormBackward(dresidual, g + w.lnfw, g + w.lnfb, dln, last_residual, p + w.lnfw,
                      a + o.lnf_mean, a + o.lnf_rstd, N, C, threads_);
  });

  for (int l = s.layers - 1; l >= 0; --l) {
    const size_t lc = static_cast<size_t>(l) * C;
    const Real* residual = l == 0 ? a + o.encoded : a + o.residual3 + (l - 1) * BTC;
    const Real* ln1 = a + o.ln1 + l * BTC;
    const Real* qkv = a + o.qkv + l * BTC * 3;
    const Real* atty = a + o.atty + l * BTC;
    const Real* att = a + o.att + static_cast<size_t>(l) * B * NH * T * T;
    const Real* residual2 = a + o.residual2 + l * BTC;
    const Real* ln2 = a + o.ln2 + l * BTC;
    const Real* fch = a + o.fch + l * BTF;
    const Real* fch_gelu = a + o.fch_gelu + l * BTF;

    // MLP branch: dresidual holds d(residual3) = d(fcproj) on entry, d(residual2) on exit (the
    // residual adds need no kernel of their own: dresidual passes through and accumulates).
    Timed(Slot(Kernel::kMlpDown, kBackward), [&] {
      FillZero(sc + d.dfch_gelu, BTF, threads_);
      LinearBackward(sc + d.dfch_gelu, g + w.fcprojw + static_cast<size_t>(l) * C * F,
                     g + w.fcprojb + lc, dresidual, fch_gelu,
                     p + w.fcprojw + static_cast<size_t>(l) * C * F, N, F, C, threads_);
    });
    Timed(Slot(Kernel::kGelu, kBackward), [&] {
      FillZero(sc + d.dfch, BTF, threads_);
      GeluBackward(sc + d.dfch, fch, sc + d.dfch_gelu, BTF, threads_);
    });
    Timed(Slot(Kernel::kMlpUp, kBackward), [&] {
      FillZero(dln, BTC, threads_);
      LinearBackward(dln, g + w.fcw + static_cast<size_t>(l) * F * C,
                     g + w.fcb + static_cast<size_t>(l) * F, sc + d.dfch, ln2,
                     p + w.fcw + static_cast<size_t>(l) * F * C, N, C, F, threads_);
    });
    Timed(Slot(Kernel::kLayerNorm, kBackward), [&] {
      LayerNormBackward(dresidual, g + w.ln2w + lc, g + w.ln2b + lc, dln, residual2,
                        p + w.ln2w + lc, a + o.ln2_mean + l * N, a + o.ln2_rstd + l * N, N, C,
                        threads_);
    });

    // Attention branch: dresidual holds d(residual2) = d(attproj) on entry, d(residual) on exit.
    Timed(Slot(Kernel::kAttentionProj, kBackward), [&] {
      FillZero(sc + d.datty, BTC, threads_);
      LinearBackward(sc + d.datty, g + w.attprojw + lc * C, g + w.attprojb + lc, dresidual, atty,
                     p + w.attprojw + lc * C, N, C, C, threads_);
    });
    Timed(Slot(Kernel::kAttention, kBackward), [&] {
      FillZero(sc + d.dqkv, BTC * 3, threads_);
      AttentionBackward(sc + d.dqkv, sc + d.datt, sc + d.datty, qkv, att, B, T, C, NH, threads_);
    });
    Timed(Slot(Kernel::kQkv, kBackward), [&] {
      FillZero(dln, BTC, threads_);
      LinearBackward(dln, g + w.qkvw + lc * 3 * C, g + w.qkvb + lc * 3, sc + d.dqkv, ln1,
                     p + w.qkvw + lc * 3 * C, N, C, 3 * C, threads_);
    });
    Timed(Slot(Kernel::kLayerNorm, kBackward), [&] {
      LayerNormBackward(dresidual, g + w.ln1w + lc, g + w.ln1b + lc, dln, residual, p + w.ln1w + lc,
                        a + o.ln1_mean + l * N, a + o.ln1_rstd + l * N, N, C, threads_);
    });
  }
  Timed(Slot(Kernel::kEmbedding, kBackward),
        [&] { EmbeddingBackward(g + w.wte, g + w.wpe, dresidual, inputs_.data(), B, T, C); });
}

template class Gpt<float>;
template class Gpt<double>;

}  // namespace mixrun
