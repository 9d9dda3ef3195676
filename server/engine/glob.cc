#include "server/engine/glob.h"

#include <cstddef>
#include <utility>

#include "absl/strings/ascii.h"

namespace understudy::engine {
namespace {

unsigned char Fold(char c, bool nocase) {
  return static_cast<unsigned char>(nocase ? absl::ascii_tolower(c) : c);
}

// Matches the single-byte token at pattern[p] (anything but '*') against c and sets *next to
// the position after the token.
bool MatchToken(std::string_view pattern, size_t p, char c, bool nocase, size_t* next) {
  const size_t n = pattern.size();
  const unsigned char ch = Fold(c, nocase);
  switch (pattern[p]) {
    case '?':
      *next = p + 1;
      return true;
    case '\\':
      if (p + 1 < n) ++p;
      *next = p + 1;
      return Fold(pattern[p], nocase) == ch;
    case '[': {
      ++p;
      const bool negate = p < n && pattern[p] == '^';
      if (negate) ++p;
      bool match = false;
      while (p < n && pattern[p] != ']') {
        if (pattern[p] == '\\' && p + 1 < n) {
          match |= Fold(pattern[p + 1], nocase) == ch;
          p += 2;
        } else if (p + 2 < n && pattern[p + 1] == '-') {
          unsigned char lo = Fold(pattern[p], nocase);
          unsigned char hi = Fold(pattern[p + 2], nocase);
          if (lo > hi) std::swap(lo, hi);
          match |= ch >= lo && ch <= hi;
          p += 3;
        } else {
          match |= Fold(pattern[p], nocase) == ch;
          ++p;
        }
      }
      *next = p < n ? p + 1 : n;  // past ']', or the end of an unterminated class
      return match != negate;
    }
    default:
      *next = p + 1;
      return Fold(pattern[p], nocase) == ch;
  }
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view subject, bool nocase) {
  // Every token but '*' consumes exactly one byte, so on a mismatch it is enough to retry from
  // the most recent '*' with one more byte absorbed by it.
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t p = 0, s = 0;
  size_t star_p = kNone, star_s = 0;
  while (s < subject.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      while (p < pattern.size() && pattern[p] == '*') ++p;
      if (p == pattern.size()) return true;
      star_p = p;
      star_s = s;
      continue;
    }
    size_t next;
    if (p < pattern.size() && MatchToken(pattern, p, subject[s], nocase, &next)) {
      p = next;
      ++s;
    } else if (star_p != kNone) {
      p = star_p;
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace understudy::engine
