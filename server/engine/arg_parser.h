#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "resp/reply_writer.h"
#include "store/op_result.h"

namespace understudy::engine {

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Walks a command's optional arguments. The first failure is latched and every later read
// returns a neutral value, so option parsing reads straight through and checks error() once.
class ArgParser {
 public:
  ArgParser(std::span<const std::string_view> args, size_t start) : args_(args), pos_(start) {}

  bool HasNext() const { return pos_ < args_.size() && error_.empty(); }
  size_t remaining() const { return pos_ < args_.size() ? args_.size() - pos_ : 0; }

  // Consumes the next argument if it equals keyword, ignoring case.
  bool Check(std::string_view keyword);
  std::string_view Next();
  // Latches "ERR value is not an integer or out of range" on a bad integer.
  int64_t NextInt64();

  void Fail(std::string_view error) {
    if (error_.empty()) error_ = error;
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  std::span<const std::string_view> args_;
  size_t pos_;
  std::string error_;
};

// Parses an integer argument or replies Redis's error; returns false after replying.
bool ParseIntArg(resp::ReplyWriter& reply, std::string_view arg, int64_t* out);

// Like ParseIntArg for arguments Redis reads as a C int (database indexes).
bool ParseInt32Arg(resp::ReplyWriter& reply, std::string_view arg, int* out);

// A SCAN cursor as Redis reads it (strtoul): decimal, optional sign, nothing else (SCAN, ZSCAN).
bool ParseCursor(std::string_view text, uint64_t* cursor);

// A blocking command's timeout, in seconds with any fraction, as an absolute deadline in ms
// (0: wait for ever) from now_ms; replies the error and returns nullopt if it is not valid.
std::optional<int64_t> ParseBlockingTimeout(resp::ReplyWriter& reply, std::string_view arg,
                                            int64_t now_ms);

// Replies the error text for a failed data operation (WRONGTYPE, not an integer, ...).
void ReplyError(resp::ReplyWriter& reply, store::OpStatus status);

// The options of SCAN, HSCAN, SSCAN and ZSCAN from args[first] on: [MATCH pattern]
// [COUNT count], and [TYPE type] for SCAN (with_type). Replies the error and returns nullopt
// if they are not valid.
struct ScanOptions {
  std::optional<std::string_view> pattern;  // none for "*"; "" is a pattern: the empty string
  int64_t count = 10;
  std::string_view type;  // SCAN's TYPE; empty: any
};
std::optional<ScanOptions> ParseScanOptions(resp::ReplyWriter& reply,
                                            std::span<const std::string_view> args, size_t first,
                                            bool with_type);
// What HSCAN, SSCAN and ZSCAN answer for a missing key: cursor 0 and nothing.
void ReplyEmptyScan(resp::ReplyWriter& reply);

// The arguments of LMPOP, ZMPOP and their blocking forms from args[numkeys_at] on: numkeys
// key [key ...] END [COUNT count], where END is first_end or second_end (LEFT or RIGHT, MIN or
// MAX). Replies the error and returns nullopt if they are not valid.
struct MultiPopArgs {
  std::span<const std::string_view> keys;
  bool second_end = false;  // RIGHT, MAX
  int64_t count = 1;
};
std::optional<MultiPopArgs> ParseMultiPop(resp::ReplyWriter& reply,
                                          std::span<const std::string_view> args,
                                          size_t numkeys_at, std::string_view first_end,
                                          std::string_view second_end);

}  // namespace understudy::engine
