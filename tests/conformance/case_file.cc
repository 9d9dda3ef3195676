#include "tests/conformance/case_file.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "resp/base/strings.h"
#include "tests/conformance/reply_match.h"

namespace understudy::testing {
namespace {

// Repeat counts are for building long protocol inputs, not for exhausting memory.
constexpr uint64_t kMaxTokenSize = 16 * 1024 * 1024;

struct Token {
  std::string value;
  bool quoted = false;
};

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view line) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (true) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) return tokens;
    Token token;
    if (line[i] != '"') {
      size_t end = line.find_first_of(" \t", i);
      if (end == std::string_view::npos) end = line.size();
      token.value = line.substr(i, end - i);
      tokens.push_back(std::move(token));
      i = end;
      continue;
    }
    token.quoted = true;
    ++i;
    while (true) {
      if (i == line.size()) return absl::InvalidArgumentError("unterminated quoted string");
      char c = line[i++];
      if (c == '"') break;
      if (c != '\\') {
        token.value += c;
        continue;
      }
      if (i == line.size()) return absl::InvalidArgumentError("backslash at end of line");
      char e = line[i++];
      switch (e) {
        case '\\':
          token.value += '\\';
          break;
        case '"':
          token.value += '"';
          break;
        case 'r':
          token.value += '\r';
          break;
        case 'n':
          token.value += '\n';
          break;
        case 't':
          token.value += '\t';
          break;
        case '0':
          token.value += '\0';
          break;
        case 'x': {
          int hi = i + 1 < line.size() ? HexDigit(line[i]) : -1;
          int lo = hi >= 0 ? HexDigit(line[i + 1]) : -1;
          if (lo < 0) return absl::InvalidArgumentError("\\x needs two hex digits");
          token.value += static_cast<char>(hi * 16 + lo);
          i += 2;
          break;
        }
        default:
          return absl::InvalidArgumentError(absl::StrCat("unknown escape \\", std::string(1, e)));
      }
    }
    if (i < line.size() && line[i] == '*') {
      size_t end = line.find_first_of(" \t", i);
      if (end == std::string_view::npos) end = line.size();
      uint64_t count = 0;
      if (!absl::SimpleAtoi(base::AbslView(line.substr(i + 1, end - i - 1)), &count) ||
          count * token.value.size() > kMaxTokenSize) {
        return absl::InvalidArgumentError("bad repeat count after a quoted string");
      }
      // Doubling keeps megabyte-sized repeats cheap: every test process parses every file.
      size_t total = count * token.value.size();
      token.value.reserve(total);
      while (token.value.size() < total) {
        token.value.append(token.value, 0,
                           std::min(token.value.size(), total - token.value.size()));
      }
      if (count == 0) token.value.clear();
      i = end;
    }
    if (i < line.size() && line[i] != ' ' && line[i] != '\t') {
      return absl::InvalidArgumentError("quoted string must be followed by a space");
    }
    tokens.push_back(std::move(token));
  }
}

std::string TestName(std::string_view family, std::string_view name) {
  std::string out = absl::StrCat(base::AbslView(family), "_");
  bool pending_underscore = false;
  for (char c : name) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      if (pending_underscore && out.back() != '_') out += '_';
      pending_underscore = false;
      out += c;
    } else {
      pending_underscore = true;
    }
  }
  return out;
}

bool IsComment(std::string_view line) {
  return line == "#" || (line.size() >= 2 && line[0] == '#' && line[1] == ' ');
}

// Whether a step of this kind has expected lines.
bool ReadsReplies(Step::Kind kind) {
  return kind == Step::Kind::kCommand || kind == Step::Kind::kReceive || kind == Step::Kind::kRaw ||
         kind == Step::Kind::kScan;
}

// Words that start steps (or expected lines) and so cannot name a connection.
constexpr std::string_view kKeywords[] = {"raw", "scan", "quiet", "wait", "unordered"};

bool IsConnectionName(std::string_view word) {
  if (word.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(word[0]))) return false;
  for (char c : word) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return std::find(std::begin(kKeywords), std::end(kKeywords), word) == std::end(kKeywords);
}

// Splits "A> ...", "A< " and "A raw ..." into the connection name and the step. Without a
// name (or for an expected line) the name is empty.
std::pair<std::string_view, std::string_view> SplitConnection(std::string_view line) {
  size_t end = 0;
  while (end < line.size() &&
         (absl::ascii_isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_')) {
    ++end;
  }
  std::string_view name = line.substr(0, end);
  std::string_view rest = line.substr(end);
  if (!IsConnectionName(name) || rest.empty()) return {"", line};
  if (rest[0] == '>' || rest[0] == '<') return {name, rest};
  for (std::string_view keyword : {" raw ", " scan> ", " quiet ", " wait "}) {
    if (rest.starts_with(keyword)) return {name, rest.substr(1)};
  }
  return {"", line};
}

}  // namespace

