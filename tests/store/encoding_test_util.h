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

// Every one of `outcomes` outcomes was hit, about equally often: Pearson's chi-square stays below
// its mean + 6 standard deviations (a false alarm about once in ten million runs).
template <typename Hits>
void ExpectUniform(const Hits& hits, size_t outcomes) {
  ASSERT_EQ(hits.size(), outcomes);
  double total = 0;
  for (const auto& [outcome, n] : hits) total += n;
  const double expected = total / outcomes;
  double chi2 = 0;
  for (const auto& [outcome, n] : hits) chi2 += (n - expected) * (n - expected) / expected;
  const double df = static_cast<double>(outcomes) - 1;
  EXPECT_LT(chi2, df + 6 * std::sqrt(2 * df));
}

}  // namespace understudy::store::encoding_test
