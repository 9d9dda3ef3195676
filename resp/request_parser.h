#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace understudy::resp {

// Redis's protocol limits (7.0 defaults). Redis 7.0 accepts "*N" up to INT_MAX (older versions
// stopped at 1024 * 1024); arguments are only allocated as they arrive.
inline constexpr size_t kMaxInlineSize = 64 * 1024;
inline constexpr int64_t kMaxMultibulkLength = 2147483647;
inline constexpr int64_t kDefaultMaxBulkLength = 512LL * 1024 * 1024;

// Incremental parser for client requests: RESP multibulk ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
// and inline commands ("GET k\r\n", as typed into telnet), pipelined and split at any byte.
//
// The caller owns the bytes. Each call passes the unconsumed input starting at the first byte
// of the current request; after kNeedMore the next call must pass the same bytes plus more
// (the buffer may move in memory between calls). The parser remembers how far it got, so
// a large bulk argument arriving in many reads is scanned once.
//
// On kCommand, args() are views into the input (no copies, except for inline arguments
// with quotes or escapes, which are unescaped into parser-owned storage) and stay valid until
// the next call or until the caller changes those bytes. consumed() tells how many bytes the
// request took. An empty request (blank inline line, "*0\r\n", "*-1\r\n") is consumed silently
// and never returned: its bytes count in the consumed() of the next command (after kNeedMore,
// consumed() is 0 and the input must still start with them).
//
// Quirks of Redis 7.0 kept on purpose: the byte after a CR and the two bytes after a bulk
// payload are skipped without checking they are LF / CRLF; a NUL byte hides the end of its
// line (as strchr() does in Redis), so the parser waits until the line is too big. Lines
// ("*N", "$N" and inline) may hold at most kMaxInlineSize bytes before their terminator.
//
// On kError, error() is Redis's message without the "-ERR " prefix, for example
// "Protocol error: invalid bulk length"; the connection must then reply and close. The error
// sticks until Reset().
class RequestParser {
 public:
  enum class Status { kNeedMore, kCommand, kError };

  explicit RequestParser(int64_t max_bulk_length = kDefaultMaxBulkLength);

  Status Parse(std::string_view input);

  std::span<const std::string_view> args() const { return args_; }
  size_t consumed() const { return consumed_; }
  std::string_view error() const { return error_; }

  // Size hint for the caller's buffer: bytes the current request still needs, when known
  // (while reading a bulk argument), else 0. Lets the connection read a large argument
  // without growing its buffer many times.
  size_t bytes_wanted() const;

  // While a bulk argument is being read (bytes_wanted() > 0): where its first byte is in the
  // input.
  size_t bulk_start() const { return pos_; }
  // The caller moved the bulk being read, and the bytes of it received so far, `gap` bytes
  // further on in its buffer (to leave room before it): the parser skips the gap, which
  // counts as part of the request in consumed().
  void SkipBeforeBulk(size_t gap) {
    pos_ += gap;
    scan_ = pos_;
  }

  // Changes the largest bulk accepted (CONFIG SET proto-max-bulk-len), from the next "$N" line.
  void set_max_bulk_length(int64_t max_bulk_length) { max_bulk_length_ = max_bulk_length; }

  // Forgets any partial request.
  void Reset();

 private:
  enum class Step { kNeedMore, kDone, kEmpty, kError };
  enum class LineEnd { kFound, kNeedMore, kTooBig };
  // An argument: a span of the input, or (owned) an index into inline_storage_.
  struct ArgRef {
    size_t offset;
    size_t length;
    bool owned;
  };

  Step ParseMultibulk(std::string_view input);
  Step ParseInline(std::string_view input);
  LineEnd FindLineEnd(std::string_view input, char terminator, size_t* end);
  bool SplitInline(std::string_view line, size_t base);
  std::string* OwnedArg(size_t index);
  Step Fail(std::string_view message);

  int64_t max_bulk_length_;

  // Offsets are relative to the input passed to Parse(), whose first start_ bytes are empty
  // requests already skipped (they are counted in the next command's consumed()).
  size_t start_ = 0;
  bool in_request_ = false;  // the request at start_ has begun (its kind is known)
  bool in_multibulk_ = false;
  size_t pos_ = 0;              // next byte to examine
  size_t scan_ = 0;             // how far the current line was searched for its terminator
  int64_t remaining_args_ = 0;  // arguments still to read; 0 before the "*N" line is read
  int64_t bulk_length_ = -1;    // length of the bulk being read, -1 before its "$N" line
  std::vector<ArgRef> arg_refs_;
  size_t input_size_ = 0;  // size of the last input, for bytes_wanted()

  std::vector<std::string_view> args_;
  std::vector<std::string> inline_storage_;  // reused between requests to avoid allocating
  size_t consumed_ = 0;
  std::string error_;
};

}  // namespace understudy::resp
