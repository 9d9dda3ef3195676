#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "resp/reply.h"

namespace understudy::client {

// A sorted set member with its score.
struct ScoredMember {
  std::string member;
  double score = 0;
  bool operator==(const ScoredMember&) const = default;
};

// Explicit conversions from replies to C++ values. Each accepts the RESP2 and the RESP3 form
// of the same answer (a RESP3 double or a RESP2 bulk score; a RESP3 map or a RESP2 flat array)
// and throws Error(kTypeMismatch) for anything else; an error reply throws Error(kServer).
namespace reply_cast {

// Throws Error::FromServer for an error reply; returns the reply otherwise.
const resp::Reply& Checked(const resp::Reply& reply);

std::string String(const resp::Reply& reply);
std::optional<std::string> OptionalString(const resp::Reply& reply);
int64_t Integer(const resp::Reply& reply);
std::optional<int64_t> OptionalInteger(const resp::Reply& reply);
double Double(const resp::Reply& reply);
std::optional<double> OptionalDouble(const resp::Reply& reply);
// Integer 1/0, RESP3 booleans, and "+OK" (true) / null (false) as SET answers.
bool Boolean(const resp::Reply& reply);
std::vector<std::string> Strings(const resp::Reply& reply);
std::vector<std::optional<std::string>> OptionalStrings(const resp::Reply& reply);
std::vector<std::pair<std::string, std::string>> Pairs(const resp::Reply& reply);
std::unordered_map<std::string, std::string> Map(const resp::Reply& reply);
std::vector<ScoredMember> Scored(const resp::Reply& reply);

}  // namespace reply_cast
}  // namespace understudy::client
