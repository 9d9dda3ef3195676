#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace understudy::resp {

// Every RESP2/RESP3 reply type. kNull covers RESP2's "$-1" and "*-1" as well as RESP3's "_";
// null_array and resp3_null tell the forms apart where that matters.
enum class ReplyType : uint8_t {
  kSimpleString,  // +
  kError,         // -
  kInteger,       // :
  kBulkString,    // $
  kArray,         // *
  kNull,          // _ (and $-1, *-1)
  kDouble,        // ,
  kBoolean,       // #
  kBlobError,     // !
  kVerbatim,      // =
  kBigNumber,     // (
  kMap,           // %
  kSet,           // ~
  kAttribute,     // |
  kPush,          // >
};

// A parsed reply as a value tree, for the client and the tests.
struct Reply {
  ReplyType type = ReplyType::kNull;
  // Text of simple strings, errors, bulk/verbatim strings (without the "txt:" prefix), big
  // numbers, and the original text of doubles.
  std::string str;
  int64_t integer = 0;  // also the boolean (0 or 1)
  double dbl = 0;
  std::string verbatim_format;  // "txt", "mkd"
  bool null_array = false;      // RESP2 "*-1" as opposed to "$-1"
  bool resp3_null = false;      // RESP3 "_" as opposed to "$-1"
  // Array, set and push elements; map and attribute entries as key, value, key, value...
  std::vector<Reply> elements;
  // Attributes (RESP3 '|') that preceded this reply, as key, value pairs.
  std::vector<Reply> attributes;

  bool is_error() const { return type == ReplyType::kError || type == ReplyType::kBlobError; }
  bool is_null() const { return type == ReplyType::kNull; }

  static Reply Simple(std::string s);
  static Reply Error(std::string s);
  static Reply Int(int64_t v);
  static Reply Bulk(std::string s);
  static Reply Nil();
  static Reply Array(std::vector<Reply> elements);
};

// Compares every field (a double's original text too; NaN equals NaN).
bool operator==(const Reply& a, const Reply& b);
// Writes ToString(reply), so test failures show replies readably.
std::ostream& operator<<(std::ostream& os, const Reply& reply);

// One-line rendering used by the conformance cases and test failure messages:
//   +OK   -ERR msg   :1   "bulk \x00 escaped"   (nil)   (nil-array)   _ (RESP3 null)
//   [a, b] arrays   %{k: v} maps   ~[a] sets   >[a] pushes   ,1.5 doubles   #t #f booleans
//   =txt:"text" verbatim   (12345 big numbers   !"blob error"   |{k: v} attributes before a value
std::string ToString(const Reply& reply);

// Incremental, resumable parser of server replies (both protocols). Feed it the unconsumed
// bytes starting at the first byte of the current reply; after kNeedMore call again with the
// same bytes plus more. Nesting depth is limited to protect against hostile peers. Streamed
// RESP3 strings and aggregates ("$?", "*?") are rejected. After kError the parser stays failed
// until Reset().
class ReplyParser {
 public:
  static constexpr size_t kMaxDepth = 128;

  enum class Status { kNeedMore, kReply, kError };

  Status Parse(std::string_view input);

  // Valid after kReply; moved-from by TakeReply().
  Reply& reply() { return reply_; }
  Reply TakeReply();
  size_t consumed() const { return consumed_; }
  // Description of a malformed reply after kError.
  std::string_view error() const { return error_; }

  void Reset();

 private:
  // An aggregate being filled.
  struct Frame {
    Reply reply;
    int64_t remaining;  // elements still to read
  };
  enum class Step { kNeedMore, kValue, kContinue, kError };

  Step ParseValue(std::string_view input, Reply* value);
  // Adds a finished value to the innermost open aggregate; true when it completes the reply.
  bool Complete(Reply value);
  Step Fail(std::string message);

  std::vector<Frame> stack_;
  std::vector<Reply> pending_attributes_;
  size_t pos_ = 0;  // start of the next value in the input
  Reply reply_;
  size_t consumed_ = 0;
  std::string error_;
};

}  // namespace understudy::resp
