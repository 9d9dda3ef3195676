#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply.h"
#include "resp/reply_writer.h"

namespace understudy::resp {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using Status = ReplyParser::Status;

// Parses input holding exactly one reply.
Reply ParseOne(std::string_view input) {
  ReplyParser parser;
  Status status = parser.Parse(input);
  EXPECT_EQ(status, Status::kReply) << parser.error();
  EXPECT_EQ(parser.consumed(), input.size());
  return parser.TakeReply();
}

struct Outcome {
  std::vector<std::string> replies;  // ToString of each
  std::string error;
  size_t left = 0;

  bool operator==(const Outcome&) const = default;
};

void PrintTo(const Outcome& o, std::ostream* os) {
  *os << "{";
  for (const std::string& r : o.replies) *os << r << "; ";
  *os << "error: '" << o.error << "' left: " << o.left << "}";
}

// Appends input to a buffer chunk by chunk (cuts are the offsets where chunks end), taking out
// every complete reply like a client connection does.
Outcome Feed(std::string_view input, const std::vector<size_t>& cuts = {}) {
  ReplyParser parser;
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
      outcome.replies.push_back(ToString(parser.TakeReply()));
      buffer.erase(0, parser.consumed());
    }
  }
  outcome.left = buffer.size();
  return outcome;
}

struct Case {
  std::string input;
  std::string text;  // ToString of the parsed reply
};

std::vector<Case> Cases() {
  return {
      {"+OK\r\n", "+OK"},
      {"+\r\n", "+"},
      {"-ERR unknown command\r\n", "-ERR unknown command"},
      {":0\r\n", ":0"},
      {":-9223372036854775808\r\n", ":-9223372036854775808"},
      {"$5\r\nhello\r\n", "\"hello\""},
      {"$0\r\n\r\n", "\"\""},
      {"$8\r\n\"\\\r\n\t\0\x7f\xff\r\n"s, R"("\"\\\r\n\t\x00\x7f\xff")"},
      {"$-1\r\n", "(nil)"},
      {"*-1\r\n", "(nil-array)"},
      {"_\r\n", "_"},
      {"*0\r\n", "[]"},
      {"*3\r\n$1\r\na\r\n:1\r\n$-1\r\n", "[\"a\", :1, (nil)]"},
      {",1.5\r\n", ",1.5"},
      {",10\r\n", ",10"},
      {",1.0000000000000001e+300\r\n", ",1.0000000000000001e+300"},
      {",inf\r\n", ",inf"},
      {",-inf\r\n", ",-inf"},
      {",nan\r\n", ",nan"},
      {"#t\r\n", "#t"},
      {"#f\r\n", "#f"},
      {"!21\r\nSYNTAX invalid syntax\r\n", "!\"SYNTAX invalid syntax\""},
      {"=15\r\ntxt:Some string\r\n", "=txt:\"Some string\""},
      {"=4\r\nmkd:\r\n", "=mkd:\"\""},
      {"(3492890328409238509324850943850943825024385\r\n",
       "(3492890328409238509324850943850943825024385"},
      {"(-12\r\n", "(-12"},
      {"%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n:2\r\n", "%{+first: :1, \"second\": :2}"},
      {"%0\r\n", "%{}"},
      {"~2\r\n$1\r\na\r\n#f\r\n", "~[\"a\", #f]"},
      {"~0\r\n", "~[]"},
      {">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", ">[\"message\", \"ch\", \"hi\"]"},
      {"*2\r\n*1\r\n%1\r\n+a\r\n~0\r\n_\r\n", "[[%{+a: ~[]}], _]"},
      {"|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n"
       "*2\r\n:2039123\r\n:9543892\r\n",
       "|{+key-popularity: %{\"a\": ,0.1923, \"b\": ,0.0012}} [:2039123, :9543892]"},
      {"*3\r\n:1\r\n|1\r\n+ttl\r\n:3600\r\n:2\r\n:3\r\n", "[:1, |{+ttl: :3600} :2, :3]"},
      {"|0\r\n+OK\r\n", "+OK"},
      {"|1\r\n+a\r\n:1\r\n|1\r\n+b\r\n:2\r\n+OK\r\n", "|{+a: :1, +b: :2} +OK"},
      {"|1\r\n+a\r\n:1\r\n*0\r\n", "|{+a: :1} []"},
  };
}

