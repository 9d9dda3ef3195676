#include "resp/request_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace understudy::resp {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Status = RequestParser::Status;
using Command = std::vector<std::string>;

Command Args(const RequestParser& parser) {
  return Command(parser.args().begin(), parser.args().end());
}

struct Outcome {
  std::vector<Command> commands;
  std::string error;  // empty unless the parser failed
  size_t left = 0;    // bytes still buffered at the end

  bool operator==(const Outcome&) const = default;
};

void PrintTo(const Outcome& o, std::ostream* os) {
  *os << "{commands:";
  for (const Command& c : o.commands) {
    *os << " [";
    for (const std::string& a : c) *os << "'" << a << "' ";
    *os << "]";
  }
  *os << " error: '" << o.error << "' left: " << o.left << "}";
}

// Feeds input to one parser like a connection would: appends each chunk to a buffer, takes
// every complete request out of it, and drops the consumed bytes.
Outcome Feed(RequestParser& parser, std::string_view input, const std::vector<size_t>& cuts) {
  Outcome outcome;
  std::string buffer;
  size_t from = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(input.size());
  for (size_t end : ends) {
    buffer.append(input.substr(from, end - from));
    from = end;
    while (true) {
      Status status = parser.Parse(buffer);
      if (status == Status::kNeedMore) break;
      if (status == Status::kError) {
        outcome.error = std::string(parser.error());
        return outcome;
      }
      outcome.commands.push_back(Args(parser));
      buffer.erase(0, parser.consumed());
    }
  }
  outcome.left = buffer.size();
  return outcome;
}

Outcome Feed(std::string_view input, const std::vector<size_t>& cuts = {}) {
  RequestParser parser;
  return Feed(parser, input, cuts);
}

Outcome FeedByteByByte(std::string_view input) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < input.size(); ++i) cuts.push_back(i);
  return Feed(input, cuts);
}

TEST(RequestParserTest, ParsesMultibulk) {
  RequestParser parser;
  std::string_view input = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
  ASSERT_EQ(parser.Parse(input), Status::kCommand);
  EXPECT_THAT(parser.args(), ElementsAre("GET", "k"));
  EXPECT_EQ(parser.consumed(), input.size());
}

TEST(RequestParserTest, ArgsAreViewsIntoTheInput) {
  RequestParser parser;
  std::string input = "*2\r\n$3\r\nSET\r\n$5\r\nvalue\r\nPING x\r\n";
  input[19] = '\0';
  ASSERT_EQ(parser.Parse(input), Status::kCommand);
  ASSERT_EQ(parser.args().size(), 2u);
  EXPECT_EQ(parser.args()[0].data(), input.data() + 8);
  EXPECT_EQ(parser.args()[1], std::string_view("va\0ue", 5));
  EXPECT_EQ(parser.args()[1].data(), input.data() + 17);

  std::string_view rest = std::string_view(input).substr(parser.consumed());
  ASSERT_EQ(parser.Parse(rest), Status::kCommand);
  EXPECT_THAT(parser.args(), ElementsAre("PING", "x"));
  EXPECT_EQ(parser.args()[1].data(), rest.data() + 5);
}

TEST(RequestParserTest, ParsesPipelinedRequests) {
  EXPECT_EQ(Feed("*1\r\n$4\r\nPING\r\nECHO hi\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"),
            (Outcome{{{"PING"}, {"ECHO", "hi"}, {"ECHO", ""}}, "", 0}));
}

TEST(RequestParserTest, ParsesBinaryBulks) {
  std::string payload("\r\n\0*$", 5);
  std::string input = "*1\r\n$5\r\n" + payload + "\r\n";
  EXPECT_EQ(Feed(input), (Outcome{{{payload}}, "", 0}));
}

