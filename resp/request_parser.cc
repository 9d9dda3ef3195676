#include "resp/request_parser.h"

#include <algorithm>

#include "resp/base/strings.h"

namespace understudy::resp {
namespace {

// Marks a line whose terminator can never be found (see FindLineEnd).
constexpr size_t kBlocked = static_cast<size_t>(-1);

// isspace() in the C locale, which Redis uses to skip between inline arguments.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c <= '9') return c - '0';
  return (c | 0x20) - 'a' + 10;
}

char UnescapeChar(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

}  // namespace

RequestParser::RequestParser(int64_t max_bulk_length) : max_bulk_length_(max_bulk_length) {}

RequestParser::Status RequestParser::Parse(std::string_view input) {
  args_.clear();
  consumed_ = 0;
  input_size_ = input.size();
  if (!error_.empty()) return Status::kError;
  while (true) {
    if (!in_request_) {
      if (start_ >= input.size()) return Status::kNeedMore;
      in_request_ = true;
      in_multibulk_ = input[start_] == '*';
      pos_ = scan_ = start_;
    }
    switch (in_multibulk_ ? ParseMultibulk(input) : ParseInline(input)) {
      case Step::kNeedMore:
        return Status::kNeedMore;
      case Step::kError:
        return Status::kError;
      case Step::kEmpty:
        start_ = pos_;
        in_request_ = false;
        break;
      case Step::kDone:
        for (const ArgRef& ref : arg_refs_) {
          args_.push_back(ref.owned ? std::string_view(inline_storage_[ref.offset])
                                    : input.substr(ref.offset, ref.length));
        }
        consumed_ = pos_;
        start_ = 0;
        in_request_ = false;
        return Status::kCommand;
    }
  }
}

RequestParser::Step RequestParser::ParseMultibulk(std::string_view input) {
  if (remaining_args_ == 0) {
    size_t cr;
    switch (FindLineEnd(input, '\r', &cr)) {
      case LineEnd::kNeedMore:
        return Step::kNeedMore;
      case LineEnd::kTooBig:
        return Fail("Protocol error: too big mbulk count string");
      case LineEnd::kFound:
        break;
    }
    // Like Redis, wait for the byte after CR and take it as the LF without looking at it.
    if (cr + 1 >= input.size()) return Step::kNeedMore;
    int64_t count;
    if (!base::ParseInt64(input.substr(pos_ + 1, cr - pos_ - 1), &count) ||
        count > kMaxMultibulkLength) {
      return Fail("Protocol error: invalid multibulk length");
    }
    pos_ = scan_ = cr + 2;
    if (count <= 0) return Step::kEmpty;
    remaining_args_ = count;
    arg_refs_.clear();
  }
  while (remaining_args_ > 0) {
    if (bulk_length_ < 0) {
      size_t cr;
      switch (FindLineEnd(input, '\r', &cr)) {
        case LineEnd::kNeedMore:
          return Step::kNeedMore;
        case LineEnd::kTooBig:
          return Fail("Protocol error: too big bulk count string");
        case LineEnd::kFound:
          break;
      }
      if (cr + 1 >= input.size()) return Step::kNeedMore;
      if (input[pos_] != '$') {
        std::string message = "Protocol error: expected '$', got '?'";
        message[message.size() - 2] = input[pos_];
        return Fail(message);
      }
      int64_t length;
      if (!base::ParseInt64(input.substr(pos_ + 1, cr - pos_ - 1), &length) || length < 0 ||
          length > max_bulk_length_) {
        return Fail("Protocol error: invalid bulk length");
      }
      bulk_length_ = length;
      pos_ = scan_ = cr + 2;
    }
    const size_t length = static_cast<size_t>(bulk_length_);
    if (input.size() - pos_ < length + 2) return Step::kNeedMore;
    arg_refs_.push_back({pos_, length, false});
    // Redis skips the two bytes after the payload without checking that they are CRLF.
    pos_ = scan_ = pos_ + length + 2;
    bulk_length_ = -1;
    --remaining_args_;
  }
  return Step::kDone;
}

RequestParser::Step RequestParser::ParseInline(std::string_view input) {
  size_t lf;
  switch (FindLineEnd(input, '\n', &lf)) {
    case LineEnd::kNeedMore:
      return Step::kNeedMore;
    case LineEnd::kTooBig:
      return Fail("Protocol error: too big inline request");
    case LineEnd::kFound:
      break;
  }
  size_t end = lf;
  if (end > pos_ && input[end - 1] == '\r') --end;
  if (!SplitInline(input.substr(pos_, end - pos_), pos_)) {
    return Fail("Protocol error: unbalanced quotes in request");
  }
  pos_ = scan_ = lf + 1;
  return arg_refs_.empty() ? Step::kEmpty : Step::kDone;
}

// Redis finds line ends with strchr(), so a NUL byte before the terminator hides it, and it
// gives up once more than kMaxInlineSize bytes have arrived without one. Checking a fixed window
// gives the same answer however the bytes are split (Redis, reading 16 KB at a time, lets
// slightly longer lines through when they arrive together).
RequestParser::LineEnd RequestParser::FindLineEnd(std::string_view input, char terminator,
                                                  size_t* end) {
  if (scan_ != kBlocked) {
    const size_t limit = std::min(input.size(), pos_ + kMaxInlineSize + 1);
    for (; scan_ < limit; ++scan_) {
      if (input[scan_] == terminator) {
        *end = scan_;
        return LineEnd::kFound;
      }
      if (input[scan_] == '\0') {
        scan_ = kBlocked;
        break;
      }
    }
  }
  return input.size() - pos_ > kMaxInlineSize ? LineEnd::kTooBig : LineEnd::kNeedMore;
}

// Splits an inline line the way Redis's sdssplitargs does: arguments are separated by
// whitespace; a double-quoted part understands \n \r \t \b \a \xHH and \<any>, a single-quoted
// part only \'; a closing quote must be followed by whitespace or the end of the line. A quote
// may open in the middle of an argument: a"b c" is the one argument "ab c".
// Returns false on unbalanced quotes. base is the offset of line in the input.
bool RequestParser::SplitInline(std::string_view line, size_t base) {
  arg_refs_.clear();
  size_t owned = 0;
  size_t p = 0;
  const size_t n = line.size();
  while (true) {
    while (p < n && IsSpace(line[p])) ++p;
    if (p == n) return true;
    const size_t start = p;
    std::string* out = nullptr;  // set once the argument has quotes and must be unescaped
    char quote = 0;
    while (true) {
      if (quote == 0) {
        if (p == n) break;
        const char c = line[p];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') break;
        if (c == '"' || c == '\'') {
          if (out == nullptr) {
            out = OwnedArg(owned++);
            out->assign(line.substr(start, p - start));
          }
          quote = c;
        } else if (out != nullptr) {
          out->push_back(c);
        }
        ++p;
        continue;
      }
      if (p == n) return false;
      const char c = line[p];
      if (c == quote) {
        ++p;
        if (p < n && !IsSpace(line[p])) return false;
        break;
      }
      if (quote == '"' && c == '\\' && p + 3 < n && line[p + 1] == 'x' && IsHexDigit(line[p + 2]) &&
          IsHexDigit(line[p + 3])) {
        out->push_back(static_cast<char>(HexValue(line[p + 2]) * 16 + HexValue(line[p + 3])));
        p += 4;
      } else if (quote == '"' && c == '\\' && p + 1 < n) {
        out->push_back(UnescapeChar(line[p + 1]));
        p += 2;
      } else if (quote == '\'' && c == '\\' && p + 1 < n && line[p + 1] == '\'') {
        out->push_back('\'');
        p += 2;
      } else {
        out->push_back(c);
        ++p;
      }
    }
    if (out != nullptr) {
      arg_refs_.push_back({owned - 1, out->size(), true});
    } else {
      arg_refs_.push_back({base + start, p - start, false});
    }
  }
}

std::string* RequestParser::OwnedArg(size_t index) {
  if (index == inline_storage_.size()) inline_storage_.emplace_back();
  std::string* s = &inline_storage_[index];
  s->clear();
  return s;
}

RequestParser::Step RequestParser::Fail(std::string_view message) {
  error_.assign(message);
  // Redis turns CR and LF into spaces in error replies ("expected '$', got ' '").
  std::replace_if(
      error_.begin(), error_.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return Step::kError;
}

size_t RequestParser::bytes_wanted() const {
  if (!in_request_ || !in_multibulk_ || bulk_length_ < 0) return 0;
  const size_t needed = pos_ + static_cast<size_t>(bulk_length_) + 2;
  return needed > input_size_ ? needed - input_size_ : 0;
}

void RequestParser::Reset() {
  start_ = 0;
  in_request_ = false;
  in_multibulk_ = false;
  pos_ = scan_ = 0;
  remaining_args_ = 0;
  bulk_length_ = -1;
  arg_refs_.clear();
  args_.clear();
  consumed_ = 0;
  error_.clear();
}

}  // namespace understudy::resp