TEST(ReplyParserTest, ParsesEveryType) {
  for (const Case& c : Cases()) {
    EXPECT_EQ(ToString(ParseOne(c.input)), c.text) << c.input;
  }
}

TEST(ReplyParserTest, EveryPrefixNeedsMore) {
  for (const Case& c : Cases()) {
    for (size_t n = 0; n < c.input.size(); ++n) {
      ReplyParser parser;
      EXPECT_EQ(parser.Parse(std::string_view(c.input).substr(0, n)), Status::kNeedMore)
          << c.input << " cut at " << n;
    }
  }
}

std::string AllCases() {
  std::string all;
  for (const Case& c : Cases()) all += c.input;
  return all;
}

Outcome AllCasesResult() {
  Outcome outcome;
  for (const Case& c : Cases()) outcome.replies.push_back(c.text);
  return outcome;
}

TEST(ReplyParserTest, PipelinedInOneRead) { EXPECT_EQ(Feed(AllCases()), AllCasesResult()); }

TEST(ReplyParserTest, PipelinedOneByteAtATime) {
  const std::string all = AllCases();
  std::vector<size_t> cuts;
  for (size_t i = 1; i < all.size(); ++i) cuts.push_back(i);
  EXPECT_EQ(Feed(all, cuts), AllCasesResult());
}

TEST(ReplyParserTest, PipelinedSplitAtEveryPosition) {
  const std::string all = AllCases();
  const Outcome expected = AllCasesResult();
  for (size_t cut = 1; cut < all.size(); ++cut) {
    ASSERT_EQ(Feed(all, {cut}), expected) << "cut at " << cut;
  }
}

TEST(ReplyParserTest, ScalarFields) {
  Reply r = ParseOne(":42\r\n");
  EXPECT_EQ(r.type, ReplyType::kInteger);
  EXPECT_EQ(r.integer, 42);

  r = ParseOne(",-2.5\r\n");
  EXPECT_EQ(r.type, ReplyType::kDouble);
  EXPECT_EQ(r.dbl, -2.5);
  EXPECT_EQ(r.str, "-2.5");

  EXPECT_EQ(ParseOne(",inf\r\n").dbl, INFINITY);
  EXPECT_EQ(ParseOne(",-inf\r\n").dbl, -INFINITY);
  EXPECT_TRUE(std::isnan(ParseOne(",nan\r\n").dbl));

  r = ParseOne("#t\r\n");
  EXPECT_EQ(r.type, ReplyType::kBoolean);
  EXPECT_EQ(r.integer, 1);

  r = ParseOne("=15\r\ntxt:Some string\r\n");
  EXPECT_EQ(r.type, ReplyType::kVerbatim);
  EXPECT_EQ(r.verbatim_format, "txt");
  EXPECT_EQ(r.str, "Some string");

  r = ParseOne("!3\r\nERR\r\n");
  EXPECT_EQ(r.type, ReplyType::kBlobError);
  EXPECT_TRUE(r.is_error());
  EXPECT_TRUE(ParseOne("-ERR\r\n").is_error());

  r = ParseOne("(123\r\n");
  EXPECT_EQ(r.type, ReplyType::kBigNumber);
  EXPECT_EQ(r.str, "123");
}

TEST(ReplyParserTest, NullForms) {
  Reply bulk = ParseOne("$-1\r\n");
  Reply array = ParseOne("*-1\r\n");
  Reply resp3 = ParseOne("_\r\n");
  for (const Reply* r : {&bulk, &array, &resp3}) EXPECT_TRUE(r->is_null());
  EXPECT_FALSE(bulk.null_array);
  EXPECT_FALSE(bulk.resp3_null);
  EXPECT_TRUE(array.null_array);
  EXPECT_TRUE(resp3.resp3_null);
  EXPECT_EQ(bulk, Reply::Nil());
  EXPECT_NE(array, Reply::Nil());
  EXPECT_NE(resp3, Reply::Nil());
}

TEST(ReplyParserTest, MapEntriesAreFlattened) {
  Reply r = ParseOne("%1\r\n+k\r\n:1\r\n");
  EXPECT_EQ(r.type, ReplyType::kMap);
  EXPECT_EQ(r.elements, (std::vector<Reply>{Reply::Simple("k"), Reply::Int(1)}));
}

