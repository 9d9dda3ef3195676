#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "resp/reply.h"

namespace understudy::testing {

// Expected reply lines of the conformance cases:
//
//   [unordered ] RENDERING
//
// RENDERING is the reply as resp::ToString writes it. Any value in it, the whole reply or an
// element at any depth, may instead be a hole that accepts a kind of value:
//   <any>  <int>  <int LO..HI>  <bulk>  <simple>  <error>  <nil>  <double>  <bool>  <array>
//   <map>  <set>
// With "unordered" the top-level elements (of a map: its key-value pairs) are compared as a
// multiset. Holes are recognised only where a value starts, never inside quoted text.
bool MatchesReply(std::string_view expected, const resp::Reply& reply);

// Checks the holes of an expected line (names and ranges).
absl::Status ValidateExpected(std::string_view expected);

bool IsUnordered(std::string_view expected);
bool HasHoles(std::string_view expected);

// The expected line for reply, as record mode writes it: its rendering, with the top-level
// elements sorted (and the "unordered " prefix) when unordered.
std::string RenderExpected(const resp::Reply& reply, bool unordered);

}  // namespace understudy::testing
