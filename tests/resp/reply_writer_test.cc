#include "resp/reply_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace understudy::resp {
namespace {

using namespace std::string_literals;

class ReplyWriterTest : public ::testing::TestWithParam<Protocol> {
 protected:
  // Expected bytes for the protocol under test.
  std::string_view Pick(std::string_view resp2, std::string_view resp3) const {
    return GetParam() == Protocol::kResp3 ? resp3 : resp2;
  }

  std::string out_;
  ReplyWriter writer_{&out_, GetParam()};
};

INSTANTIATE_TEST_SUITE_P(Protocols, ReplyWriterTest,
                         ::testing::Values(Protocol::kResp2, Protocol::kResp3),
                         [](const auto& info) {
                           return info.param == Protocol::kResp2 ? "Resp2" : "Resp3";
                         });

TEST_P(ReplyWriterTest, SimpleString) {
  writer_.SimpleString("PONG");
  writer_.Ok();
  EXPECT_EQ(out_, "+PONG\r\n+OK\r\n");
}

TEST_P(ReplyWriterTest, Error) {
  writer_.Error("ERR unknown command 'x'");
  EXPECT_EQ(out_, "-ERR unknown command 'x'\r\n");
}

TEST_P(ReplyWriterTest, ErrorTurnsLineBreaksIntoSpacesLikeRedis) {
  writer_.Error("ERR unknown command 'a\r\nb'");
  EXPECT_EQ(out_, "-ERR unknown command 'a  b'\r\n");
}

TEST_P(ReplyWriterTest, Integer) {
  writer_.Integer(0);
  writer_.Integer(-1);
  writer_.Integer(std::numeric_limits<int64_t>::max());
  writer_.Integer(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(out_, ":0\r\n:-1\r\n:9223372036854775807\r\n:-9223372036854775808\r\n");
}

TEST_P(ReplyWriterTest, Bulk) {
  writer_.Bulk("hello");
  writer_.Bulk("");
  writer_.Bulk("a\r\n\0b"s);
  EXPECT_EQ(out_, "$5\r\nhello\r\n$0\r\n\r\n$5\r\na\r\n\0b\r\n"s);
}

TEST_P(ReplyWriterTest, Null) {
  writer_.Null();
  EXPECT_EQ(out_, Pick("$-1\r\n", "_\r\n"));
}

TEST_P(ReplyWriterTest, NullArray) {
  writer_.NullArray();
  EXPECT_EQ(out_, Pick("*-1\r\n", "_\r\n"));
}

TEST_P(ReplyWriterTest, Double) {
  writer_.Double(1.5);
  EXPECT_EQ(out_, Pick("$3\r\n1.5\r\n", ",1.5\r\n"));
}

TEST_P(ReplyWriterTest, DoubleUsesSeventeenSignificantDigits) {
  writer_.Double(0.1);
  EXPECT_EQ(out_, Pick("$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"));
}

TEST_P(ReplyWriterTest, DoubleInfinityAndNan) {
  writer_.Double(std::numeric_limits<double>::infinity());
  writer_.Double(-std::numeric_limits<double>::infinity());
  writer_.Double(std::nan(""));
  EXPECT_EQ(out_, Pick("$3\r\ninf\r\n$4\r\n-inf\r\n$3\r\nnan\r\n", ",inf\r\n,-inf\r\n,nan\r\n"));
}

TEST_P(ReplyWriterTest, Boolean) {
  writer_.Boolean(true);
  writer_.Boolean(false);
  EXPECT_EQ(out_, Pick(":1\r\n:0\r\n", "#t\r\n#f\r\n"));
}

TEST_P(ReplyWriterTest, BigNumber) {
  writer_.BigNumber("3492890328409238509324850943850943825024385");
  EXPECT_EQ(out_, Pick("$43\r\n3492890328409238509324850943850943825024385\r\n",
                       "(3492890328409238509324850943850943825024385\r\n"));
}

TEST_P(ReplyWriterTest, Verbatim) {
  writer_.Verbatim("txt", "Some string");
  EXPECT_EQ(out_, Pick("$11\r\nSome string\r\n", "=15\r\ntxt:Some string\r\n"));
}

TEST_P(ReplyWriterTest, ArrayHeader) {
  writer_.ArrayHeader(2);
  writer_.Bulk("a");
  writer_.Integer(1);
  writer_.ArrayHeader(0);
  EXPECT_EQ(out_, "*2\r\n$1\r\na\r\n:1\r\n*0\r\n");
}

TEST_P(ReplyWriterTest, MapHeader) {
  writer_.MapHeader(2);
  writer_.MapHeader(0);
  EXPECT_EQ(out_, Pick("*4\r\n*0\r\n", "%2\r\n%0\r\n"));
}

TEST_P(ReplyWriterTest, SetHeader) {
  writer_.SetHeader(3);
  EXPECT_EQ(out_, Pick("*3\r\n", "~3\r\n"));
}

TEST_P(ReplyWriterTest, PushHeader) {
  writer_.PushHeader(3);
  EXPECT_EQ(out_, Pick("*3\r\n", ">3\r\n"));
}

TEST_P(ReplyWriterTest, BulkArray) {
  writer_.BulkArray(std::vector<std::string>{"a", "bc"});
  writer_.BulkArray(std::vector<std::string_view>{});
  EXPECT_EQ(out_, "*2\r\n$1\r\na\r\n$2\r\nbc\r\n*0\r\n");
}

TEST_P(ReplyWriterTest, AppendsToTheCallersBuffer) {
  out_ = "existing";
  writer_.Integer(7);
  EXPECT_EQ(out_, "existing:7\r\n");
  EXPECT_EQ(writer_.buffer(), &out_);
}

TEST(ReplyWriterProtocolTest, ProtocolCanChange) {
  std::string out;
  ReplyWriter writer(&out);
  EXPECT_EQ(writer.protocol(), Protocol::kResp2);
  EXPECT_FALSE(writer.resp3());
  writer.Null();
  writer.set_protocol(Protocol::kResp3);
  EXPECT_TRUE(writer.resp3());
  writer.Null();
  EXPECT_EQ(out, "$-1\r\n_\r\n");
}

// Texts redis-server 7.0 sends for these scores (ZADD then ZSCORE).
TEST(FormatDoubleTest, MatchesRedis) {
  EXPECT_EQ(FormatDouble(0.1), "0.10000000000000001");
  EXPECT_EQ(FormatDouble(1.5), "1.5");
  EXPECT_EQ(FormatDouble(3), "3");
  EXPECT_EQ(FormatDouble(1e300), "1.0000000000000001e+300");
  EXPECT_EQ(FormatDouble(1e-5), "1.0000000000000001e-05");
  EXPECT_EQ(FormatDouble(123456789012345678.0), "1.2345678901234568e+17");
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(FormatDouble(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(FormatDoubleTest, EdgeValuesFollowPercentSeventeenG) {
  EXPECT_EQ(FormatDouble(0.0), "0");
  EXPECT_EQ(FormatDouble(-0.0), "-0");
  EXPECT_EQ(FormatDouble(-2.5), "-2.5");
  EXPECT_EQ(FormatDouble(1e17), "1e+17");
  EXPECT_EQ(FormatDouble(12345678901234567.0), "12345678901234568");
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::lowest()), "-1.7976931348623157e+308");
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::denorm_min()), "4.9406564584124654e-324");
  EXPECT_EQ(FormatDouble(std::nan("")), "nan");
  EXPECT_EQ(FormatDouble(-std::nan("")), "nan");
}

}  // namespace
}  // namespace understudy::resp