TEST(ReplyParserTest, AttributesAttachToTheFollowingReply) {
  Reply r = ParseOne("|1\r\n+ttl\r\n:3600\r\n$1\r\nv\r\n");
  EXPECT_EQ(r.type, ReplyType::kBulkString);
  EXPECT_EQ(r.attributes, (std::vector<Reply>{Reply::Simple("ttl"), Reply::Int(3600)}));

  Reply nested = ParseOne("*2\r\n:1\r\n|1\r\n+a\r\n:2\r\n*1\r\n:3\r\n");
  ASSERT_EQ(nested.elements.size(), 2u);
  EXPECT_TRUE(nested.attributes.empty());
  EXPECT_TRUE(nested.elements[0].attributes.empty());
  EXPECT_EQ(nested.elements[1].attributes.size(), 2u);
  EXPECT_EQ(nested.elements[1].elements, std::vector<Reply>{Reply::Int(3)});
}

TEST(ReplyParserTest, TracksConsumedBytesOfPipelinedReplies) {
  ReplyParser parser;
  std::string_view input = "+OK\r\n:1\r\n$1\r";
  ASSERT_EQ(parser.Parse(input), Status::kReply);
  EXPECT_EQ(parser.consumed(), 5u);
  EXPECT_EQ(parser.reply(), Reply::Simple("OK"));
  input.remove_prefix(5);
  ASSERT_EQ(parser.Parse(input), Status::kReply);
  EXPECT_EQ(parser.consumed(), 4u);
  EXPECT_EQ(parser.TakeReply(), Reply::Int(1));
  input.remove_prefix(4);
  EXPECT_EQ(parser.Parse(input), Status::kNeedMore);
}

TEST(ReplyParserTest, ResumesWithoutReparsingLargeAggregates) {
  // 200k elements fed a few bytes at a time: quadratic re-parsing would take minutes.
  const int count = 200000;
  std::string input = "*" + std::to_string(count) + "\r\n";
  for (int i = 0; i < count; ++i) input += ":" + std::to_string(i % 10) + "\r\n";
  ReplyParser parser;
  Status status = Status::kNeedMore;
  for (size_t end = 7; status == Status::kNeedMore && end <= input.size() + 7; end += 7) {
    status = parser.Parse(std::string_view(input).substr(0, std::min(end, input.size())));
  }
  ASSERT_EQ(status, Status::kReply);
  ASSERT_EQ(parser.reply().elements.size(), static_cast<size_t>(count));
  EXPECT_EQ(parser.reply().elements.back(), Reply::Int((count - 1) % 10));
}

TEST(ReplyParserTest, BigBulkInChunks) {
  std::string payload(1 << 20, 'x');
  std::string input = "$" + std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
  std::vector<size_t> cuts;
  for (size_t i = 4096; i < input.size(); i += 4096) cuts.push_back(i);
  Outcome outcome = Feed(input, cuts);
  ASSERT_EQ(outcome.replies.size(), 1u);
  EXPECT_EQ(outcome.replies[0].size(), payload.size() + 2);
}

std::string Nested(size_t depth) {
  std::string s;
  for (size_t i = 0; i < depth; ++i) s += "*1\r\n";
  return s + ":1\r\n";
}

TEST(ReplyParserTest, NestingDepthIsLimited) {
  Reply deepest = ParseOne(Nested(ReplyParser::kMaxDepth));
  EXPECT_EQ(deepest.type, ReplyType::kArray);

  ReplyParser parser;
  EXPECT_EQ(parser.Parse(Nested(ReplyParser::kMaxDepth + 1)), Status::kError);
  EXPECT_EQ(parser.error(), "reply nested deeper than 128 levels");

  // Maps and attributes count as levels too.
  std::string maps;
  for (size_t i = 0; i <= ReplyParser::kMaxDepth; ++i) maps += "%1\r\n+k\r\n";
  EXPECT_EQ(ReplyParser().Parse(maps), Status::kError);
}

