#pragma once

#include <concepts>
#include <string>
#include <string_view>

namespace understudy::client::detail {

// Concatenates message parts: strings and numbers (Debian's abseil has its own string_view,
// so absl::StrCat does not take std::string_view).
inline void AppendPart(std::string& out, std::string_view part) { out.append(part); }
template <std::integral T>
void AppendPart(std::string& out, T number) {
  out.append(std::to_string(number));
}

template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (AppendPart(out, parts), ...);
  return out;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace understudy::client::detail
