#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

// Helpers the encoding tests share.
namespace understudy::store::encoding_test {

// Appends rather than `"lit" + std::to_string(i)`, which trips a -Wrestrict false positive of
// GCC 12.
inline std::string Name(std::string_view prefix, int i) {
  std::string name(prefix);
  name += std::to_string(i);
  return name;
}

// The chi-square value a uniform sample with `df` degrees of freedom exceeds with probability
// below 1e-10, from the Chernoff bound P(X >= t * df) <= (t * e^(1 - t))^(df / 2), t > 1: a fair
// picker never fails a test that uses it, and one that favours some outcomes still does, since
// its statistic grows with the number of draws.
inline double ChiSquareBound(double df) {
  const double log_odds = std::log(1e10);
  double low = 1;
  double high = 1000;
  for (int step = 0; step < 100; ++step) {
    const double t = (low + high) / 2;
    if (df / 2 * (t - 1 - std::log(t)) >= log_odds) {
      high = t;
    } else {
      low = t;
    }
  }
  return high * df;
}

// Every one of `outcomes` outcomes was hit, about equally often: Pearson's chi-square stays below
// ChiSquareBound. Draws without repeats (a sample of distinct members) only lower the statistic.
template <typename Hits>
void ExpectUniform(const Hits& hits, size_t outcomes) {
  ASSERT_EQ(hits.size(), outcomes);
  double total = 0;
  for (const auto& [outcome, n] : hits) total += n;
  const double expected = total / outcomes;
  double chi2 = 0;
  for (const auto& [outcome, n] : hits) chi2 += (n - expected) * (n - expected) / expected;
  EXPECT_LT(chi2, ChiSquareBound(static_cast<double>(outcomes) - 1));
}

}  // namespace understudy::store::encoding_test