// One input exercising every construct, with its expected result.
constexpr std::string_view kPipeline =
    "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$10\r\n0123456789\r\n"
    "\r\n"
    "*0\r\n"
    "GET key\r\n"
    "  \t \n"
    "*-1\r\n"
    "ECHO \"a\\x41\\n\" 'b c'  d\n"
    "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"
    "*1\r\n$4\r\nPING\r\n";

const Outcome& PipelineResult() {
  static const Outcome* result = new Outcome{{{"SET", "key", "0123456789"},
                                              {"GET", "key"},
                                              {"ECHO", "aA\n", "b c", "d"},
                                              {"ECHO", ""},
                                              {"PING"}},
                                             "",
                                             0};
  return *result;
}

TEST(RequestParserTest, PipelineInOneRead) { EXPECT_EQ(Feed(kPipeline), PipelineResult()); }

TEST(RequestParserTest, PipelineOneByteAtATime) {
  EXPECT_EQ(FeedByteByByte(kPipeline), PipelineResult());
}

TEST(RequestParserTest, PipelineSplitAtEveryPosition) {
  for (size_t cut = 1; cut < kPipeline.size(); ++cut) {
    EXPECT_EQ(Feed(kPipeline, {cut}), PipelineResult()) << "cut at " << cut;
  }
}

TEST(RequestParserTest, PipelineSplitAtEveryPairOfPositions) {
  for (size_t a = 1; a < kPipeline.size(); ++a) {
    for (size_t b = a + 1; b < kPipeline.size(); ++b) {
      ASSERT_EQ(Feed(kPipeline, {a, b}), PipelineResult()) << "cuts at " << a << ", " << b;
    }
  }
}

TEST(RequestParserTest, EmptyRequestsAreSkippedAndCountedInTheNextCommand) {
  RequestParser parser;
  std::string buffer = "\r\n*0\r\n*-5\r\n \n";
  EXPECT_EQ(parser.Parse(buffer), Status::kNeedMore);
  EXPECT_EQ(parser.consumed(), 0u);
  EXPECT_EQ(parser.Parse(buffer), Status::kNeedMore);  // the same bytes again
  buffer += "PING\r\n";
  ASSERT_EQ(parser.Parse(buffer), Status::kCommand);
  EXPECT_THAT(parser.args(), ElementsAre("PING"));
  EXPECT_EQ(parser.consumed(), buffer.size());
}

TEST(RequestParserTest, BufferMayMoveBetweenCalls) {
  RequestParser parser;
  std::string first = "*2\r\n$4\r\nECHO\r\n$5\r\nhel";
  EXPECT_EQ(parser.Parse(first), Status::kNeedMore);
  std::string second = first + "lo\r\n";  // a different allocation
  first.assign(first.size(), 'x');
  ASSERT_EQ(parser.Parse(second), Status::kCommand);
  EXPECT_THAT(parser.args(), ElementsAre("ECHO", "hello"));
}

// Redis 7.0 takes the byte after a CR as the LF without checking it, and skips the two bytes
// after a bulk payload whatever they are.
TEST(RequestParserTest, LikeRedisDoesNotCheckLineFeeds) {
  EXPECT_EQ(Feed("*1\rX$4\r\nPING\r\n"), (Outcome{{{"PING"}}, "", 0}));
  EXPECT_EQ(Feed("*1\r\n$4\rXPING\r\n"), (Outcome{{{"PING"}}, "", 0}));
  EXPECT_EQ(Feed("*1\r\n$4\r\nPINGxxPING\r\n"), (Outcome{{{"PING"}, {"PING"}}, "", 0}));
}

TEST(RequestParserTest, WaitsForTheByteAfterCr) {
  RequestParser parser;
  EXPECT_EQ(parser.Parse("*1\r"), Status::kNeedMore);
  EXPECT_EQ(parser.Parse("*1\r\n$4\r"), Status::kNeedMore);
  EXPECT_EQ(parser.Parse("*1\r\n$4\r\nPING"), Status::kNeedMore);
  EXPECT_EQ(parser.Parse("*1\r\n$4\r\nPING\r"), Status::kNeedMore);
  EXPECT_EQ(parser.Parse("*1\r\n$4\r\nPING\r\n"), Status::kCommand);
}

