#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

// Helpers every layer shares (the codec, the store, the engine): string hashing for string-keyed
// tables, the std/absl string_view bridge, and Redis's strict integer syntax.
namespace understudy::base {

// Debian's absl::string_view is not std::string_view: convert explicitly where absl is called.
inline absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

// Hashes through absl::string_view, which absl hashes itself with a per-process seed; its
// std::string_view fallback would be std::hash, whose fixed seed lets crafted keys collide.
// With StringEq, string-keyed containers look up by std::string_view without building a string.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return absl::Hash<absl::string_view>{}(AbslView(s));
  }
};
struct StringEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

template <typename V>
using StringMap = absl::flat_hash_map<std::string, V, StringHash, StringEq>;
using StringSet = absl::flat_hash_set<std::string, StringHash, StringEq>;

// Redis's strict integer syntax (its string2ll): an optional '-', digits without leading zeros
// ("0" alone is fine; "-0", "+1", "01" and " 1" are not), within int64.
bool ParseInt64(std::string_view s, int64_t* out);

}  // namespace understudy::base
