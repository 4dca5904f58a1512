#pragma once
// FUZZ_CHECK: an invariant a fuzz target asserts. A violation prints what failed and aborts,
// which libFuzzer reports as a crash and saves the input (fuzz/README.md: reproducing one).
// Not assert(): it must hold in every build type.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond, what)                                                                        \
  do {                                                                                                \
    if (!(cond)) {                                                                                    \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s (%s)\n", __FILE__, __LINE__, #cond, what); \
      std::abort();                                                                                   \
    }                                                                                                 \
  } while (0)