TEST(RequestParserTest, AcceptsCountsUpToIntMax) {
  // Redis 7.0 accepts any count up to INT_MAX and waits for the arguments.
  EXPECT_EQ(Feed("*1048577\r\n$4\r\nPING\r\n"), (Outcome{{}, "", 20}));
  EXPECT_EQ(Feed("*2147483647\r\n"), (Outcome{{}, "", 13}));
}

TEST(RequestParserTest, InlineLinesMayEndInBareLf) {
  EXPECT_EQ(Feed("PING\nECHO a\r\n"), (Outcome{{{"PING"}, {"ECHO", "a"}}, "", 0}));
  // Only one CR is stripped; the others separate arguments like spaces.
  EXPECT_EQ(Feed("PING\r\r\nECHO a\rb\n"), (Outcome{{{"PING"}, {"ECHO", "a", "b"}}, "", 0}));
}

// Redis finds line ends with strchr(), so a NUL byte hides the rest of the line.
TEST(RequestParserTest, NulByteHidesTheLineEndLikeRedis) {
  EXPECT_EQ(Feed(std::string_view("*1\0\r\n$4\r\nPING\r\n", 15)), (Outcome{{}, "", 15}));
  EXPECT_EQ(Feed(std::string_view("ECHO a\0b\r\nPING\r\n", 16)), (Outcome{{}, "", 16}));
  std::string big("PING\0", 5);
  big += std::string(kMaxInlineSize, '\n');
  EXPECT_EQ(Feed(big).error, "Protocol error: too big inline request");
}

struct ErrorCase {
  std::string input;
  std::string error;
};

// Inputs and the error texts real redis-server 7.0 replies with (after "-ERR ").
std::vector<ErrorCase> ErrorCases() {
  return {
      {"*x\r\n", "Protocol error: invalid multibulk length"},
      {"*\r\n", "Protocol error: invalid multibulk length"},
      {"* 1\r\n", "Protocol error: invalid multibulk length"},
      {"*+1\r\n", "Protocol error: invalid multibulk length"},
      {"*01\r\n", "Protocol error: invalid multibulk length"},
      {"*-0\r\n", "Protocol error: invalid multibulk length"},
      {"*1x\r\n", "Protocol error: invalid multibulk length"},
      {"*2147483648\r\n", "Protocol error: invalid multibulk length"},
      {"*99999999999999999999\r\n", "Protocol error: invalid multibulk length"},
      {"*1\r\n+PING\r\n", "Protocol error: expected '$', got '+'"},
      {"*2\r\n$3\r\nGET\r\n:1\r\n", "Protocol error: expected '$', got ':'"},
      {"*1\r\n\xff\r\n", "Protocol error: expected '$', got '\xff'"},
      // Redis turns CR and LF into spaces in error replies.
      {"*1\r\n\r\n", "Protocol error: expected '$', got ' '"},
      {"*1\r\n\n\r\n", "Protocol error: expected '$', got ' '"},
      {"*1\r\n$x\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$-1\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$-0\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$+4\r\nPING\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$04\r\nPING\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$4\nPING\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$536870913\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$99999999999999999999\r\n", "Protocol error: invalid bulk length"},
      {"*" + std::string(kMaxInlineSize, '1'), "Protocol error: too big mbulk count string"},
      {"*1\r\n$" + std::string(kMaxInlineSize, '1'), "Protocol error: too big bulk count string"},
      {std::string(kMaxInlineSize + 1, 'a'), "Protocol error: too big inline request"},
      {"ECHO \"abc\r\n", "Protocol error: unbalanced quotes in request"},
      {"ECHO 'abc\r\n", "Protocol error: unbalanced quotes in request"},
      {"ECHO \"a\"b\r\n", "Protocol error: unbalanced quotes in request"},
      {"ECHO 'a'b\r\n", "Protocol error: unbalanced quotes in request"},
      {"ECHO a\"b\"c\r\n", "Protocol error: unbalanced quotes in request"},
      {"ECHO \"a\\\r\n", "Protocol error: unbalanced quotes in request"},
      {"ECHO \"a\\\"\r\n", "Protocol error: unbalanced quotes in request"},
  };
}

