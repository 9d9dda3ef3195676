#include "tests/conformance/reply_match.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "resp/base/strings.h"

namespace understudy::testing {
namespace {

using resp::Reply;
using resp::ReplyType;

constexpr std::string_view kUnordered = "unordered ";

struct Hole {
  std::string_view kind;
  std::optional<std::pair<int64_t, int64_t>> range;  // <int LO..HI>
  std::string_view line;                             // <monitor DB ARGS>: "DB ARGS"
};

// Parses the text between '<' and '>'.
std::optional<Hole> ParseHole(std::string_view body) {
  static constexpr std::string_view kKinds[] = {"any",   "int", "bulk",   "simple",
                                                "error", "nil", "double", "bool",
                                                "array", "map", "set",    "monitor"};
  Hole hole;
  size_t space = body.find(' ');
  hole.kind = body.substr(0, space);
  if (std::find(std::begin(kKinds), std::end(kKinds), hole.kind) == std::end(kKinds)) {
    return std::nullopt;
  }
  if (hole.kind == "monitor") {
    if (space == std::string_view::npos) return std::nullopt;
    hole.line = body.substr(space + 1);
    return hole;
  }
  if (space == std::string_view::npos) return hole;
  std::string_view range = body.substr(space + 1);
  size_t dots = range.find("..");
  int64_t lo = 0, hi = 0;
  if (hole.kind != "int" || dots == std::string_view::npos ||
      !absl::SimpleAtoi(base::AbslView(range.substr(0, dots)), &lo) ||
      !absl::SimpleAtoi(base::AbslView(range.substr(dots + 2)), &hi) || lo > hi) {
    return std::nullopt;
  }
  hole.range = {lo, hi};
  return hole;
}

// A MONITOR line "1700000000.123456 [DB ADDRESS] ARGS" with the given "DB ARGS": the time and
// the client's address vary.
bool MonitorLineMatches(std::string_view expected, std::string_view line) {
  const size_t space = expected.find(' ');
  const std::string_view db = expected.substr(0, space);
  const std::string_view args =
      space == std::string_view::npos ? std::string_view() : expected.substr(space + 1);
  const size_t dot = line.find('.');
  if (dot == 0 || dot == std::string_view::npos || line.substr(dot + 7, 2) != " [") return false;
  for (size_t i = 0; i < dot + 7; ++i) {
    if (i != dot && (line[i] < '0' || line[i] > '9')) return false;
  }
  const std::string_view rest = line.substr(dot + 9);
  const size_t close = rest.find("] ");
  return rest.starts_with(absl::StrCat(base::AbslView(db), " ")) &&
         close != std::string_view::npos && rest.substr(close + 2) == args;
}

bool HoleAccepts(const Hole& hole, const Reply& r) {
  std::string_view k = hole.kind;
  if (k == "any") return true;
  if (k == "monitor") {
    return r.type == ReplyType::kSimpleString && MonitorLineMatches(hole.line, r.str);
  }
  if (k == "int") {
    return r.type == ReplyType::kInteger &&
           (!hole.range || (r.integer >= hole.range->first && r.integer <= hole.range->second));
  }
  if (k == "error") return r.is_error();
  static constexpr std::pair<std::string_view, ReplyType> kTypes[] = {
      {"bulk", ReplyType::kBulkString}, {"simple", ReplyType::kSimpleString},
      {"nil", ReplyType::kNull},        {"double", ReplyType::kDouble},
      {"bool", ReplyType::kBoolean},    {"array", ReplyType::kArray},
      {"map", ReplyType::kMap},         {"set", ReplyType::kSet}};
  for (const auto& [name, type] : kTypes) {
    if (k == name) return r.type == type;
  }
  return false;
}

// The delimiters ToString writes around an aggregate's elements; nullopt for scalars.
struct Brackets {
  std::string_view open, close;
  bool pairs;  // elements are key, value, key, value...
};
std::optional<Brackets> BracketsOf(ReplyType type) {
  switch (type) {
    case ReplyType::kArray:
      return Brackets{"[", "]", false};
    case ReplyType::kSet:
      return Brackets{"~[", "]", false};
    case ReplyType::kPush:
      return Brackets{">[", "]", false};
    case ReplyType::kMap:
      return Brackets{"%{", "}", true};
    case ReplyType::kAttribute:
      return Brackets{"|{", "}", true};
    default:
      return std::nullopt;
  }
}

// Walks the expected text alongside a reply tree. Aggregates are matched delimiter by
// delimiter so that a hole can stand for any element; scalars by their ToString text.
class Matcher {
 public:
  explicit Matcher(std::string_view text) : text_(text) {}

