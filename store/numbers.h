#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace understudy::store {

// Redis's strict integer syntax: optional '-', no '+', no spaces, no leading zeros ("0" alone
// is fine, "-0" is not), within int64.
bool ParseInt64(std::string_view s, int64_t* out);

// A float as Redis's INCRBYFLOAT reads it (strtold): no leading space, nothing trailing, not
// NaN; "inf" and hex floats are accepted.
bool ParseLongDouble(std::string_view s, long double* out);

// A double as Redis reads scores and float arguments: like ParseLongDouble, in double range.
bool ParseDouble(std::string_view s, double* out);

// Human form INCRBYFLOAT stores: fixed notation with 17 decimals, trailing zeros (and a bare
// point) removed, so 10.5 + 0.1 reads "10.6" and 3e3 reads "3000".
std::string FormatLongDouble(long double value);

}  // namespace understudy::store