TEST(RequestParserTest, ErrorsMatchRedis) {
  for (const ErrorCase& c : ErrorCases()) {
    EXPECT_EQ(Feed(c.input).error, c.error) << c.input.substr(0, 40);
  }
}

TEST(RequestParserTest, ErrorsMatchRedisOneByteAtATime) {
  for (const ErrorCase& c : ErrorCases()) {
    if (c.input.size() > 1000) continue;  // byte-by-byte on 64 KB lines is covered below
    EXPECT_EQ(FeedByteByByte(c.input).error, c.error) << c.input;
  }
}

TEST(RequestParserTest, ErrorComesAfterPrecedingCommands) {
  EXPECT_EQ(Feed("PING\r\n*1\r\n+PING\r\n"),
            (Outcome{{{"PING"}}, "Protocol error: expected '$', got '+'", 0}));
}

TEST(RequestParserTest, ExpectedDollarWaitsForTheWholeLine) {
  // Like Redis, the first byte of an argument line is only checked once its CR arrived.
  RequestParser parser;
  EXPECT_EQ(parser.Parse("*1\r\n+PING"), Status::kNeedMore);
  EXPECT_EQ(parser.Parse("*1\r\n+PING\r"), Status::kNeedMore);
  EXPECT_EQ(parser.Parse("*1\r\n+PING\r\n"), Status::kError);
}

TEST(RequestParserTest, ErrorIsSticky) {
  RequestParser parser;
  ASSERT_EQ(parser.Parse("*x\r\n"), Status::kError);
  EXPECT_EQ(parser.Parse("PING\r\n"), Status::kError);
  parser.Reset();
  EXPECT_EQ(parser.Parse("PING\r\n"), Status::kCommand);
  EXPECT_THAT(parser.error(), IsEmpty());
}

TEST(RequestParserTest, MaxBulkLengthIsConfigurable) {
  RequestParser parser(10);
  EXPECT_EQ(parser.Parse("*1\r\n$10\r\n0123456789\r\n"), Status::kCommand);
  RequestParser strict(9);
  EXPECT_EQ(strict.Parse("*1\r\n$10\r\n"), Status::kError);
  EXPECT_EQ(strict.error(), "Protocol error: invalid bulk length");
}

TEST(RequestParserTest, InlineLineLimit) {
  // A line (CR included) of up to kMaxInlineSize bytes before its LF is accepted.
  std::string line = "ECHO " + std::string(kMaxInlineSize - 6, 'a') + "\r";
  ASSERT_EQ(line.size(), kMaxInlineSize);
  Outcome ok = Feed(line + "\n");
  ASSERT_EQ(ok.commands.size(), 1u);
  EXPECT_EQ(ok.commands[0][1].size(), kMaxInlineSize - 6);

  // One more byte is too much, whether or not the LF arrives in the same read.
  EXPECT_EQ(Feed("x" + line + "\n").error, "Protocol error: too big inline request");
  EXPECT_EQ(Feed("x" + line).error, "Protocol error: too big inline request");
  EXPECT_EQ(Feed(line).error, "");
}

TEST(RequestParserTest, LongLinesArriveInSmallPieces) {
  std::string line = "ECHO " + std::string(kMaxInlineSize - 7, 'a') + "\r\n";
  std::vector<size_t> cuts;
  for (size_t i = 100; i < line.size(); i += 100) cuts.push_back(i);
  Outcome outcome = Feed(line + "PING\r\n", cuts);
  ASSERT_EQ(outcome.commands.size(), 2u);
  EXPECT_EQ(outcome.commands[1], Command{"PING"});

  EXPECT_EQ(Feed(std::string(kMaxInlineSize + 200, 'b'), cuts).error,
            "Protocol error: too big inline request");
}

