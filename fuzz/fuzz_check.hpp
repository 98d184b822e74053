// TBGW_FUZZ_CHECK: a property that every input must keep. A broken one prints the condition
// and aborts, which libFuzzer reports like a crash and saves the input (crash-<sha1>): a
// property that fails is a bug as much as an out-of-bounds read is.
#pragma once

#include <cstdio>
#include <cstdlib>

#define TBGW_FUZZ_CHECK(cond)                                                          \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)