TEST(ReplyParserTest, RejectsMalformedReplies) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {":abc\r\n", "invalid integer: abc"},
      {":\r\n", "invalid integer: "},
      {":1.5\r\n", "invalid integer: 1.5"},
      {":99999999999999999999\r\n", "invalid integer: 99999999999999999999"},
      {"#x\r\n", "invalid boolean: x"},
      {"#\r\n", "invalid boolean: "},
      {"#tt\r\n", "invalid boolean: tt"},
      {"#1\r\n", "invalid boolean: 1"},
      {"_x\r\n", "invalid null"},
      {",abc\r\n", "invalid double: abc"},
      {",\r\n", "invalid double: "},
      {",1.5x\r\n", "invalid double: 1.5x"},
      {"(12a\r\n", "invalid big number: 12a"},
      {"(\r\n", "invalid big number: "},
      {"$3\r\nabcde\r\n", "bulk string not followed by CRLF"},
      {"$-2\r\n", "invalid bulk length: -2"},
      {"$x\r\n", "invalid bulk length: x"},
      {"!-1\r\n", "invalid bulk length: -1"},
      {"=-1\r\n", "invalid bulk length: -1"},
      {"=3\r\ntxt\r\n", "invalid verbatim string"},
      {"=5\r\ntxtxy\r\n", "invalid verbatim string"},
      {"*-2\r\n", "invalid aggregate length: -2"},
      {"*x\r\n", "invalid aggregate length: x"},
      {"%-1\r\n", "invalid aggregate length: -1"},
      {"~-1\r\n", "invalid aggregate length: -1"},
      {"%4611686018427387904\r\n", "invalid aggregate length: 4611686018427387904"},
      {"^1\r\n", "unknown reply type byte '^'"},
      {"OK\r\n", "unknown reply type byte 'O'"},
      {"+OK\rX", "CR not followed by LF"},
      {"$?\r\n", "streamed RESP3 replies are not supported"},
      {"*?\r\n", "streamed RESP3 replies are not supported"},
      {"%?\r\n", "streamed RESP3 replies are not supported"},
      {"*2\r\n:1\r\n:x\r\n", "invalid integer: x"},
  };
  for (const auto& [input, error] : cases) {
    ReplyParser parser;
    EXPECT_EQ(parser.Parse(input), Status::kError) << input;
    EXPECT_EQ(parser.error(), error) << input;
    // The error is sticky until Reset().
    EXPECT_EQ(parser.Parse("+OK\r\n"), Status::kError);
    parser.Reset();
    EXPECT_EQ(parser.Parse("+OK\r\n"), Status::kReply);
  }
}

TEST(ReplyParserTest, ResetForgetsPartialReply) {
  ReplyParser parser;
  EXPECT_EQ(parser.Parse("*2\r\n|1\r\n+a\r\n:1\r\n:1\r\n"), Status::kNeedMore);
  parser.Reset();
  ASSERT_EQ(parser.Parse("+OK\r\n"), Status::kReply);
  EXPECT_EQ(parser.reply(), Reply::Simple("OK"));
}

// Writes with ReplyWriter under both protocols and reads back with ReplyParser.
struct RoundTrip {
  std::string name;
  std::function<void(ReplyWriter&)> write;
  std::string resp2;
  std::string resp3;
};

std::vector<RoundTrip> RoundTrips() {
  return {
      {"simple", [](ReplyWriter& w) { w.Ok(); }, "+OK", "+OK"},
      {"error", [](ReplyWriter& w) { w.Error("ERR bad"); }, "-ERR bad", "-ERR bad"},
      {"integer", [](ReplyWriter& w) { w.Integer(-7); }, ":-7", ":-7"},
      {"bulk", [](ReplyWriter& w) { w.Bulk("a\r\nb"); }, R"("a\r\nb")", R"("a\r\nb")"},
      {"null", [](ReplyWriter& w) { w.Null(); }, "(nil)", "_"},
      {"null array", [](ReplyWriter& w) { w.NullArray(); }, "(nil-array)", "_"},
      {"double", [](ReplyWriter& w) { w.Double(0.1); }, "\"0.10000000000000001\"",
       ",0.10000000000000001"},
      {"infinity", [](ReplyWriter& w) { w.Double(-INFINITY); }, "\"-inf\"", ",-inf"},
      {"boolean", [](ReplyWriter& w) { w.Boolean(true); }, ":1", "#t"},
      {"big number", [](ReplyWriter& w) { w.BigNumber("123"); }, "\"123\"", "(123"},
      {"verbatim", [](ReplyWriter& w) { w.Verbatim("txt", "hi"); }, "\"hi\"", "=txt:\"hi\""},
      {"array",
       [](ReplyWriter& w) {
         w.ArrayHeader(2);
         w.Bulk("a");
         w.ArrayHeader(0);
       },
       "[\"a\", []]", "[\"a\", []]"},
      {"map",
       [](ReplyWriter& w) {
         w.MapHeader(2);
         w.Bulk("k");
         w.Integer(1);
         w.Bulk("k2");
         w.Null();
       },
       "[\"k\", :1, \"k2\", (nil)]", "%{\"k\": :1, \"k2\": _}"},
      {"set",
       [](ReplyWriter& w) {
         w.SetHeader(1);
         w.Bulk("m");
       },
       "[\"m\"]", "~[\"m\"]"},
      {"push",
       [](ReplyWriter& w) {
         w.PushHeader(2);
         w.Bulk("message");
         w.Double(2);
       },
       "[\"message\", \"2\"]", ">[\"message\", ,2]"},
  };
}