TEST(RequestParserTest, CountLinesMayNotExceedTheLimit) {
  // A count line whose CR comes within the limit is a (bad) number instead.
  std::string digits(kMaxInlineSize - 1, '1');
  EXPECT_EQ(Feed("*" + digits + "\r\n").error, "Protocol error: invalid multibulk length");
  EXPECT_EQ(Feed("*1\r\n$" + digits + "\r\n").error, "Protocol error: invalid bulk length");
  EXPECT_EQ(Feed("*1" + digits + "\r\n").error, "Protocol error: too big mbulk count string");
}

struct InlineCase {
  std::string line;
  Command args;
};

// Lines and the arguments real redis-server 7.0 sees (checked with ECHO).
std::vector<InlineCase> InlineCases() {
  return {
      {"GET key", {"GET", "key"}},
      {"  GET \t key  ", {"GET", "key"}},
      {"SET k \"a b\"", {"SET", "k", "a b"}},
      {"SET k 'a b'", {"SET", "k", "a b"}},
      {"SET k \"\"", {"SET", "k", ""}},
      {"SET k ''", {"SET", "k", ""}},
      {"ECHO \"\\x41\\x4g\\q\\n\\t\\b\\a\\r\\\\\"", {"ECHO", "Ax4gq\n\t\b\a\r\\"}},
      {"ECHO \"\\xff\\xFF\\x0a\"", {"ECHO", "\xff\xff\n"}},
      {"ECHO \"\\x4\"", {"ECHO", "x4"}},
      {"ECHO \"a\\\"b\"", {"ECHO", "a\"b"}},
      {"ECHO 'a\\'b'", {"ECHO", "a'b"}},
      {"ECHO 'a\\nb'", {"ECHO", "a\\nb"}},
      {"ECHO 'a\\\\b'", {"ECHO", "a\\\\b"}},
      {"ECHO a\"b c\"", {"ECHO", "ab c"}},
      {"ECHO a'b c'", {"ECHO", "ab c"}},
      {"ECHO a\"b\" ", {"ECHO", "ab"}},
      {"ECHO \"a\"\tb", {"ECHO", "a", "b"}},
      {"ECHO \"a\"\v", {"ECHO", "a"}},
      {"ECHO a\\x41", {"ECHO", "a\\x41"}},
      // Vertical tab and form feed separate arguments only where Redis skips whitespace.
      {"ECHO a\vb", {"ECHO", "a\vb"}},
      {"ECHO a\fb", {"ECHO", "a\fb"}},
      {"\vECHO x", {"ECHO", "x"}},
      {"ECHO \xff", {"ECHO", "\xff"}},
  };
}

TEST(RequestParserTest, InlineQuotingMatchesRedis) {
  for (const InlineCase& c : InlineCases()) {
    EXPECT_EQ(Feed(c.line + "\r\n"), (Outcome{{c.args}, "", 0})) << c.line;
    EXPECT_EQ(FeedByteByByte(c.line + "\n"), (Outcome{{c.args}, "", 0})) << c.line;
  }
}

TEST(RequestParserTest, UnquotedInlineArgsAreViews) {
  RequestParser parser;
  std::string_view input = "SET \"k\" v\r\n";
  ASSERT_EQ(parser.Parse(input), Status::kCommand);
  EXPECT_THAT(parser.args(), ElementsAre("SET", "k", "v"));
  EXPECT_EQ(parser.args()[0].data(), input.data());
  EXPECT_EQ(parser.args()[2].data(), input.data() + 8);
}

