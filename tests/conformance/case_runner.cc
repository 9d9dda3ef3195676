#include "tests/conformance/case_runner.h"

#include <filesystem>
#include <set>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/sync_connection.h"
#include "tests/conformance/reply_match.h"

namespace understudy::testing {
namespace {

using client::SyncConnection;
using resp::Reply;
using resp::ReplyType;

// A full SCAN iteration over a few keys needs far fewer calls; more means a cursor loop.
constexpr int kMaxScanCalls = 10000;
// Record mode reads replies to raw bytes until the server has been silent this long.
constexpr std::chrono::milliseconds kQuietPeriod(500);

std::vector<std::string_view> Views(const std::vector<std::string>& args) {
  return {args.begin(), args.end()};
}

absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

std::string Shown(const absl::StatusOr<Reply>& reply) {
  if (reply.ok()) return resp::ToString(*reply);
  return absl::StrCat("(no reply: ", reply.status().ToString(), ")");
}

// Runs one case, either checking (stop at the first mismatch) or recording (note what the
// lines should say and go on).
class Execution {
 public:
  Execution(const Case& c, Recording* recording) : case_(c), recording_(recording) {}

  std::optional<CaseFailure> Run(uint16_t port) {
    absl::StatusOr<SyncConnection> conn = SyncConnection::Connect("127.0.0.1", port);
    if (!conn.ok()) return CaseFailure{case_.line, conn.status().ToString()};
    std::vector<std::vector<std::string_view>> setup = {{"FLUSHALL"}, {"SELECT", "0"}};
    if (case_.resp3) setup.push_back({"HELLO", "3"});
    for (const std::vector<std::string_view>& command : setup) {
      absl::StatusOr<Reply> reply = conn->Command(command);
      if (!reply.ok() || reply->is_error()) {
        return CaseFailure{case_.line, absl::StrCat("case setup: ", AbslView(command[0]),
                                                    " answered ", Shown(reply))};
      }
    }
    for (const Step& step : case_.steps) {
      if (std::optional<CaseFailure> failure = RunStep(*conn, step)) return failure;
    }
    return std::nullopt;
  }

 private:
  std::optional<CaseFailure> RunStep(SyncConnection& conn, const Step& step) {
    if (step.kind == Step::Kind::kScan) return RunScan(conn, step);
    absl::Status sent = conn.WriteRaw(
        step.kind == Step::Kind::kRaw ? step.bytes : client::EncodeCommand(Views(step.args)));
    // A server may close while a request is still being sent: its replies still count.
    std::string send_note =
        sent.ok() ? "" : absl::StrCat("\n  (sending failed: ", sent.ToString(), ")");
    if (step.expectations.empty()) return RecordMissing(conn, step);
    for (const Expectation& expected : step.expectations) {
      absl::StatusOr<Reply> reply = conn.ReadReply();
      bool matched = expected.closed ? !reply.ok() && conn.closed()
                                     : reply.ok() && MatchesReply(expected.text, *reply);
      if (matched) continue;
      if (recording_ != nullptr && !expected.closed && reply.ok() && !HasHoles(expected.text)) {
        recording_->replace[expected.line] = RenderExpected(*reply, IsUnordered(expected.text));
        continue;
      }
      std::string actual = expected.closed && !reply.ok()
                               ? absl::StrCat("(still open: ", reply.status().ToString(), ")")
                               : Shown(reply);
      CaseFailure failure = Mismatch(step, expected, actual + send_note);
      // Without a reply the connection is of no further use, even to record mode.
      if (recording_ == nullptr || (!expected.closed && !reply.ok())) return failure;
      recording_->problems.push_back(absl::StrCat("line ", failure.line, ": ", failure.message));
    }
    return std::nullopt;
  }

