// Training-step throughput of the proxy GPT (forward + backward + clip + AdamW) at the issue's
// model A, plus the machine's sgemm rate on the model's own product shapes, for comparison.
// Usage: train_step_bench [--threads N] [--steps S] [--layers L] [--d-model C] [--heads H]
//                         [--context T] [--batch B]
// --threads is the model's team (as a run's backend.threads); the sgemm rate beside it is
// OpenBLAS's own threading at that many threads.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "model/adamw.h"
#include "model/blas.h"
#include "model/gpt.h"
#include "model/parameter_layout.h"
#include "model/step_profile.h"

namespace {

using Clock = std::chrono::steady_clock;

// CPU time of the whole process: on a shared machine, tokens per CPU-second at one thread
// estimates the uncontended rate when wall time is inflated by other jobs.
double ProcessCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// GFLOP/s of C(M,N) = A(M,K)·B(N,K)ᵀ, the shape of the model's linear layers.
double SgemmGflops(int m, int n, int k) {
  std::vector<float> a(static_cast<size_t>(m) * k, 0.5f), b(static_cast<size_t>(n) * k, 0.25f),
      c(static_cast<size_t>(m) * n);
  mixrun::Gemm<float>(false, true, m, n, k, 1.0f, a.data(), k, b.data(), k, 0.0f, c.data(), n);
  int repeats = 0;
  const auto start = Clock::now();
  do {
    mixrun::Gemm<float>(false, true, m, n, k, 1.0f, a.data(), k, b.data(), k, 0.0f, c.data(), n);
    ++repeats;
  } while (Seconds(start) < 1.0);
  return 2.0 * m * n * k * repeats / Seconds(start) / 1e9;
}

// {"forward": {kernel: ms per step}, "backward": {...}, "optimizer": ms per step}
std::string ProfileJson(const mixrun::StepProfile& profile, int steps) {
  auto direction = [&](const auto& times) {
    std::string json = "{";
    for (size_t k = 0; k < times.size(); ++k) {
      char entry[64];
      std::snprintf(entry, sizeof entry, "%s\"%s\": %.3f", k ? ", " : "",
                    mixrun::KernelName(static_cast<mixrun::Kernel>(k)), 1e3 * times[k] / steps);
      json += entry;
    }
    return json + "}";
  };
  char optimizer[64];
  std::snprintf(optimizer, sizeof optimizer, "%.3f", 1e3 * profile.optimizer / steps);
  std::string json = "{\"forward\": ";
  json.append(direction(profile.forward)).append(", \"backward\": ");
  json.append(direction(profile.backward)).append(", \"optimizer\": ").append(optimizer);
  return json + "}";
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 1, steps = 10, batch = 16;
  mixrun::ModelSpec spec;
  spec.name = "A";
  spec.layers = 2;
  spec.d_model = 256;
  spec.heads = 8;
  spec.vocab = 256;
  spec.context = 256;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--threads")
      threads = value;
    else if (flag == "--steps")
      steps = value;
    else if (flag == "--layers")
      spec.layers = value;
    else if (flag == "--d-model")
      spec.d_model = value;
    else if (flag == "--heads")
      spec.heads = value;
    else if (flag == "--context")
      spec.context = value;
    else if (flag == "--batch")
      batch = value;
    else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  mixrun::SetBlasThreads(threads);
  mixrun::Result<mixrun::Gpt<float>> created = mixrun::Gpt<float>::Create(spec, batch, threads);
  if (!created.ok()) {
    std::fprintf(stderr, "%s\n", created.status().message().c_str());
    return 2;
  }
  mixrun::Gpt<float>& model = *created;
  model.InitializeParameters(0);
  mixrun::AdamW<float> optimizer(model.layout(), mixrun::AdamWOptions{}, threads);
  bool model_profiled = false;
  const int T = spec.context;
  std::mt19937 engine(0);
  std::vector<int32_t> tokens(static_cast<size_t>(batch) * (T + 1));
  for (int32_t& t : tokens) t = static_cast<int32_t>(engine() % spec.vocab);
  std::vector<int32_t> inputs, targets;
  for (int b = 0; b < batch; ++b) {
    inputs.insert(inputs.end(), tokens.begin() + b * (T + 1), tokens.begin() + b * (T + 1) + T);
    targets.insert(targets.end(), tokens.begin() + b * (T + 1) + 1,
                   tokens.begin() + (b + 1) * (T + 1));
  }
  // The timed steps are profiled: each kernel's share, so the next bottleneck is visible.
  mixrun::StepProfile profile;
  auto step = [&] {
    const double loss = model.Forward(inputs.data(), targets.data(), batch);
    model.ZeroGradients();
    model.Backward();
    mixrun::Timed(model_profiled ? &profile.optimizer : nullptr, [&] {
      mixrun::ClipGradientNorm<float>(model.gradients(), 1.0, threads);
      optimizer.Step(model.parameters(), model.gradients(), 1e-3);
    });
    return loss;
  };
  step();  // warm-up: first touch of every buffer
  double forward_seconds = 0;
  model.set_profile(&profile);
  model_profiled = true;
  const auto start = Clock::now();
  const double cpu_start = ProcessCpuSeconds();
  double loss = 0;
  for (int s = 0; s < steps; ++s) loss = step();
  const double seconds = Seconds(start);
  const double cpu_seconds = ProcessCpuSeconds() - cpu_start;
  model.set_profile(nullptr);
  model_profiled = false;
  {
    const auto forward_start = Clock::now();
    for (int s = 0; s < steps; ++s) model.Forward(inputs.data(), targets.data(), batch);
    forward_seconds = Seconds(forward_start);
  }
  const double tokens_per_second = static_cast<double>(steps) * batch * T / seconds;
  const double flops_per_token = mixrun::TrainingFlopsPerToken(spec);
  const double gflops = tokens_per_second * flops_per_token / 1e9;
  const int C = spec.d_model, N = batch * T;
  const double sgemm = SgemmGflops(N, 3 * C, C);
  const double sgemm_mlp = SgemmGflops(N, 4 * C, C);
  std::printf(
      "{\"impl\": \"mixrun\", \"threads\": %d, \"params\": %lld, "
      "\"tokens_per_s\": %.1f, "
      "\"cpu_tokens_per_s\": %.1f, \"step_ms\": %.1f, \"forward_ms\": %.1f, \"mflop_per_token\": "
      "%.3f, \"gflops\": %.1f, "
      "\"sgemm_gflops_qkv\": %.1f, \"sgemm_gflops_fc\": %.1f, \"loss\": %.17g, \"profile_ms\": "
      "%s}\n",
      threads, static_cast<long long>(mixrun::CountParameters(spec).total), tokens_per_second,
      static_cast<double>(steps) * batch * T / cpu_seconds, 1e3 * seconds / steps,
      1e3 * forward_seconds / steps, flops_per_token / 1e6, gflops, sgemm, sgemm_mlp, loss,
      ProfileJson(profile, steps).c_str());
  return 0;
}
