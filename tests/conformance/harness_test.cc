// Tests of the conformance harness: case file parsing and reply matching.

#include <chrono>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resp/reply.h"
#include "tests/conformance/case_file.h"
#include "tests/conformance/case_runner.h"
#include "tests/conformance/reply_match.h"

namespace understudy::testing {
namespace {

using resp::Reply;
using resp::ReplyType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Reply Typed(ReplyType type, std::vector<Reply> elements) {
  Reply r;
  r.type = type;
  r.elements = std::move(elements);
  return r;
}

TEST(SplitArgumentsTest, BareQuotedEscapedAndRepeated) {
  absl::StatusOr<std::vector<std::string>> args =
      SplitArguments(R"(SET k "a b" "" "\x41\r\n\"\\" "xy"*3)");
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_THAT(*args, ElementsAre("SET", "k", "a b", "", "A\r\n\"\\", "xyxyxy"));
}

TEST(SplitArgumentsTest, RejectsMalformedQuotes) {
  EXPECT_FALSE(SplitArguments(R"(GET "k)").ok());
  EXPECT_FALSE(SplitArguments(R"(GET "k"x)").ok());
  EXPECT_FALSE(SplitArguments(R"(GET "\q")").ok());
  EXPECT_FALSE(SplitArguments(R"(GET "\x4")").ok());
}

TEST(ParseCaseFileTest, ParsesStepsAndDirectives) {
  absl::StatusOr<CaseFile> file = ParseCaseFile("/x/strings.txt", R"(# comment
=== SET then GET, twice!
> SET k v
+OK
raw "GET k\r\n" "PING\r\n"
"v"
+PONG

=== Scan all
@resp3
scan> SCAN 0 COUNT 2
unordered ["a", "b"]
=== Quit
> QUIT
+OK
(closed)
)");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->family, "strings");
  ASSERT_EQ(file->cases.size(), 3u);
  const Case& first = file->cases[0];
  EXPECT_EQ(first.test_name, "strings_SET_then_GET_twice");
  EXPECT_FALSE(first.resp3);
  ASSERT_EQ(first.steps.size(), 2u);
  EXPECT_THAT(first.steps[0].args, ElementsAre("SET", "k", "v"));
  EXPECT_EQ(first.steps[1].kind, Step::Kind::kRaw);
  EXPECT_EQ(first.steps[1].bytes, "GET k\r\nPING\r\n");
  EXPECT_EQ(first.steps[1].expectations.size(), 2u);
  EXPECT_EQ(first.steps[1].expectations[1].line, 7);
  EXPECT_TRUE(file->cases[1].resp3);
  EXPECT_EQ(file->cases[1].steps[0].kind, Step::Kind::kScan);
  EXPECT_TRUE(file->cases[2].steps[0].expectations[1].closed);
}

TEST(ParseCaseFileTest, ReportsErrorsWithLineNumbers) {
  auto error = [](std::string_view text) {
    absl::StatusOr<CaseFile> file = ParseCaseFile("/x/f.txt", text);
    return file.ok() ? std::string("(parsed)") : std::string(file.status().message());
  };
  EXPECT_THAT(error("=== a\n> PING\n"), HasSubstr("f.txt:2: no expected reply"));
  EXPECT_THAT(error("=== a\n> PING\n+PONG\n=== a!\n> PING\n+PONG\n"),
              HasSubstr("f.txt:4: duplicate case name f_a"));
  EXPECT_THAT(error("> PING\n"), HasSubstr("f.txt:1:"));
  EXPECT_THAT(error("=== a\n> QUIT\n(closed)\n> PING\n+PONG\n"), HasSubstr("f.txt:4:"));
  EXPECT_THAT(error("=== a\n> TIME\n[<bulk>, <blob>]\n"), HasSubstr("unknown hole <blob>"));
  EXPECT_THAT(error("=== a\nscan> SCAN 0\n[\"k\"]\n"), HasSubstr("unordered"));
  EXPECT_THAT(error("=== a\nraw PING\n+PONG\n"), HasSubstr("quoted"));
  EXPECT_EQ(ParseCaseFile("/x/f.txt", "=== a\n> PING\n", true).status(), absl::OkStatus());
}

TEST(ParseCaseFileTest, ParsesConnectionSteps) {
  absl::StatusOr<CaseFile> file = ParseCaseFile("/x/lists.txt", R"case(=== Blocking pop
A>! BLPOP q 0
wait blocked_clients 1
A quiet 100
B> RPUSH q x
:1
A<
["q", "x"]
B raw "PING\r\n"
+PONG
B scan> SCAN 0
unordered []
>! PING
<
+PONG
quiet 5
C> CLIENT KILL ID $id(A) ID "$id(B)"
:2
)case");
  ASSERT_TRUE(file.ok()) << file.status();
  const std::vector<Step>& steps = file->cases[0].steps;
  ASSERT_EQ(steps.size(), 11u);
  EXPECT_EQ(steps[0].kind, Step::Kind::kSend);
  EXPECT_EQ(steps[0].connection, "A");
  EXPECT_THAT(steps[0].args, ElementsAre("BLPOP", "q", "0"));
  EXPECT_TRUE(steps[0].expectations.empty());
  EXPECT_EQ(steps[1].kind, Step::Kind::kWait);
  EXPECT_EQ(steps[1].info_field, "blocked_clients");
  EXPECT_EQ(steps[1].info_value, "1");
  EXPECT_EQ(steps[2].kind, Step::Kind::kQuiet);
  EXPECT_EQ(steps[2].connection, "A");
  EXPECT_EQ(steps[2].quiet, std::chrono::milliseconds(100));
  EXPECT_EQ(steps[3].kind, Step::Kind::kCommand);
  EXPECT_EQ(steps[3].connection, "B");
  EXPECT_EQ(steps[4].kind, Step::Kind::kReceive);
  EXPECT_EQ(steps[4].connection, "A");
  ASSERT_EQ(steps[4].expectations.size(), 1u);
  EXPECT_EQ(steps[4].expectations[0].line, 8);
  EXPECT_EQ(steps[5].kind, Step::Kind::kRaw);
  EXPECT_EQ(steps[5].connection, "B");
  EXPECT_EQ(steps[6].kind, Step::Kind::kScan);
  EXPECT_EQ(steps[6].connection, "B");
  EXPECT_EQ(steps[7].kind, Step::Kind::kSend);
  EXPECT_EQ(steps[7].connection, "");
  EXPECT_EQ(steps[8].kind, Step::Kind::kReceive);
  EXPECT_EQ(steps[8].connection, "");
  EXPECT_EQ(steps[9].kind, Step::Kind::kQuiet);
  EXPECT_EQ(steps[9].connection, "");
  EXPECT_THAT(steps[10].args, ElementsAre("CLIENT", "KILL", "ID", "$id(A)", "ID", "$id(B)"));
  EXPECT_THAT(file->cases[0].id_connections, ElementsAre("A", "B"));
}

TEST(ParseCaseFileTest, ReportsConnectionStepErrors) {
  auto error = [](std::string_view text) {
    absl::StatusOr<CaseFile> file = ParseCaseFile("/x/f.txt", text);
    return file.ok() ? std::string("(parsed)") : std::string(file.status().message());
  };
  EXPECT_THAT(error("=== a\nA>! PING\n+PONG\n"), HasSubstr("f.txt:3: >! reads no reply"));
  EXPECT_THAT(error("=== a\nA quiet 100\n+OK\n"), HasSubstr("f.txt:3: quiet and wait"));
  EXPECT_THAT(error("=== a\nA quiet soon\n"), HasSubstr("f.txt:2: quiet takes"));
  EXPECT_THAT(error("=== a\nwait blocked_clients\n"), HasSubstr("f.txt:2: wait takes"));
  EXPECT_THAT(error("=== a\nA wait blocked_clients 1\n"), HasSubstr("f.txt:2: wait runs"));
  EXPECT_THAT(error("=== a\nA>PING\n"), HasSubstr("f.txt:2: a connection name"));
  EXPECT_THAT(error("=== a\nA<\n"), HasSubstr("f.txt:2: no expected reply"));
  EXPECT_THAT(error("=== a\n> CLIENT KILL ID $id(A\n:1\n"), HasSubstr("f.txt:2: $id( without )"));
  EXPECT_THAT(error("=== a\n> ECHO $id(raw)\n:1\n"), HasSubstr("not a connection name"));
  // (closed) ends one connection; the others go on.
  EXPECT_THAT(error("=== a\nA> QUIT\n+OK\n(closed)\nA> PING\n+PONG\n"),
              HasSubstr("f.txt:5: no step can use"));
  EXPECT_EQ(error("=== a\nA> QUIT\n+OK\n(closed)\nB> PING\n+PONG\n> PING\n+PONG\n"), "(parsed)");
  EXPECT_EQ(ParseCaseFile("/x/f.txt", "=== a\nA<\n", true).status(), absl::OkStatus());
}

TEST(ExpandIdsTest, ReplacesEachReference) {
  auto id_of = [](std::string_view name) -> absl::StatusOr<std::string> {
    if (name == "A") return "7";
    return absl::NotFoundError("no such connection");
  };
  EXPECT_EQ(ExpandIds("$id(A)", id_of).value(), "7");
  EXPECT_EQ(ExpandIds("x$id(A)y$id(A)", id_of).value(), "x7y7");
  EXPECT_EQ(ExpandIds("$id", id_of).value(), "$id");
  EXPECT_TRUE(absl::IsNotFound(ExpandIds("$id(B)", id_of).status()));
}

// The matcher walks aggregates by the delimiters ToString writes: every rendering must
// match its own reply, so the two cannot drift apart.
TEST(MatchesReplyTest, EveryRenderingMatchesItsReply) {
  Reply dbl;
  dbl.type = ReplyType::kDouble;
  dbl.str = "1.5";
  dbl.dbl = 1.5;
  Reply with_attributes = Reply::Int(3);
  with_attributes.attributes = {Reply::Bulk("key"), Reply::Bulk("value")};
  std::vector<Reply> replies = {
      Reply::Simple("OK"),
      Reply::Error("ERR wrong, really"),
      Reply::Int(-12),
      Reply::Bulk("a \"quoted\", [bracketed] \r\n\x01 string"),
      Reply::Nil(),
      Reply::Array({}),
      Reply::Array({Reply::Bulk("a"), Reply::Array({Reply::Int(1), Reply::Nil()})}),
      Typed(ReplyType::kMap, {Reply::Bulk("k"), Reply::Int(1), Reply::Bulk("j"), dbl}),
      Typed(ReplyType::kSet, {Reply::Bulk("x")}),
      Typed(ReplyType::kPush, {Reply::Bulk("message"), Reply::Bulk("x")}),
      with_attributes,
  };
  for (const Reply& reply : replies) {
    std::string rendering = resp::ToString(reply);
    EXPECT_TRUE(MatchesReply(rendering, reply)) << rendering;
    EXPECT_TRUE(MatchesReply(RenderExpected(reply, true), reply)) << rendering;
  }
}

TEST(MatchesReplyTest, RejectsDifferentReplies) {
  EXPECT_FALSE(MatchesReply(":12", Reply::Int(1)));
  EXPECT_FALSE(MatchesReply(":1", Reply::Int(12)));
  EXPECT_FALSE(MatchesReply("[:1]", Reply::Array({Reply::Int(1), Reply::Int(2)})));
  EXPECT_FALSE(MatchesReply("[:1, :2]", Reply::Array({Reply::Int(1)})));
  EXPECT_FALSE(MatchesReply("\"a\"", Reply::Simple("a")));
  EXPECT_FALSE(MatchesReply("[\"b\", \"a\"]", Reply::Array({Reply::Bulk("a"), Reply::Bulk("b")})));
}

TEST(MatchesReplyTest, Holes) {
  Reply time = Reply::Array({Reply::Bulk("1700000000"), Reply::Bulk("123")});
  EXPECT_TRUE(MatchesReply("[<bulk>, <bulk>]", time));
  EXPECT_TRUE(MatchesReply("<array>", time));
  EXPECT_TRUE(MatchesReply("[<any>, \"123\"]", time));
  EXPECT_FALSE(MatchesReply("[<int>, <bulk>]", time));
  EXPECT_FALSE(MatchesReply("[<bulk>]", time));
  EXPECT_TRUE(MatchesReply("<int 99..100>", Reply::Int(100)));
  EXPECT_TRUE(MatchesReply("<int -2..-1>", Reply::Int(-2)));
  EXPECT_FALSE(MatchesReply("<int 99..100>", Reply::Int(101)));
  // A MONITOR line: any time and address, the database and the arguments exactly.
  const Reply line = Reply::Simple("1700000000.123456 [3 127.0.0.1:5000] \"SET\" \"k\"");
  EXPECT_TRUE(MatchesReply("<monitor 3 \"SET\" \"k\">", line));
  EXPECT_FALSE(MatchesReply("<monitor 0 \"SET\" \"k\">", line));
  EXPECT_FALSE(MatchesReply("<monitor 3 \"SET\">", line));
  EXPECT_FALSE(MatchesReply("<monitor 3 \"SET\" \"k\">", Reply::Simple("x [3 a] \"SET\" \"k\"")));
  EXPECT_TRUE(MatchesReply("<error>", Reply::Error("ERR x")));
  EXPECT_TRUE(MatchesReply("<nil>", Reply::Nil()));
  EXPECT_FALSE(MatchesReply("<nil>", Reply::Bulk("")));
  // A '<' inside quoted text is text.
  EXPECT_TRUE(MatchesReply("\"<int>\"", Reply::Bulk("<int>")));
  EXPECT_FALSE(HasHoles("\"<int>\""));
  EXPECT_TRUE(HasHoles("[\"a\", <int>]"));
  // So is a '<' in a line that is one error or simple string.
  EXPECT_FALSE(HasHoles("-ERR AUTH <password> called"));
  EXPECT_TRUE(
      MatchesReply("-ERR AUTH <password> called", Reply::Error("ERR AUTH <password> called")));
}

TEST(MatchesReplyTest, Unordered) {
  Reply keys = Reply::Array({Reply::Bulk("b"), Reply::Bulk("a, c"), Reply::Bulk("b")});
  EXPECT_TRUE(MatchesReply("unordered [\"a, c\", \"b\", \"b\"]", keys));
  EXPECT_FALSE(MatchesReply("unordered [\"a, c\", \"b\"]", keys));
  EXPECT_FALSE(MatchesReply("unordered [\"a, c\", \"b\", \"c\"]", keys));
  EXPECT_FALSE(MatchesReply("unordered ~[\"a, c\", \"b\", \"b\"]", keys));
  EXPECT_TRUE(MatchesReply("unordered []", Reply::Array({})));
  EXPECT_EQ(RenderExpected(keys, true), "unordered [\"a, c\", \"b\", \"b\"]");

  Reply map =
      Typed(ReplyType::kMap, {Reply::Bulk("y"), Reply::Int(2), Reply::Bulk("x"), Reply::Int(1)});
  EXPECT_TRUE(MatchesReply("unordered %{\"x\": :1, \"y\": <int>}", map));
  EXPECT_FALSE(MatchesReply("unordered %{\"x\": :2, \"y\": :1}", map));
  EXPECT_EQ(RenderExpected(map, true), "unordered %{\"x\": :1, \"y\": :2}");
}

TEST(ApplyRecordingTest, ReplacesAndInsertsLines) {
  Recording recording;
  recording.replace[3] = ":2";
  recording.insert_after[4] = {"+OK", "(closed)"};
  EXPECT_THAT(ApplyRecording({"=== a", "> INCR k", ":1", "> QUIT", "# end"}, recording),
              ElementsAre("=== a", "> INCR k", ":2", "> QUIT", "+OK", "(closed)", "# end"));
}

}  // namespace
}  // namespace understudy::testing