  bool Value(const Reply& r) {
    if (pos_ < text_.size() && text_[pos_] == '<') {
      size_t end = text_.find('>', pos_);
      if (end == std::string_view::npos) return false;
      std::optional<Hole> hole = ParseHole(text_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end + 1;
      return hole && HoleAccepts(*hole, r);
    }
    if (!r.attributes.empty() &&
        !(Literal("|{") && Elements(r.attributes, true) && Literal("} "))) {
      return false;
    }
    if (std::optional<Brackets> b = BracketsOf(r.type)) {
      return Literal(b->open) && Elements(r.elements, b->pairs) && Literal(b->close);
    }
    if (r.attributes.empty()) return Literal(resp::ToString(r));
    Reply bare = r;
    bare.attributes.clear();
    return Literal(resp::ToString(bare));
  }

  bool Elements(const std::vector<Reply>& elements, bool pairs) {
    for (size_t i = 0; i < elements.size(); ++i) {
      if (i > 0 && !Literal(pairs && i % 2 == 1 ? ": " : ", ")) return false;
      if (!Value(elements[i])) return false;
    }
    return true;
  }

  bool Literal(std::string_view s) {
    if (text_.substr(pos_).substr(0, s.size()) != s) return false;
    pos_ += s.size();
    return true;
  }

  bool AtEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Calls visit(hole body) for each <...> where a value may start, i.e. outside quotes and not
// in a line that is one simple string or error ("-ERR AUTH <password> called ..."). Returns
// false on an unterminated hole.
template <typename Visit>
bool ForEachHole(std::string_view text, Visit visit) {
  if (text.starts_with('+') || text.starts_with('-')) return true;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '\\') ++i;
      if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '<') {
      size_t end = text.find('>', i);
      if (end == std::string_view::npos) return false;
      visit(text.substr(i + 1, end - i - 1));
      i = end;
    }
  }
  return true;
}

// Splits the inside of an aggregate's rendering at its top-level ", " separators.
std::vector<std::string_view> SplitTopLevel(std::string_view inner) {
  std::vector<std::string_view> parts;
  if (inner.empty()) return parts;
  int depth = 0;
  bool quoted = false, in_hole = false;
  size_t start = 0;
  for (size_t i = 0; i < inner.size(); ++i) {
    char c = inner[i];
    if (quoted) {
      if (c == '\\') ++i;
      if (c == '"') quoted = false;
    } else if (in_hole) {
      in_hole = c != '>';
    } else if (c == '"') {
      quoted = true;
    } else if (c == '<') {
      in_hole = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (depth == 0 && inner.substr(i, 2) == ", ") {
      parts.push_back(inner.substr(start, i - start));
      start = i + 2;
      ++i;
    }
  }
  parts.push_back(inner.substr(start));
  return parts;
}

bool MatchesUnordered(std::string_view expected, const Reply& reply) {
  std::optional<Brackets> b = BracketsOf(reply.type);
  if (!b || !reply.attributes.empty() || !expected.starts_with(b->open) ||
      !expected.ends_with(b->close)) {
    return false;
  }
  std::vector<std::string_view> parts = SplitTopLevel(
      expected.substr(b->open.size(), expected.size() - b->open.size() - b->close.size()));
  size_t unit = b->pairs ? 2 : 1;
  if (parts.size() * unit != reply.elements.size()) return false;
  std::vector<bool> used(parts.size(), false);
  for (size_t e = 0; e < reply.elements.size(); e += unit) {
    bool found = false;
    for (size_t p = 0; p < parts.size() && !found; ++p) {
      if (used[p]) continue;
      Matcher m(parts[p]);
      found = m.Value(reply.elements[e]) &&
              (unit == 1 || (m.Literal(": ") && m.Value(reply.elements[e + 1]))) && m.AtEnd();
      used[p] = found;
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace

bool IsUnordered(std::string_view expected) { return expected.starts_with(kUnordered); }

bool HasHoles(std::string_view expected) {
  bool any = false;
  return !ForEachHole(expected, [&](std::string_view) { any = true; }) || any;
}

absl::Status ValidateExpected(std::string_view expected) {
  std::string bad;
  bool terminated = ForEachHole(expected, [&](std::string_view body) {
    if (bad.empty() && !ParseHole(body)) bad = absl::StrCat("<", base::AbslView(body), ">");
  });
  if (!terminated) return absl::InvalidArgumentError("unterminated <hole>");
  if (!bad.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown hole ", bad,
        " (known: <any> <int> <int LO..HI> <bulk> <simple> <error> <nil> <double> <bool> "
        "<array> <map> <set>)"));
  }
  return absl::OkStatus();
}

bool MatchesReply(std::string_view expected, const Reply& reply) {
  if (IsUnordered(expected)) return MatchesUnordered(expected.substr(kUnordered.size()), reply);
  Matcher m(expected);
  return m.Value(reply) && m.AtEnd();
}

std::string RenderExpected(const Reply& reply, bool unordered) {
  std::optional<Brackets> b = BracketsOf(reply.type);
  if (!unordered || !b) return resp::ToString(reply);
  size_t unit = b->pairs ? 2 : 1;
  std::vector<std::pair<std::string, size_t>> keyed;  // (rendering, first element index)
  for (size_t e = 0; e + unit <= reply.elements.size(); e += unit) {
    std::string key = resp::ToString(reply.elements[e]);
    if (unit == 2) absl::StrAppend(&key, ": ", resp::ToString(reply.elements[e + 1]));
    keyed.emplace_back(std::move(key), e);
  }
  std::sort(keyed.begin(), keyed.end());
  Reply sorted = reply;
  sorted.elements.clear();
  for (const auto& [key, e] : keyed) {
    for (size_t k = 0; k < unit; ++k) sorted.elements.push_back(reply.elements[e + k]);
  }
  return absl::StrCat(base::AbslView(kUnordered), resp::ToString(sorted));
}

}  // namespace understudy::testing
