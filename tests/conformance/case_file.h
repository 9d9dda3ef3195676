#pragma once

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace understudy::testing {

// The conformance case files: one per command family, cases as data. The format is specified
// in tests/conformance/README.md.

// One expected line: a reply pattern (see reply_match.h) or "(closed)".
struct Expectation {
  int line = 0;         // 1-based line number in the file
  std::string text;     // as written (trailing spaces are part of it)
  bool closed = false;  // "(closed)": the server must close the connection
};

struct Step {
  enum class Kind {
    kCommand,  // "> ARG...": one multibulk request, then its replies
    kSend,     // ">! ARG...": one multibulk request; its reply is left for a later "<"
    kReceive,  // "<": replies (or RESP3 pushes) read without sending anything
    kRaw,      // raw "BYTES"...: bytes sent as they are
    kScan,     // "scan> SCAN 0 ...": a full cursor iteration, collected into one array
    kQuiet,    // "quiet MS": nothing may arrive within MS milliseconds
    kWait,     // "wait FIELD VALUE": poll INFO on the control connection until FIELD is VALUE
  };
  Kind kind = Kind::kCommand;
  int line = 0;
  std::string source;                  // the line as written, for messages
  std::string connection;              // its name ("A> ..."); empty for the default connection
  std::vector<std::string> args;       // kCommand, kSend and kScan; may hold "$id(NAME)"
  std::string bytes;                   // kRaw
  std::chrono::milliseconds quiet{0};  // kQuiet
  std::string info_field, info_value;  // kWait
  std::vector<Expectation> expectations;
};

struct Case {
  std::string name;       // as written after "=== "
  std::string test_name;  // "<family>_<name with each run of other than [A-Za-z0-9] as _>"
  int line = 0;
  bool resp3 = false;  // every connection sends HELLO 3 when it opens
  // "@pending REASON": understudy lacks something the case needs, so its half is reported as
  // skipped with the reason; the Redis half still runs, keeping the expectations honest.
  std::string pending;
  std::vector<Step> steps;
  // Connections whose id an argument refers to as "$id(NAME)": they send CLIENT ID on opening.
  std::set<std::string, std::less<>> id_connections;
};

struct CaseFile {
  std::string path;
  std::string family;              // file name without ".txt"
  std::vector<std::string> lines;  // the file's lines, for rewriting in record mode
  std::vector<Case> cases;
};

// Parses a case file's text. With allow_missing_replies (record mode), steps may have no
// expected lines yet. Errors name the file and line.
absl::StatusOr<CaseFile> ParseCaseFile(std::string path, std::string_view text,
                                       bool allow_missing_replies = false);

absl::StatusOr<CaseFile> LoadCaseFile(std::string path, bool allow_missing_replies = false);

// Splits a command line into arguments: bare words, or "quoted" strings with the escapes
// \\ \" \r \n \t \0 \xHH and an optional repeat count ("ab"*3 is "ababab").
absl::StatusOr<std::vector<std::string>> SplitArguments(std::string_view line);

// Replaces every "$id(NAME)" in arg with id_of(NAME). Fails on a malformed reference or an
// error from id_of.
absl::StatusOr<std::string> ExpandIds(
    std::string_view arg,
    const std::function<absl::StatusOr<std::string>(std::string_view)>& id_of);

}  // namespace understudy::testing