absl::StatusOr<std::vector<std::string>> SplitArguments(std::string_view line) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(line);
  if (!tokens.ok()) return tokens.status();
  std::vector<std::string> args;
  for (Token& token : *tokens) args.push_back(std::move(token.value));
  return args;
}

absl::StatusOr<std::string> ExpandIds(
    std::string_view arg,
    const std::function<absl::StatusOr<std::string>(std::string_view)>& id_of) {
  constexpr std::string_view kOpen = "$id(";
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t start = arg.find(kOpen, pos);
    if (start == std::string_view::npos) return out.append(arg.substr(pos));
    size_t close = arg.find(')', start);
    if (close == std::string_view::npos) return absl::InvalidArgumentError("$id( without )");
    std::string_view name = arg.substr(start + kOpen.size(), close - start - kOpen.size());
    if (!IsConnectionName(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("$id(", base::AbslView(name), "): not a connection name"));
    }
    absl::StatusOr<std::string> id = id_of(name);
    if (!id.ok()) return id.status();
    out.append(arg.substr(pos, start - pos)).append(*id);
    pos = close + 1;
  }
}

absl::StatusOr<CaseFile> ParseCaseFile(std::string path, std::string_view text,
                                       bool allow_missing_replies) {
  CaseFile file;
  file.path = std::move(path);
  file.family = std::filesystem::path(file.path).stem();
  file.lines = absl::StrSplit(base::AbslView(text), '\n');
  if (!file.lines.empty() && file.lines.back().empty()) file.lines.pop_back();

  std::string file_name = std::filesystem::path(file.path).filename();
  auto error = [&](int line, absl::string_view message) {
    return absl::InvalidArgumentError(absl::StrCat(file_name, ":", line, ": ", message));
  };
  // Checks the case that just ended.
  auto finish_case = [&]() -> absl::Status {
    if (file.cases.empty()) return absl::OkStatus();
    const Case& c = file.cases.back();
    if (c.steps.empty()) return error(c.line, "case has no commands");
    for (const Step& step : c.steps) {
      if (ReadsReplies(step.kind) && step.expectations.empty() && !allow_missing_replies) {
        return error(step.line,
                     "no expected reply (write one, or record it from Redis with "
                     "UNDERSTUDY_CONFORMANCE_RECORD=1)");
      }
    }
    return absl::OkStatus();
  };

  bool file_resp3 = false;
  std::string file_pending;
  std::set<std::string> test_names;
  std::set<std::string, std::less<>> closed;  // connections of the current case that closed
  for (size_t index = 0; index < file.lines.size(); ++index) {
    int number = static_cast<int>(index) + 1;
    std::string_view line = file.lines[index];
    // Trailing spaces are significant: some Redis errors end with one.
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (absl::StripAsciiWhitespace(base::AbslView(line)).empty() || IsComment(line)) continue;
    Case* current = file.cases.empty() ? nullptr : &file.cases.back();

    if (line.starts_with("=== ")) {
      if (absl::Status status = finish_case(); !status.ok()) return status;
      Case c;
      c.name = std::string(absl::StripAsciiWhitespace(base::AbslView(line.substr(4))));
      c.test_name = TestName(file.family, c.name);
      c.line = number;
      c.resp3 = file_resp3;
      c.pending = file_pending;
      if (!test_names.insert(c.test_name).second) {
        return error(number, absl::StrCat("duplicate case name ", c.test_name));
      }
      file.cases.push_back(std::move(c));
      closed.clear();
      continue;
    }
    if (line.starts_with("@pending ")) {
      const std::string reason(absl::StripAsciiWhitespace(base::AbslView(line.substr(9))));
      if (current == nullptr) {
        file_pending = reason;
      } else {
        current->pending = reason;
      }
      continue;
    }
    if (line.starts_with("@")) {
      if (line != "@resp3")
        return error(number, absl::StrCat("unknown directive ", base::AbslView(line)));
      if (current == nullptr) {
        file_resp3 = true;
      } else if (!current->steps.empty()) {
        return error(number, "@resp3 must come before the case's first command");
      } else {
        current->resp3 = true;
      }
      continue;
    }
    if (current == nullptr) return error(number, "expected \"=== case name\" first");

    auto [name, rest] = SplitConnection(line);
    Step step;
    step.line = number;
    step.source = line;
    step.connection = name;
    if (rest.starts_with("> ")) {
      step.kind = Step::Kind::kCommand;
      rest.remove_prefix(2);
    } else if (rest.starts_with(">! ")) {
      step.kind = Step::Kind::kSend;
      rest.remove_prefix(3);
    } else if (rest.starts_with("<") &&
               absl::StripAsciiWhitespace(base::AbslView(rest.substr(1))).empty()) {
      step.kind = Step::Kind::kReceive;
      rest = {};
    } else if (rest.starts_with("scan> ")) {
      step.kind = Step::Kind::kScan;
      rest.remove_prefix(6);
    } else if (rest.starts_with("raw ")) {
      step.kind = Step::Kind::kRaw;
      rest.remove_prefix(4);
    } else if (rest.starts_with("quiet ")) {
      step.kind = Step::Kind::kQuiet;
      rest.remove_prefix(6);
    } else if (rest.starts_with("wait ")) {
      step.kind = Step::Kind::kWait;
      rest.remove_prefix(5);
      if (!name.empty()) return error(number, "wait runs on the control connection: no name");
    } else if (!name.empty()) {
      return error(number, "a connection name is followed by >, >!, <, scan>, raw or quiet");
    } else {
      if (current->steps.empty()) return error(number, "expected reply before any command");
      Step& previous = current->steps.back();
      if (!ReadsReplies(previous.kind)) {
        return error(number, previous.kind == Step::Kind::kSend
                                 ? ">! reads no reply: expect it after a later <"
                                 : "quiet and wait take no expected lines");
      }
      if (!previous.expectations.empty() && previous.expectations.back().closed) {
        return error(number, "nothing can follow (closed)");
      }
      Expectation expectation;
      expectation.line = number;
      expectation.text = line;
      expectation.closed = line == "(closed)";
      if (expectation.closed) {
        closed.insert(previous.connection);
      } else if (absl::Status valid = ValidateExpected(line); !valid.ok()) {
        return error(number, valid.message());
      }
      if (previous.kind == Step::Kind::kScan &&
          (!previous.expectations.empty() || !IsUnordered(line))) {
        return error(number, "scan> has one expected line, starting with \"unordered \"");
      }
      previous.expectations.push_back(std::move(expectation));
      continue;
    }
    if (step.kind != Step::Kind::kWait && closed.contains(step.connection)) {
      return error(number, "no step can use a connection after its (closed)");
    }
    absl::StatusOr<std::vector<Token>> tokens = Tokenize(rest);
    if (!tokens.ok()) return error(number, tokens.status().message());
    if (tokens->empty() && step.kind != Step::Kind::kReceive) {
      return error(number, "nothing to send");
    }
    switch (step.kind) {
      case Step::Kind::kRaw:
        for (const Token& token : *tokens) {
          if (!token.quoted) return error(number, "raw takes only \"quoted\" strings");
          step.bytes += token.value;
        }
        break;
      case Step::Kind::kQuiet: {
        int ms = 0;
        if (tokens->size() != 1 || !absl::SimpleAtoi(base::AbslView(tokens->front().value), &ms) ||
            ms <= 0) {
          return error(number, "quiet takes a number of milliseconds");
        }
        step.quiet = std::chrono::milliseconds(ms);
        break;
      }
      case Step::Kind::kWait:
        if (tokens->size() != 2) return error(number, "wait takes an INFO field and a value");
        step.info_field = (*tokens)[0].value;
        step.info_value = (*tokens)[1].value;
        break;
      default:
        for (Token& token : *tokens) {
          // Checks the "$id(NAME)" references now and notes whose id the case needs.
          absl::StatusOr<std::string> checked =
              ExpandIds(token.value, [&](std::string_view id_name) -> absl::StatusOr<std::string> {
                current->id_connections.emplace(id_name);
                return "";
              });
          if (!checked.ok()) return error(number, checked.status().message());
          step.args.push_back(std::move(token.value));
        }
    }
    current->steps.push_back(std::move(step));
  }
  if (absl::Status status = finish_case(); !status.ok()) return status;
  if (file.cases.empty()) return error(1, "no cases");
  return file;
}

absl::StatusOr<CaseFile> LoadCaseFile(std::string path, bool allow_missing_replies) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseCaseFile(std::move(path), text.str(), allow_missing_replies);
}

}  // namespace understudy::testing