  std::optional<CaseFailure> RunScan(SyncConnection& conn, const Step& step) {
    std::string command = absl::AsciiStrToUpper(step.args[0]);
    size_t cursor_index = command == "SCAN" ? 1 : 2;
    size_t unit = command == "HSCAN" || command == "ZSCAN" ? 2 : 1;  // field-value pairs
    std::vector<std::string> args = step.args;
    // Duplicates are allowed by SCAN's contract, so elements are collected as a set.
    std::set<std::vector<std::string>> seen;
    Reply collected = Reply::Array({});
    for (int calls = 0;; ++calls) {
      if (calls == kMaxScanCalls) {
        return CaseFailure{step.line, absl::StrCat(step.source, "\n  no cursor 0 after ",
                                                   kMaxScanCalls, " calls")};
      }
      absl::StatusOr<Reply> reply = conn.Command(Views(args));
      bool well_formed = reply.ok() && reply->type == ReplyType::kArray &&
                         reply->elements.size() == 2 &&
                         reply->elements[0].type == ReplyType::kBulkString &&
                         reply->elements[1].type == ReplyType::kArray &&
                         reply->elements[1].elements.size() % unit == 0;
      if (!well_formed) {
        return CaseFailure{step.line, absl::StrCat(step.source, "\n  unexpected reply to ", args[0],
                                                   " ", args[cursor_index], ": ", Shown(reply))};
      }
      const std::vector<Reply>& batch = reply->elements[1].elements;
      for (size_t i = 0; i < batch.size(); i += unit) {
        std::vector<std::string> key;
        for (size_t k = 0; k < unit; ++k) key.push_back(resp::ToString(batch[i + k]));
        if (!seen.insert(key).second) continue;
        for (size_t k = 0; k < unit; ++k) collected.elements.push_back(batch[i + k]);
      }
      args[cursor_index] = reply->elements[0].str;
      if (args[cursor_index] == "0") break;
    }
    if (step.expectations.empty()) {
      recording_->insert_after[step.line].push_back(RenderExpected(collected, true));
      return std::nullopt;
    }
    const Expectation& expected = step.expectations.front();
    if (MatchesReply(expected.text, collected)) return std::nullopt;
    if (recording_ != nullptr && !HasHoles(expected.text)) {
      recording_->replace[expected.line] = RenderExpected(collected, true);
      return std::nullopt;
    }
    CaseFailure failure = Mismatch(step, expected, resp::ToString(collected));
    if (recording_ == nullptr) return failure;
    recording_->problems.push_back(absl::StrCat("line ", failure.line, ": ", failure.message));
    return std::nullopt;
  }

  // Record mode, for a step written without expected lines.
  std::optional<CaseFailure> RecordMissing(SyncConnection& conn, const Step& step) {
    std::vector<std::string>& lines = recording_->insert_after[step.line];
    if (step.kind == Step::Kind::kCommand) {
      absl::StatusOr<Reply> reply = conn.ReadReply();
      if (!reply.ok()) return CaseFailure{step.line, Shown(reply)};
      lines.push_back(RenderExpected(*reply, false));
      return std::nullopt;
    }
    std::chrono::milliseconds timeout = conn.timeout();
    conn.set_timeout(kQuietPeriod);
    while (true) {
      absl::StatusOr<Reply> reply = conn.ReadReply();
      if (reply.ok()) {
        lines.push_back(RenderExpected(*reply, false));
        continue;
      }
      if (conn.closed()) lines.push_back("(closed)");
      break;
    }
    conn.set_timeout(timeout);
    return std::nullopt;
  }

  CaseFailure Mismatch(const Step& step, const Expectation& expected, std::string_view actual) {
    return CaseFailure{expected.line, absl::StrCat(step.source, "\n  expected: ", expected.text,
                                                   "\n  actual:   ", AbslView(actual))};
  }

  const Case& case_;
  Recording* recording_;  // null when checking
};

}  // namespace

std::optional<CaseFailure> CheckCase(const Case& c, uint16_t port) {
  return Execution(c, nullptr).Run(port);
}

absl::StatusOr<Recording> RecordCase(const CaseFile& file, const Case& c, uint16_t port) {
  Recording recording;
  std::optional<CaseFailure> failure = Execution(c, &recording).Run(port);
  std::string name = std::filesystem::path(file.path).filename();
  for (std::string& problem : recording.problems) problem = absl::StrCat(name, " ", problem);
  if (failure) {
    return absl::UnavailableError(absl::StrCat(name, ":", failure->line, ": ", failure->message));
  }
  return recording;
}

std::vector<std::string> ApplyRecording(const std::vector<std::string>& lines,
                                        const Recording& recording) {
  std::vector<std::string> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    int number = static_cast<int>(i) + 1;
    auto replaced = recording.replace.find(number);
    out.push_back(replaced == recording.replace.end() ? lines[i] : replaced->second);
    auto inserted = recording.insert_after.find(number);
    if (inserted != recording.insert_after.end()) {
      out.insert(out.end(), inserted->second.begin(), inserted->second.end());
    }
  }
  return out;
}

}  // namespace understudy::testing