TEST(RequestParserTest, ManyQuotedInlineArgs) {
  std::string line = "RPUSH list";
  Command expected = {"RPUSH", "list"};
  for (int i = 0; i < 100; ++i) {
    std::string value = "value number " + std::to_string(i) + " is long enough to be on the heap";
    line += " \"" + value + "\"";
    expected.push_back(value);
  }
  EXPECT_EQ(Feed(line + "\r\n"), (Outcome{{expected}, "", 0}));
}

TEST(RequestParserTest, BigBulkInChunks) {
  const size_t size = 1 << 20;
  std::string payload(size, 'v');
  for (size_t i = 0; i < size; i += 997) payload[i] = static_cast<char>(i);
  std::string input = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + std::to_string(size) + "\r\n";
  const size_t header = input.size();
  input += payload + "\r\n";

  RequestParser parser;
  std::string buffer = input.substr(0, header);
  EXPECT_EQ(parser.Parse(buffer), Status::kNeedMore);
  EXPECT_EQ(parser.bytes_wanted(), size + 2);
  const size_t chunk = 4096;
  while (buffer.size() < input.size()) {
    buffer.append(input.substr(buffer.size(), chunk));
    Status status = parser.Parse(buffer);
    if (buffer.size() < input.size()) {
      ASSERT_EQ(status, Status::kNeedMore);
      EXPECT_EQ(parser.bytes_wanted(), input.size() - buffer.size());
    } else {
      ASSERT_EQ(status, Status::kCommand);
    }
  }
  ASSERT_EQ(parser.args().size(), 3u);
  EXPECT_EQ(parser.args()[2], payload);
  EXPECT_EQ(parser.bytes_wanted(), 0u);
}

TEST(RequestParserTest, SkipsAGapTheCallerLeavesBeforeABulk) {
  const std::string prefix = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\n";
  RequestParser parser;
  EXPECT_EQ(parser.Parse(prefix + "he"), Status::kNeedMore);
  EXPECT_EQ(parser.bulk_start(), prefix.size());
  // The caller moves what arrived of the bulk 11 bytes on, as the server does to make room.
  parser.SkipBeforeBulk(11);
  EXPECT_EQ(parser.bulk_start(), prefix.size() + 11);
  const std::string input = prefix + std::string(11, '?') + "hello\r\n*1\r\n$4\r\nPING\r\n";
  ASSERT_EQ(parser.Parse(input), Status::kCommand);
  EXPECT_THAT(Args(parser), ElementsAre("SET", "k", "hello"));
  EXPECT_EQ(parser.consumed(), prefix.size() + 11 + 7);
}

TEST(RequestParserTest, BytesWantedIsZeroOutsideBulks) {
  RequestParser parser;
  EXPECT_EQ(parser.Parse("*2\r\n$3\r\nGET"), Status::kNeedMore);
  EXPECT_EQ(parser.bytes_wanted(), 2u);
  EXPECT_EQ(parser.Parse("*2\r\n$3\r\nGET\r\n$1"), Status::kNeedMore);
  EXPECT_EQ(parser.bytes_wanted(), 0u);
  RequestParser inline_parser;
  EXPECT_EQ(inline_parser.Parse("GET"), Status::kNeedMore);
  EXPECT_EQ(inline_parser.bytes_wanted(), 0u);
}

TEST(RequestParserTest, ResetForgetsPartialRequest) {
  RequestParser parser;
  EXPECT_EQ(parser.Parse("*2\r\n$3\r\nGET\r\n"), Status::kNeedMore);
  parser.Reset();
  ASSERT_EQ(parser.Parse("PING\r\n"), Status::kCommand);
  EXPECT_THAT(parser.args(), ElementsAre("PING"));
}

TEST(RequestParserTest, ReusesStorageInSteadyState) {
  RequestParser parser;
  std::string_view input = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
  ASSERT_EQ(parser.Parse(input), Status::kCommand);
  const std::string_view* args = parser.args().data();
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(parser.Parse(input), Status::kCommand);
    EXPECT_EQ(parser.args().data(), args);
  }
}

}  // namespace
}  // namespace understudy::resp
