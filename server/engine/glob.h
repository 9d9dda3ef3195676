#pragma once

#include <string_view>

namespace understudy::engine {

// Redis's glob patterns (KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE): '*' any run, '?' any byte,
// '[abc]' '[^abc]' '[a-z]' classes, '\' escapes the next byte. An unterminated class matches
// as if closed at the end of the pattern, and a trailing '\' matches a backslash.
// Runs in O(pattern * subject) whatever the pattern: no exponential backtracking.
bool GlobMatch(std::string_view pattern, std::string_view subject, bool nocase = false);

}  // namespace understudy::engine
