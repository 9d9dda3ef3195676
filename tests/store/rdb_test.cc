#include <random>
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "store/rdb/codec.h"
#include "store/rdb/crc64.h"
#include "store/rdb/lzf.h"

namespace understudy::store::rdb {
namespace {

std::string FromHex(std::string_view hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

// Payloads real redis-server 7.0.15 produced, as hex.
// FUNCTION DUMP of the library "#!lua name=mylib\nredis.register_function('myfunc',
// function(keys, args) return args[1] end)": an LZF-compressed string.
constexpr std::string_view kRedisFunctionDump =
    "f5c34056405b1f23216c7561206e616d653d6d796c69620a72656469732e72656769737465725f0b66756e6374"
    "696f6e28276d79400b02272c2040066012116b6579732c2061726773292072657475726e600c075b315d20656e"
    "64290a008d5936adc6e707da";
constexpr std::string_view kRedisLibrary =
    "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return args[1] "
    "end)";

TEST(Crc64Test, MatchesRedisCheckValue) {
  EXPECT_EQ(Crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(Crc64(0, ""), 0u);
}

TEST(Crc64Test, ContinuesAcrossPieces) {
  const std::string text = "the quick brown fox jumps over the lazy dog, twice over";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    const std::string_view view(text);
    EXPECT_EQ(Crc64(Crc64(0, view.substr(0, cut)), view.substr(cut)), Crc64(0, text)) << cut;
  }
}

TEST(RdbPayloadTest, OpensRedisFunctionDump) {
  const std::string payload = FromHex(kRedisFunctionDump);
  const auto body = OpenPayload(payload);
  ASSERT_TRUE(body.has_value());
  Reader reader(*body);
  EXPECT_EQ(reader.Byte(), kOpFunction2);
  EXPECT_EQ(reader.String(), kRedisLibrary);
  EXPECT_TRUE(reader.at_end());
}

TEST(RdbPayloadTest, RefusesACorruptOrNewerPayload) {
  std::string payload = FromHex(kRedisFunctionDump);
  payload[5] ^= 1;
  EXPECT_FALSE(OpenPayload(payload).has_value());

  std::string newer = "\x05\x01";
  newer.push_back(static_cast<char>(kRdbVersion + 1));
  newer.push_back('\0');
  newer += std::string(8, '\0');
  EXPECT_FALSE(OpenPayload(newer).has_value());
  EXPECT_FALSE(OpenPayload("short").has_value());
}

TEST(RdbPayloadTest, SealsWhatOpenAccepts) {
  std::string body;
  Writer writer(body);
  writer.Byte(kOpFunction2);
  writer.String(kRedisLibrary);
  std::string payload = body;
  SealPayload(payload);
  const auto opened = OpenPayload(payload);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, body);
}

// DUMP payloads of string values from Redis: the type byte 0, the string, the trailer.
TEST(RdbStringTest, EncodesIntegersAsRedis) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"12", "00c00c0a003c2af8515c04bcd5"},
      {"-300", "00c1d4fe0a00c6c48623febede2e"},
      {"100000", "00c2a08601000a00f12403506f2fa674"},
      {"007", "00033030370a007258e27b4c69bad9"},
      {"12345678901", "000b31323334353637383930310a00304e52d727176510"},
  };
  for (const auto& [value, hex] : cases) {
    std::string payload;
    Writer writer(payload);
    writer.Byte(0);
    writer.String(value);
    SealPayload(payload);
    EXPECT_EQ(payload, FromHex(hex)) << value;
    Reader reader(*OpenPayload(payload));
    EXPECT_EQ(reader.Byte(), 0);
    EXPECT_EQ(reader.String(), value);
  }
}

TEST(RdbStringTest, ReadsRedisCompressedString) {
  const std::string payload = FromHex("00c309406c016161e05f000161610a002d009466eba7419f");
  Reader reader(*OpenPayload(payload));
  EXPECT_EQ(reader.Byte(), 0);
  EXPECT_EQ(reader.String(), std::string(108, 'a'));
}

TEST(RdbStringTest, LengthsRoundTripAtEveryWidth) {
  for (const uint64_t length : {0ULL, 63ULL, 64ULL, 16383ULL, 16384ULL, 4294967295ULL,
                                4294967296ULL, 18446744073709551615ULL}) {
    std::string bytes;
    Writer(bytes).Length(length);
    Reader reader(bytes);
    EXPECT_EQ(reader.Length(), length);
    EXPECT_TRUE(reader.at_end());
  }
}

TEST(RdbStringTest, StringsRoundTripInEveryEncoding) {
  std::string varied;
  for (int i = 0; i < 5000; ++i) varied += std::to_string(i * 7919 % 1000) + ",";
  const std::string cases[] = {"", "x", "-0", "2147483648", std::string(21, 'z'),
                               std::string(100000, '\0'), varied, "no repeats in here at all!"};
  for (const bool compress : {true, false}) {
    for (const std::string& value : cases) {
      std::string bytes;
      Writer(bytes, compress).String(value);
      if (compress && value.size() > 1000) {
        EXPECT_LT(bytes.size(), value.size() / 2);
      }
      Reader reader(bytes);
      EXPECT_EQ(reader.String(), value);
      EXPECT_TRUE(reader.at_end());
    }
  }
}

TEST(RdbStringTest, TruncatedOrCorruptInputFailsCleanly) {
  std::string bytes;
  Writer(bytes).String(std::string(300, 'q') + "tail");
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    Reader reader(std::string_view(bytes).substr(0, cut));
    EXPECT_FALSE(reader.String().has_value()) << cut;
    EXPECT_TRUE(reader.failed());
  }
  // A back reference before the start of the output.
  char out[8];
  EXPECT_FALSE(LzfDecompress(std::string_view("\x20\x05", 2), out, 3));
  // A compressed string claiming an absurd size.
  Reader absurd(std::string_view("\xc3\x01\x81\x00\x00\x00\x10\x00\x00\x00\x00\x00", 12));
  EXPECT_FALSE(absurd.String().has_value());
}

// Random bytes read as strings and lengths end in a value or a failure (run under
// -fsanitize=address,undefined when the reader changes: no read out of bounds); random values
// round-trip.
TEST(RdbStringTest, RandomInputIsReadSafelyAndRandomValuesRoundTrip) {
  std::mt19937_64 random(20261130);
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(random() % 40, '\0');
    for (char& byte : bytes) byte = static_cast<char>(random());
    if (round % 2 == 0 && !bytes.empty()) bytes[0] = static_cast<char>(0xc3);  // LZF marker
    Reader reader(bytes);
    while (!reader.at_end() && !reader.failed()) {
      if (round % 3 == 0) {
        reader.Length();
      } else {
        reader.String();
      }
    }
    std::string value(random() % 300, '\0');
    const uint64_t alphabet = 1 + random() % 4;  // few symbols: compressible
    for (char& byte : value) byte = static_cast<char>('a' + random() % alphabet);
    std::string encoded;
    Writer(encoded).String(value);
    Reader back(encoded);
    EXPECT_EQ(back.String(), value);
  }
}

}  // namespace
}  // namespace understudy::store::rdb
