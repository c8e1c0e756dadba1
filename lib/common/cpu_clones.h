// Builds of one hot function for several x86-64 vector extensions, one chosen at load time (GCC
// function multiversioning through glibc's ifunc): the binary stays portable. Two contracts:
// MIXRUN_VECTOR_CLONES (AVX-512, AVX2+FMA, baseline) is the fastest, but FMA contracts a·b + c,
// so results may differ between machines in the last bit; MIXRUN_SAME_BITS_CLONES (AVX2, which
// has no FMA, and baseline) gives the same bits on every x86-64 for IEEE operations.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define MIXRUN_VECTOR_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define MIXRUN_SAME_BITS_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MIXRUN_VECTOR_CLONES
#define MIXRUN_SAME_BITS_CLONES
#endif