TEST(ReplyParserTest, RoundTripsWriterOutput) {
  for (const RoundTrip& t : RoundTrips()) {
    for (Protocol protocol : {Protocol::kResp2, Protocol::kResp3}) {
      std::string out;
      ReplyWriter writer(&out, protocol);
      t.write(writer);
      const std::string& expected = protocol == Protocol::kResp2 ? t.resp2 : t.resp3;
      EXPECT_EQ(ToString(ParseOne(out)), expected)
          << t.name << " RESP" << static_cast<int>(protocol);
    }
  }
}

TEST(ReplyTest, Factories) {
  EXPECT_EQ(ToString(Reply::Simple("OK")), "+OK");
  EXPECT_EQ(ToString(Reply::Error("ERR x")), "-ERR x");
  EXPECT_EQ(ToString(Reply::Int(3)), ":3");
  EXPECT_EQ(ToString(Reply::Bulk("b")), "\"b\"");
  EXPECT_EQ(ToString(Reply::Nil()), "(nil)");
  EXPECT_EQ(ToString(Reply::Array({})), "[]");
  EXPECT_EQ(ToString(Reply::Array({Reply::Bulk("a"), Reply::Array({Reply::Int(1)})})),
            "[\"a\", [:1]]");
}

TEST(ReplyTest, ToStringOfConstructedDoubleUsesRedisFormat) {
  Reply r;
  r.type = ReplyType::kDouble;
  r.dbl = 0.1;
  EXPECT_EQ(ToString(r), ",0.10000000000000001");
}

TEST(ReplyTest, ToStringOfAttributeReply) {
  Reply r;
  r.type = ReplyType::kAttribute;
  r.elements = {Reply::Simple("k"), Reply::Int(1)};
  EXPECT_EQ(ToString(r), "|{+k: :1}");
}

TEST(ReplyTest, EqualityComparesEveryField) {
  EXPECT_EQ(Reply::Bulk("a"), Reply::Bulk("a"));
  EXPECT_NE(Reply::Bulk("a"), Reply::Simple("a"));
  EXPECT_NE(Reply::Bulk("a"), Reply::Bulk("b"));
  EXPECT_NE(Reply::Int(1), Reply::Int(2));
  EXPECT_NE(Reply::Array({Reply::Int(1)}), Reply::Array({Reply::Int(2)}));
  EXPECT_EQ(ParseOne(",nan\r\n"), ParseOne(",nan\r\n"));
  EXPECT_NE(ParseOne(",1\r\n"), ParseOne(",1.0\r\n"));  // the original text differs
  Reply with_attribute = Reply::Int(1);
  with_attribute.attributes = {Reply::Simple("a"), Reply::Int(2)};
  EXPECT_NE(with_attribute, Reply::Int(1));
}

TEST(ReplyTest, StreamsAsToString) {
  std::ostringstream os;
  os << Reply::Array({Reply::Bulk("x")});
  EXPECT_EQ(os.str(), "[\"x\"]");
  EXPECT_THAT(::testing::PrintToString(Reply::Int(5)), HasSubstr(":5"));
}

}  // namespace
}  // namespace understudy::resp
