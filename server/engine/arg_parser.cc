#include "server/engine/arg_parser.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "absl/strings/match.h"
#include "server/engine/errors.h"
#include "spdlog/spdlog.h"
#include "store/numbers.h"
#include "store/value.h"

namespace understudy::engine {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(store::AbslView(a), store::AbslView(b));
}

bool ArgParser::Check(std::string_view keyword) {
  if (!HasNext() || !EqualsIgnoreCase(args_[pos_], keyword)) return false;
  ++pos_;
  return true;
}

std::string_view ArgParser::Next() {
  if (!HasNext()) {
    Fail(errors::kSyntax);
    return {};
  }
  return args_[pos_++];
}

int64_t ArgParser::NextInt64() {
  std::string_view arg = Next();
  int64_t value = 0;
  if (ok() && !store::ParseInt64(arg, &value)) Fail(errors::kNotInteger);
  return value;
}

bool ParseIntArg(resp::ReplyWriter& reply, std::string_view arg, int64_t* out) {
  if (store::ParseInt64(arg, out)) return true;
  reply.Error(errors::kNotInteger);
  return false;
}

bool ParseInt32Arg(resp::ReplyWriter& reply, std::string_view arg, int* out) {
  int64_t value;
  if (!ParseIntArg(reply, arg, &value)) return false;
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
    reply.Error(errors::kNotInt32);
    return false;
  }
  *out = static_cast<int>(value);
  return true;
}

bool ParseCursor(std::string_view text, uint64_t* cursor) {
  std::string terminated(text);
  if (!terminated.empty() && std::isspace(static_cast<unsigned char>(terminated[0]))) {
    return false;
  }
  char* end = nullptr;
  errno = 0;
  *cursor = std::strtoull(terminated.c_str(), &end, 10);
  return *end == '\0' && errno != ERANGE;
}

std::optional<int64_t> ParseBlockingTimeout(resp::ReplyWriter& reply, std::string_view arg,
                                            int64_t now_ms) {
  long double seconds;
  if (!store::ParseLongDouble(arg, &seconds)) {
    reply.Error(errors::kTimeoutNotFloat);
    return std::nullopt;
  }
  // Whole milliseconds rounded up, as Redis computes them. Its conversion to long long turns
  // anything out of range (infinity included) into LLONG_MIN on x86: negative too.
  const long double ms = std::ceil(seconds * 1000.0L);
  if (ms < 0 || ms >= 0x1p63L) {
    reply.Error(errors::kTimeoutNegative);
    return std::nullopt;
  }
  const int64_t timeout = static_cast<int64_t>(ms);
  if (timeout == 0) return 0;
  // Redis's deadline then wraps past the largest int64 into one that never comes.
  return timeout > std::numeric_limits<int64_t>::max() - now_ms ? 0 : now_ms + timeout;
}

void ReplyError(resp::ReplyWriter& reply, store::OpStatus status) {
  using store::OpStatus;
  switch (status) {
    case OpStatus::kWrongType:
      return reply.Error(errors::kWrongType);
    case OpStatus::kNotAnInteger:
      return reply.Error(errors::kNotInteger);
    case OpStatus::kNotAFloat:
      return reply.Error(errors::kNotFloat);
    case OpStatus::kOverflow:
      return reply.Error(errors::kOverflow);
    case OpStatus::kNanOrInfinity:
      return reply.Error(errors::kNanOrInfinity);
    case OpStatus::kOutOfRange:
      return reply.Error(errors::kOffsetOutOfRange);
    case OpStatus::kTooLarge:
      return reply.Error(errors::kStringTooLong);
    case OpStatus::kKeyNotFound:
      return reply.Error(errors::kNoSuchKey);
    case OpStatus::kSameObject:
      return reply.Error(errors::kSameObject);
    default:
      // A status with no error text reaching here is a handler bug, not user input: say so
      // loudly in the log, and answer an error rather than take the server down.
      spdlog::error("no error reply for op status {}", static_cast<int>(status));
      return reply.Error(errors::UnexpectedStatus(static_cast<int>(status)));
  }
}

std::optional<ScanOptions> ParseScanOptions(resp::ReplyWriter& reply,
                                            std::span<const std::string_view> args, size_t first,
                                            bool with_type) {
  ScanOptions options;
  ArgParser parser(args, first);
  while (parser.HasNext()) {
    if (parser.remaining() >= 2 && parser.Check("count")) {
      options.count = parser.NextInt64();
      if (parser.ok() && options.count < 1) parser.Fail(errors::kSyntax);
    } else if (parser.remaining() >= 2 && parser.Check("match")) {
      options.pattern = parser.Next();
    } else if (with_type && parser.remaining() >= 2 && parser.Check("type")) {
      options.type = parser.Next();
    } else {
      parser.Fail(errors::kSyntax);
    }
  }
  if (!parser.ok()) {
    reply.Error(parser.error());
    return std::nullopt;
  }
  if (options.pattern == "*") options.pattern.reset();
  return options;
}

void ReplyEmptyScan(resp::ReplyWriter& reply) {
  reply.ArrayHeader(2);
  reply.Bulk("0");
  reply.ArrayHeader(0);
}

std::optional<MultiPopArgs> ParseMultiPop(resp::ReplyWriter& reply,
                                          std::span<const std::string_view> args,
                                          size_t numkeys_at, std::string_view first_end,
                                          std::string_view second_end) {
  int64_t numkeys;
  if (!store::ParseInt64(args[numkeys_at], &numkeys) || numkeys < 1) {
    reply.Error(errors::kNumkeysNotPositive);
    return std::nullopt;
  }
  const size_t first_key = numkeys_at + 1;
  // The keys and then END must fit in the arguments.
  if (static_cast<uint64_t>(numkeys) >= args.size() - first_key) {
    reply.Error(errors::kSyntax);
    return std::nullopt;
  }
  MultiPopArgs out;
  out.keys = args.subspan(first_key, numkeys);
  const std::string_view end = args[first_key + numkeys];
  out.second_end = EqualsIgnoreCase(end, second_end);
  if (!out.second_end && !EqualsIgnoreCase(end, first_end)) {
    reply.Error(errors::kSyntax);
    return std::nullopt;
  }
  bool has_count = false;
  ArgParser parser(args, first_key + numkeys + 1);
  while (parser.HasNext()) {
    if (!has_count && parser.remaining() >= 2 && parser.Check("count")) {
      has_count = true;
      if (!store::ParseInt64(parser.Next(), &out.count) || out.count < 1) {
        parser.Fail(errors::kCountNotPositive);
      }
    } else {
      parser.Fail(errors::kSyntax);
    }
  }
  if (!parser.ok()) {
    reply.Error(parser.error());
    return std::nullopt;
  }
  return out;
}

}  // namespace understudy::engine
