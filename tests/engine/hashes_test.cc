// Hash commands in process, where the conformance cases cannot go: the random replies of
// HRANDFIELD over many calls, and HSCAN keeping fields and values paired across calls.
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "resp/reply.h"
#include "tests/engine/engine_fixture.h"
#include "tests/store/encoding_test_util.h"

namespace understudy::engine {
namespace {

using store::encoding_test::ExpectUniform;
using store::encoding_test::Name;

class HashesTest : public EngineTest {
 protected:
  // Runs a command and returns its parsed reply.
  resp::Reply Call(std::initializer_list<std::string_view> args) {
    std::vector<std::string_view> argv(args);
    client_.output.clear();
    engine_.Execute(client_, argv);
    resp::ReplyParser parser;
    EXPECT_EQ(parser.Parse(client_.output), resp::ReplyParser::Status::kReply);
    return parser.TakeReply();
  }

  // A hash of `n` fields f0.. with values v0.., a listpack unless `hashtable`.
  void MakeHash(int n, bool hashtable) {
    if (hashtable) Run({"CONFIG", "SET", "hash-max-listpack-entries", "0"});
    for (int i = 0; i < n; ++i) Run({"HSET", "h", Name("f", i), Name("v", i)});
    EXPECT_EQ(Run({"OBJECT", "ENCODING", "h"}), hashtable ? "\"hashtable\"" : "\"listpack\"");
  }

  // The value MakeHash gave a field: v7 for f7.
  static std::string ValueOf(std::string_view field) {
    std::string value = "v";
    value += field.substr(1);
    return value;
  }

  // The strings of an array reply of bulk strings.
  static std::vector<std::string> Strings(const resp::Reply& reply) {
    EXPECT_EQ(reply.type, resp::ReplyType::kArray) << resp::ToString(reply);
    std::vector<std::string> out;
    for (const resp::Reply& element : reply.elements) out.push_back(element.str);
    return out;
  }
};

class HashesEncodingTest : public HashesTest, public ::testing::WithParamInterface<bool> {
 protected:
  bool hashtable() const { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(Encodings, HashesEncodingTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Hashtable" : "Listpack"; });

TEST_P(HashesEncodingTest, PositiveCountGivesDistinctFieldsAndReachesEveryOne) {
  MakeHash(20, hashtable());
  for (std::string_view count : {"1", "3", "15"}) {
    std::map<std::string, int> hits;
    for (int round = 0; round < 2000; ++round) {
      const std::vector<std::string> fields = Strings(Call({"HRANDFIELD", "h", count}));
      ASSERT_EQ(fields.size(), static_cast<size_t>(std::stoi(std::string(count))));
      ASSERT_EQ(std::set<std::string>(fields.begin(), fields.end()).size(), fields.size());
      if (!hashtable()) {
        // A listpack answers its sample in insertion order, f0 first, as Redis does.
        ASSERT_TRUE(std::is_sorted(fields.begin(), fields.end(), [](const auto& a, const auto& b) {
          return std::stoi(a.substr(1)) < std::stoi(b.substr(1));
        }));
      }
      for (const std::string& field : fields) ++hits[field];
    }
    ExpectUniform(hits, 20);
  }
}

TEST_P(HashesEncodingTest, NegativeCountRepeatsAndReachesEveryField) {
  MakeHash(10, hashtable());
  const std::vector<std::string> fields = Strings(Call({"HRANDFIELD", "h", "-5000"}));
  ASSERT_EQ(fields.size(), 5000u);
  std::map<std::string, int> hits;
  for (const std::string& field : fields) ++hits[field];
  ExpectUniform(hits, 10);
  // Without a count: one field, any of them.
  std::map<std::string, int> single;
  for (int round = 0; round < 2000; ++round) ++single[Call({"HRANDFIELD", "h"}).str];
  ExpectUniform(single, 10);
}

TEST_P(HashesEncodingTest, WithValuesPairsEachFieldWithItsValue) {
  MakeHash(8, hashtable());
  for (std::string_view count : {"3", "-20", "8"}) {
    const std::vector<std::string> flat = Strings(Call({"HRANDFIELD", "h", count, "WITHVALUES"}));
    ASSERT_EQ(flat.size() % 2, 0u);
    for (size_t i = 0; i < flat.size(); i += 2) EXPECT_EQ(ValueOf(flat[i]), flat[i + 1]);
  }
  Run({"HELLO", "3"});
  const resp::Reply pairs = Call({"HRANDFIELD", "h", "-20", "WITHVALUES"});
  ASSERT_EQ(pairs.elements.size(), 20u);
  for (const resp::Reply& pair : pairs.elements) {
    const std::vector<std::string> fv = Strings(pair);
    ASSERT_EQ(fv.size(), 2u);
    EXPECT_EQ(ValueOf(fv[0]), fv[1]);
  }
}

TEST_P(HashesEncodingTest, ScanKeepsFieldsWithTheirValues) {
  MakeHash(300, hashtable());
  std::map<std::string, std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    const resp::Reply reply = Call({"HSCAN", "h", cursor, "COUNT", "7"});
    ASSERT_EQ(reply.elements.size(), 2u);
    cursor = reply.elements[0].str;
    const std::vector<std::string> flat = Strings(reply.elements[1]);
    ASSERT_EQ(flat.size() % 2, 0u);
    for (size_t i = 0; i < flat.size(); i += 2) seen[flat[i]] = flat[i + 1];
    ++calls;
  } while (cursor != "0");
  ASSERT_EQ(seen.size(), 300u);
  for (const auto& [field, value] : seen) EXPECT_EQ(ValueOf(field), value);
  // A listpack answers in one call; a hashtable in about 300 / 7.
  EXPECT_EQ(calls > 1, hashtable());
}

TEST_F(HashesTest, HugeNegativeCountIsRefusedRatherThanExhaustingMemory) {
  Run({"HSET", "h", "a", "1"});
  // Redis would try to send 2^32 + 1 fields (at least 24 GB).
  EXPECT_EQ(Run({"HRANDFIELD", "h", "-4294967297"}), "-ERR value is out of range");
  EXPECT_EQ(Run({"HRANDFIELD", "h", "-9223372036854775807"}), "-ERR value is out of range");
  EXPECT_EQ(Run({"HRANDFIELD", "h", "-4611686018427387903", "WITHVALUES"}),
            "-ERR value is out of range");
  // A missing key answers an empty array first, as in Redis.
  EXPECT_EQ(Run({"HRANDFIELD", "nokey", "-9223372036854775807"}), "[]");
}

}  // namespace
}  // namespace understudy::engine
