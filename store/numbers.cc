#include "store/numbers.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace understudy::store {
namespace {

// strtold needs a terminated string; floats longer than this are rejected, as in Redis.
constexpr size_t kMaxFloatChars = 5 * 1024;

}  // namespace


bool ParseLongDouble(std::string_view s, long double* out) {
  if (s.empty() || s.size() >= kMaxFloatChars) return false;
  char buf[kMaxFloatChars];
  s.copy(buf, s.size());
  buf[s.size()] = '\0';
  if (std::isspace(static_cast<unsigned char>(buf[0]))) return false;
  char* end = nullptr;
  errno = 0;
  const long double value = std::strtold(buf, &end);
  if (end != buf + s.size() || std::isnan(value)) return false;
  if (errno == ERANGE && (std::isinf(value) || value == 0)) return false;
  *out = value;
  return true;
}

bool ParseDouble(std::string_view s, double* out) {
  long double value;
  if (!ParseLongDouble(s, &value)) return false;
  if (std::isfinite(value) && std::fabs(value) > std::numeric_limits<double>::max()) return false;
  *out = static_cast<double>(value);
  return true;
}

std::string FormatLongDouble(long double value) {
  char buf[kMaxFloatChars];
  int len = std::snprintf(buf, sizeof(buf), "%.17Lf", value);
  if (len <= 0 || static_cast<size_t>(len) >= sizeof(buf)) return {};
  std::string_view text(buf, len);
  if (text.find('.') != std::string_view::npos) {
    while (text.back() == '0') text.remove_suffix(1);
    if (text.back() == '.') text.remove_suffix(1);
  }
  if (text == "-0") text = "0";
  return std::string(text);
}

}  // namespace understudy::store
