#include "client/reply_cast.h"

#include <charconv>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "client/detail/text.h"
#include "client/error.h"

namespace understudy::client::reply_cast {
namespace {

using resp::Reply;
using resp::ReplyType;

[[noreturn]] void Mismatch(const Reply& reply, std::string_view wanted) {
  throw Error(ErrorKind::kTypeMismatch,
              detail::Cat("expected ", wanted, " but the server answered ", ToString(reply)));
}

bool IsText(const Reply& reply) {
  return reply.type == ReplyType::kBulkString || reply.type == ReplyType::kSimpleString ||
         reply.type == ReplyType::kVerbatim || reply.type == ReplyType::kBigNumber;
}

bool IsList(const Reply& reply) {
  return reply.type == ReplyType::kArray || reply.type == ReplyType::kSet ||
         reply.type == ReplyType::kPush;
}

double ParseDouble(const Reply& reply) {
  const std::string& text = reply.str;
  if (text == "inf" || text == "+inf") return HUGE_VAL;
  if (text == "-inf") return -HUGE_VAL;
  double value = 0;
  if (!absl::SimpleAtod(text, &value)) Mismatch(reply, "a number");
  return value;
}

}  // namespace

const Reply& Checked(const Reply& reply) {
  if (reply.is_error()) throw Error::FromServer(reply.str);
  return reply;
}

std::string String(const Reply& reply) {
  if (!IsText(Checked(reply))) Mismatch(reply, "a string");
  return reply.str;
}

std::optional<std::string> OptionalString(const Reply& reply) {
  if (Checked(reply).is_null()) return std::nullopt;
  return String(reply);
}

int64_t Integer(const Reply& reply) {
  if (Checked(reply).type == ReplyType::kInteger || reply.type == ReplyType::kBoolean) {
    return reply.integer;
  }
  int64_t value = 0;
  if (IsText(reply) && absl::SimpleAtoi(reply.str, &value)) return value;
  Mismatch(reply, "an integer");
}

std::optional<int64_t> OptionalInteger(const Reply& reply) {
  if (Checked(reply).is_null()) return std::nullopt;
  return Integer(reply);
}

double Double(const Reply& reply) {
  if (Checked(reply).type == ReplyType::kDouble) return reply.dbl;
  if (reply.type == ReplyType::kInteger) return static_cast<double>(reply.integer);
  if (!IsText(reply)) Mismatch(reply, "a number");
  return ParseDouble(reply);
}

std::optional<double> OptionalDouble(const Reply& reply) {
  if (Checked(reply).is_null()) return std::nullopt;
  return Double(reply);
}

bool Boolean(const Reply& reply) {
  switch (Checked(reply).type) {
    case ReplyType::kInteger:
    case ReplyType::kBoolean: return reply.integer != 0;
    case ReplyType::kNull: return false;
    case ReplyType::kSimpleString: return true;
    default: Mismatch(reply, "a boolean");
  }
}

std::vector<std::string> Strings(const Reply& reply) {
  if (Checked(reply).is_null()) return {};
  if (!IsList(reply)) Mismatch(reply, "an array");
  std::vector<std::string> out;
  out.reserve(reply.elements.size());
  for (const Reply& element : reply.elements) out.push_back(String(element));
  return out;
}

std::vector<std::optional<std::string>> OptionalStrings(const Reply& reply) {
  if (!IsList(Checked(reply))) Mismatch(reply, "an array");
  std::vector<std::optional<std::string>> out;
  out.reserve(reply.elements.size());
  for (const Reply& element : reply.elements) out.push_back(OptionalString(element));
  return out;
}

std::vector<std::pair<std::string, std::string>> Pairs(const Reply& reply) {
  if (Checked(reply).is_null()) return {};
  if (reply.type != ReplyType::kMap && !IsList(reply)) Mismatch(reply, "a map");
  std::vector<std::pair<std::string, std::string>> out;
  if (!reply.elements.empty() && IsList(reply.elements[0])) {
    for (const Reply& pair : reply.elements) {
      if (pair.elements.size() != 2) Mismatch(reply, "pairs");
      out.emplace_back(String(pair.elements[0]), String(pair.elements[1]));
    }
    return out;
  }
  if (reply.elements.size() % 2 != 0) Mismatch(reply, "pairs");
  out.reserve(reply.elements.size() / 2);
  for (size_t i = 0; i < reply.elements.size(); i += 2) {
    out.emplace_back(String(reply.elements[i]), String(reply.elements[i + 1]));
  }
  return out;
}

std::unordered_map<std::string, std::string> Map(const Reply& reply) {
  std::unordered_map<std::string, std::string> out;
  for (auto& [key, value] : Pairs(reply)) out.emplace(std::move(key), std::move(value));
  return out;
}

std::vector<ScoredMember> Scored(const Reply& reply) {
  if (Checked(reply).is_null()) return {};
  if (!IsList(reply)) Mismatch(reply, "members with scores");
  std::vector<ScoredMember> out;
  if (!reply.elements.empty() && IsList(reply.elements[0])) {
    for (const Reply& pair : reply.elements) {
      if (pair.elements.size() != 2) Mismatch(reply, "members with scores");
      out.push_back({String(pair.elements[0]), Double(pair.elements[1])});
    }
    return out;
  }
  if (reply.elements.size() % 2 != 0) Mismatch(reply, "members with scores");
  for (size_t i = 0; i < reply.elements.size(); i += 2) {
    out.push_back({String(reply.elements[i]), Double(reply.elements[i + 1])});
  }
  return out;
}

}  // namespace understudy::client::reply_cast
