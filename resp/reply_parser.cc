#include <algorithm>
#include <charconv>
#include <iterator>
#include <limits>
#include <string>

#include "resp/reply.h"

namespace understudy::resp {
namespace {

// Elements reserved up front at most, so a hostile count cannot make us allocate.
constexpr int64_t kMaxReserve = 1024;

enum class LineStatus { kFound, kNeedMore, kMalformed };

// The line from begin to the next CRLF, and the offset after it.
LineStatus FindLine(std::string_view input, size_t begin, std::string_view* line, size_t* next) {
  const size_t cr = input.find('\r', begin);
  if (cr == std::string_view::npos || cr + 1 >= input.size()) return LineStatus::kNeedMore;
  if (input[cr + 1] != '\n') return LineStatus::kMalformed;
  *line = input.substr(begin, cr - begin);
  *next = cr + 2;
  return LineStatus::kFound;
}

bool ParseInt(std::string_view s, int64_t* out) {
  const char* end = s.data() + s.size();
  auto result = std::from_chars(s.data(), end, *out);
  return !s.empty() && result.ec == std::errc() && result.ptr == end;
}

bool ParseDouble(std::string_view s, double* out) {
  if (s == "inf") {
    *out = std::numeric_limits<double>::infinity();
  } else if (s == "-inf") {
    *out = -std::numeric_limits<double>::infinity();
  } else if (s == "nan") {
    *out = std::numeric_limits<double>::quiet_NaN();
  } else {
    const char* end = s.data() + s.size();
    auto result = std::from_chars(s.data(), end, *out);
    return !s.empty() && result.ec == std::errc() && result.ptr == end;
  }
  return true;
}

bool IsBigNumber(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsAggregate(char type) {
  return type == '*' || type == '%' || type == '~' || type == '>' || type == '|';
}

}  // namespace

ReplyParser::Status ReplyParser::Parse(std::string_view input) {
  if (!error_.empty()) return Status::kError;
  while (true) {
    Reply value;
    switch (ParseValue(input, &value)) {
      case Step::kNeedMore:
        return Status::kNeedMore;
      case Step::kError:
        return Status::kError;
      case Step::kContinue:
        break;
      case Step::kValue:
        if (Complete(std::move(value))) {
          consumed_ = pos_;
          pos_ = 0;
          return Status::kReply;
        }
        break;
    }
  }
}

// Parses the value at pos_. A scalar or empty aggregate is returned in *value (kValue); a
// non-empty aggregate or attribute is opened on the stack (kContinue). pos_ only moves on
// success, so after kNeedMore the same value is tried again with more bytes.
ReplyParser::Step ReplyParser::ParseValue(std::string_view input, Reply* value) {
  if (pos_ >= input.size()) return Step::kNeedMore;
  const char type = input[pos_];
  std::string_view line;
  size_t next;
  switch (FindLine(input, pos_ + 1, &line, &next)) {
    case LineStatus::kNeedMore:
      return Step::kNeedMore;
    case LineStatus::kMalformed:
      return Fail("CR not followed by LF");
    case LineStatus::kFound:
      break;
  }
  if (line == "?" && (type == '$' || IsAggregate(type))) {
    return Fail("streamed RESP3 replies are not supported");
  }

  Reply& r = *value;
  switch (type) {
    case '+':
      r.type = ReplyType::kSimpleString;
      r.str.assign(line);
      break;
    case '-':
      r.type = ReplyType::kError;
      r.str.assign(line);
      break;
    case ':':
      r.type = ReplyType::kInteger;
      if (!ParseInt(line, &r.integer)) {
        return Fail("invalid integer: " + std::string(line));
      }
      break;
    case '_':
      if (!line.empty()) {
        return Fail("invalid null");
      }
      r.resp3_null = true;
      break;
    case ',':
      r.type = ReplyType::kDouble;
      if (!ParseDouble(line, &r.dbl)) {
        return Fail("invalid double: " + std::string(line));
      }
      r.str.assign(line);
      break;
    case '#':
      if (line != "t" && line != "f") {
        return Fail("invalid boolean: " + std::string(line));
      }
      r.type = ReplyType::kBoolean;
      r.integer = line == "t";
      break;
    case '(':
      if (!IsBigNumber(line)) {
        return Fail("invalid big number: " + std::string(line));
      }
      r.type = ReplyType::kBigNumber;
      r.str.assign(line);
      break;
    case '$':
    case '!':
    case '=': {
      int64_t length;
      if (!ParseInt(line, &length) || length < -1 || (length == -1 && type != '$')) {
        return Fail("invalid bulk length: " + std::string(line));
      }
      if (length == -1) break;  // RESP2 null bulk
      const size_t size = static_cast<size_t>(length);
      if (input.size() - next < size + 2) return Step::kNeedMore;
      if (input[next + size] != '\r' || input[next + size + 1] != '\n') {
        return Fail("bulk string not followed by CRLF");
      }
      std::string_view payload = input.substr(next, size);
      next += size + 2;
      if (type == '=') {
        if (payload.size() < 4 || payload[3] != ':') {
          return Fail("invalid verbatim string");
        }
        r.type = ReplyType::kVerbatim;
        r.verbatim_format.assign(payload.substr(0, 3));
        payload.remove_prefix(4);
      } else {
        r.type = type == '$' ? ReplyType::kBulkString : ReplyType::kBlobError;
      }
      r.str.assign(payload);
      break;
    }
    case '*':
    case '%':
    case '~':
    case '>':
    case '|': {
      int64_t count;
      if (!ParseInt(line, &count) || count < -1 || (count == -1 && type != '*')) {
        return Fail("invalid aggregate length: " + std::string(line));
      }
      if (count == -1) {  // RESP2 null array
        r.null_array = true;
        break;
      }
      const bool pairs = type == '%' || type == '|';
      if (pairs && count > std::numeric_limits<int64_t>::max() / 2) {
        return Fail("invalid aggregate length: " + std::string(line));
      }
      r.type = type == '*'   ? ReplyType::kArray
               : type == '%' ? ReplyType::kMap
               : type == '~' ? ReplyType::kSet
               : type == '>' ? ReplyType::kPush
                             : ReplyType::kAttribute;
      const int64_t elements = pairs ? count * 2 : count;
      if (elements == 0) {
        if (type != '|') break;  // an empty aggregate is a complete value
        pos_ = next;             // and empty attributes are nothing to attach
        return Step::kContinue;
      }
      if (stack_.size() >= kMaxDepth) {
        return Fail("reply nested deeper than " + std::to_string(kMaxDepth) + " levels");
      }
      // An attribute keeps the attributes before it aside, to pass them on with its own.
      r.attributes = std::move(pending_attributes_);
      pending_attributes_.clear();
      r.elements.reserve(std::min(elements, kMaxReserve));
      stack_.push_back({std::move(r), elements});
      pos_ = next;
      return Step::kContinue;
    }
    default:
      return Fail(std::string("unknown reply type byte '") + type + "'");
  }
  pos_ = next;
  r.attributes = std::move(pending_attributes_);
  pending_attributes_.clear();
  return Step::kValue;
}

bool ReplyParser::Complete(Reply value) {
  while (!stack_.empty()) {
    Frame& top = stack_.back();
    top.reply.elements.push_back(std::move(value));
    if (--top.remaining > 0) return false;
    value = std::move(top.reply);
    stack_.pop_back();
    if (value.type == ReplyType::kAttribute) {
      // Attributes describe the value that follows them at the same level.
      pending_attributes_ = std::move(value.attributes);
      std::move(value.elements.begin(), value.elements.end(),
                std::back_inserter(pending_attributes_));
      return false;
    }
  }
  reply_ = std::move(value);
  return true;
}

Reply ReplyParser::TakeReply() { return std::move(reply_); }

ReplyParser::Step ReplyParser::Fail(std::string message) {
  error_ = std::move(message);
  return Step::kError;
}

void ReplyParser::Reset() {
  stack_.clear();
  pending_attributes_.clear();
  pos_ = 0;
  reply_ = Reply();
  consumed_ = 0;
  error_.clear();
}

}  // namespace understudy::resp
