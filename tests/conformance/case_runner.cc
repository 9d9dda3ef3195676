#include "tests/conformance/case_runner.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tests/support/sync_connection.h"
#include "resp/base/strings.h"
#include "tests/conformance/case_connection.h"
#include "tests/conformance/reply_match.h"

namespace understudy::testing {
namespace {

using resp::Reply;
using resp::ReplyType;

// A full SCAN iteration over a few keys needs far fewer calls; more means a cursor loop.
constexpr int kMaxScanCalls = 10000;
// Record mode reads replies to raw bytes until the server has been silent this long.
constexpr std::chrono::milliseconds kQuietPeriod(500);
// "wait" polls INFO this often, for at most kWaitTimeout.
constexpr std::chrono::milliseconds kPollInterval(2);
constexpr std::chrono::milliseconds kWaitTimeout(5000);

std::string Shown(const absl::StatusOr<Reply>& reply) {
  if (reply.ok()) return resp::ToString(*reply);
  return absl::StrCat("(no reply: ", reply.status().ToString(), ")");
}

// The value of "field:value" in an INFO text, if it is there.
std::optional<std::string_view> InfoValue(std::string_view info, std::string_view field) {
  for (size_t start = 0, end; start < info.size(); start = end + 1) {
    end = std::min(info.find('\n', start), info.size());
    std::string_view line = info.substr(start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.size() > field.size() && line.starts_with(field) && line[field.size()] == ':') {
      return line.substr(field.size() + 1);
    }
  }
  return std::nullopt;
}

// Runs one case, either checking (stop at the first mismatch) or recording (note what the
// lines should say and go on).
class Execution {
 public:
  Execution(const Case& c, Recording* recording) : case_(c), recording_(recording) {}

  std::optional<CaseFailure> Run(uint16_t port) {
    port_ = port;
    // The control connection flushes, serves "wait" and sees no step: cases that count
    // clients count it too.
    absl::StatusOr<CaseConnection> control = CaseConnection::Open(port);
    if (!control.ok()) return CaseFailure{case_.line, control.status().ToString()};
    control_.emplace(*std::move(control));
    absl::StatusOr<Reply> flushed = control_->Command({"FLUSHALL"});
    if (!flushed.ok() || flushed->is_error()) {
      return CaseFailure{case_.line,
                         absl::StrCat("case setup: FLUSHALL answered ", Shown(flushed))};
    }
    std::optional<CaseFailure> failure;
    for (const Step& step : case_.steps) {
      failure = RunStep(step);
      if (failure) break;
    }
    // Waits until the server has let go of the case's clients, so that no later case sees them
    // (a client left blocked would count in its blocked_clients).
    connections_.clear();
    absl::Status settled = WaitForInfo("connected_clients", "1");
    if (!failure && !settled.ok()) {
      failure = CaseFailure{case_.line, absl::StrCat("after the case, ", settled.message())};
    }
    // A case that stopped before restoring requirepass would lock every later case's control
    // connection out; this one stays authenticated, so it clears the password.
    absl::StatusOr<Reply> unlocked = control_->Command({"CONFIG", "SET", "requirepass", ""});
    if (!failure && (!unlocked.ok() || unlocked->is_error())) {
      failure = CaseFailure{
          case_.line,
          absl::StrCat("after the case, CONFIG SET requirepass answered ", Shown(unlocked))};
    }
    return failure;
  }

 private:
  std::optional<CaseFailure> RunStep(const Step& step) {
    if (step.kind == Step::Kind::kWait) {
      absl::Status waited = WaitForInfo(step.info_field, step.info_value);
      if (waited.ok()) return std::nullopt;
      return CaseFailure{step.line, Failed(step, waited)};
    }
    absl::StatusOr<CaseConnection*> conn = Connection(step.connection);
    if (!conn.ok()) return CaseFailure{step.line, Failed(step, conn.status())};
    switch (step.kind) {
      case Step::Kind::kQuiet:
        if (std::optional<std::string> arrived = (*conn)->Arrived(step.quiet)) {
          return CaseFailure{step.line, absl::StrCat(step.source, "\n  arrived: ", *arrived)};
        }
        return std::nullopt;
      case Step::Kind::kScan:
        return RunScan(**conn, step);
      default:
        return Exchange(**conn, step);
    }
  }

  // The connection of that name, opened on first use (HELLO 3 for RESP3 cases, and CLIENT ID
  // if an argument refers to its id).
  absl::StatusOr<CaseConnection*> Connection(std::string_view name) {
    auto found = connections_.find(name);
    if (found != connections_.end()) return &found->second;
    absl::StatusOr<CaseConnection> conn = CaseConnection::Open(port_);
    if (!conn.ok()) return conn.status();
    auto opening_failed = [&](std::string_view command, const absl::StatusOr<Reply>& reply) {
      return absl::FailedPreconditionError(absl::StrCat("opening connection ", base::AbslView(name),
                                                        ": ", base::AbslView(command), " answered ",
                                                        Shown(reply)));
    };
    if (case_.resp3) {
      absl::StatusOr<Reply> hello = conn->Command({"HELLO", "3"});
      if (!hello.ok() || hello->is_error()) return opening_failed("HELLO 3", hello);
    }
    if (case_.id_connections.contains(name)) {
      absl::StatusOr<Reply> id = conn->Command({"CLIENT", "ID"});
      if (!id.ok() || id->type != ReplyType::kInteger) return opening_failed("CLIENT ID", id);
      ids_.emplace(name, absl::StrCat(id->integer));
    }
    return &connections_.emplace(name, *std::move(conn)).first->second;
  }

