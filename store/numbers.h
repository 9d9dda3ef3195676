#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "resp/base/strings.h"

namespace understudy::store {

// Shared with the codec: one strict integer parser.
using base::ParseInt64;

// A float as Redis's INCRBYFLOAT reads it (strtold): no leading space, nothing trailing, not
// NaN; "inf" and hex floats are accepted.
bool ParseLongDouble(std::string_view s, long double* out);

// A double as Redis reads scores and float arguments: like ParseLongDouble, in double range.
bool ParseDouble(std::string_view s, double* out);

// Human form INCRBYFLOAT stores: fixed notation with 17 decimals, trailing zeros (and a bare
// point) removed, so 10.5 + 0.1 reads "10.6" and 3e3 reads "3000".
std::string FormatLongDouble(long double value);

}  // namespace understudy::store