  // The arguments with every "$id(NAME)" replaced by that connection's id.
  absl::StatusOr<std::vector<std::string>> Expanded(const std::vector<std::string>& args) {
    auto id_of = [this](std::string_view name) -> absl::StatusOr<std::string> {
      absl::StatusOr<CaseConnection*> conn = Connection(name);
      if (!conn.ok()) return conn.status();
      return ids_.find(name)->second;
    };
    std::vector<std::string> out;
    for (const std::string& arg : args) {
      absl::StatusOr<std::string> expanded = ExpandIds(arg, id_of);
      if (!expanded.ok()) return expanded.status();
      out.push_back(*std::move(expanded));
    }
    return out;
  }

  // Polls INFO on the control connection until field has value.
  absl::Status WaitForInfo(std::string_view field, std::string_view value) {
    auto deadline = std::chrono::steady_clock::now() + kWaitTimeout;
    std::string last = "missing from INFO";
    while (true) {
      absl::StatusOr<Reply> info = control_->Command({"INFO"});
      if (!info.ok() || info->type != ReplyType::kBulkString) {
        return absl::FailedPreconditionError(absl::StrCat("INFO answered ", Shown(info)));
      }
      std::optional<std::string_view> found = InfoValue(info->str, field);
      if (found == value) return absl::OkStatus();
      if (found) last = absl::StrCat("still ", base::AbslView(*found));
      if (std::chrono::steady_clock::now() >= deadline) {
        return absl::DeadlineExceededError(absl::StrCat(base::AbslView(field), " is ", last,
                                                        " after ", kWaitTimeout.count(),
                                                        " ms, not ", base::AbslView(value)));
      }
      std::this_thread::sleep_for(kPollInterval);
    }
  }

  // Sends what the step sends (nothing for "<") and reads the replies it expects.
  std::optional<CaseFailure> Exchange(CaseConnection& conn, const Step& step) {
    std::string send_note;
    if (step.kind != Step::Kind::kReceive) {
      std::string request = step.bytes;
      if (step.kind != Step::Kind::kRaw) {
        absl::StatusOr<std::vector<std::string>> args = Expanded(step.args);
        if (!args.ok()) return CaseFailure{step.line, Failed(step, args.status())};
        std::vector<std::string_view> views(args->begin(), args->end());
        request = testing::EncodeCommand(views);
      }
      absl::Status sent = conn.Write(request);
      if (step.kind == Step::Kind::kSend) {
        if (sent.ok()) return std::nullopt;
        return CaseFailure{step.line, Failed(step, sent)};
      }
      // A server may close while a request is still being sent: its replies still count.
      if (!sent.ok()) send_note = absl::StrCat("\n  (sending failed: ", sent.ToString(), ")");
    }
    if (step.expectations.empty()) return RecordMissing(conn, step);
    for (const Expectation& expected : step.expectations) {
      absl::StatusOr<Reply> reply = conn.Read();
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

  std::optional<CaseFailure> RunScan(CaseConnection& conn, const Step& step) {
    std::string command = absl::AsciiStrToUpper(step.args[0]);
    size_t cursor_index = command == "SCAN" ? 1 : 2;
    size_t unit = command == "HSCAN" || command == "ZSCAN" ? 2 : 1;  // field-value pairs
    absl::StatusOr<std::vector<std::string>> expanded = Expanded(step.args);
    if (!expanded.ok()) return CaseFailure{step.line, Failed(step, expanded.status())};
    std::vector<std::string>& args = *expanded;
    // Duplicates are allowed by SCAN's contract, so elements are collected as a set.
    std::set<std::vector<std::string>> seen;
    Reply collected = Reply::Array({});
    for (int calls = 0;; ++calls) {
      if (calls == kMaxScanCalls) {
        return CaseFailure{step.line, absl::StrCat(step.source, "\n  no cursor 0 after ",
                                                   kMaxScanCalls, " calls")};
      }
      absl::StatusOr<Reply> reply = conn.Command(args);
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
  std::optional<CaseFailure> RecordMissing(CaseConnection& conn, const Step& step) {
    std::vector<std::string>& lines = recording_->insert_after[step.line];
    if (step.kind != Step::Kind::kRaw) {
      absl::StatusOr<Reply> reply = conn.Read();
      if (reply.ok()) {
        lines.push_back(RenderExpected(*reply, false));
      } else if (conn.closed()) {
        lines.push_back("(closed)");
      } else {
        return CaseFailure{step.line, Shown(reply)};
      }
      return std::nullopt;
    }
    while (true) {
      absl::StatusOr<Reply> reply = conn.Read(kQuietPeriod);
      if (!reply.ok()) break;
      lines.push_back(RenderExpected(*reply, false));
    }
    if (conn.closed()) lines.push_back("(closed)");
    return std::nullopt;
  }

  static std::string Failed(const Step& step, const absl::Status& status) {
    return absl::StrCat(step.source, "\n  ", status.ToString());
  }

  CaseFailure Mismatch(const Step& step, const Expectation& expected, std::string_view actual) {
    return CaseFailure{expected.line, absl::StrCat(step.source, "\n  expected: ", expected.text,
                                                   "\n  actual:   ", base::AbslView(actual))};
  }

  const Case& case_;
  Recording* recording_;  // null when checking
  uint16_t port_ = 0;
  std::optional<CaseConnection> control_;
  std::map<std::string, CaseConnection, std::less<>> connections_;  // by name; "" is the default
  std::map<std::string, std::string, std::less<>> ids_;             // CLIENT ID of id_connections
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
