// FUNCTION DUMP payloads move between understudy and real Redis both ways: each server restores
// what the other dumped and runs the functions. (functions.txt checks that a library stored
// uncompressed dumps to the same bytes on both.)
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "tests/support/sync_connection.h"
#include "gtest/gtest.h"
#include "tests/support/server_process.h"

namespace understudy::testing {
namespace {

using testing::SyncConnection;
using resp::Reply;

// Long and repetitive enough that both servers store it LZF-compressed in the payload.
constexpr std::string_view kRedisLibrary =
    "#!lua name=fromredis\n"
    "local function pad(s) return s .. '------------------------------------------------' end\n"
    "redis.register_function('from_redis', function(keys, args) return pad(args[1]) end)\n"
    "redis.register_function{function_name='from_redis_ro', callback=function(keys)\n"
    "  return redis.call('GET', keys[1])\n"
    "end, flags={'no-writes'}, description='reads a key'}\n";
constexpr std::string_view kUnderstudyLibrary =
    "#!lua name=fromunderstudy\n"
    "redis.register_function('from_understudy', function(keys, args) return #keys + #args end)\n";

class FunctionDumpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<ServerProcess> redis = StartRedis();
    if (absl::IsNotFound(redis.status())) GTEST_SKIP() << redis.status();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_server_.emplace(*std::move(redis));
    absl::StatusOr<ServerProcess> understudy = StartUnderstudy();
    ASSERT_TRUE(understudy.ok()) << understudy.status();
    understudy_server_.emplace(*std::move(understudy));
    redis_.emplace(Connect(*redis_server_));
    understudy_.emplace(Connect(*understudy_server_));
  }

  static SyncConnection Connect(ServerProcess& server) {
    absl::StatusOr<SyncConnection> connection = server.Connect();
    EXPECT_TRUE(connection.ok()) << connection.status();
    return *std::move(connection);
  }

  static Reply Run(SyncConnection& connection, std::vector<std::string_view> args) {
    absl::StatusOr<Reply> reply = connection.Command(std::move(args));
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : Reply::Error("no reply");
  }

  std::optional<ServerProcess> redis_server_;
  std::optional<ServerProcess> understudy_server_;
  std::optional<SyncConnection> redis_;
  std::optional<SyncConnection> understudy_;
};

TEST_F(FunctionDumpTest, RedisPayloadRestoresIntoUnderstudy) {
  ASSERT_EQ(Run(*redis_, {"FUNCTION", "LOAD", kRedisLibrary}).str, "fromredis");
  const Reply dump = Run(*redis_, {"FUNCTION", "DUMP"});
  ASSERT_EQ(dump.type, resp::ReplyType::kBulkString);

  EXPECT_EQ(Run(*understudy_, {"FUNCTION", "RESTORE", dump.str}).str, "OK");
  EXPECT_EQ(Run(*understudy_, {"FCALL", "from_redis", "0", "x"}).str,
            "x------------------------------------------------");
  Run(*understudy_, {"SET", "k", "v"});
  EXPECT_EQ(Run(*understudy_, {"FCALL_RO", "from_redis_ro", "1", "k"}).str, "v");
  // Restoring again collides; FLUSH and REPLACE accept it.
  EXPECT_EQ(Run(*understudy_, {"FUNCTION", "RESTORE", dump.str}).str,
            "ERR Library fromredis already exists");
  EXPECT_EQ(Run(*understudy_, {"FUNCTION", "RESTORE", dump.str, "REPLACE"}).str, "OK");
  EXPECT_EQ(Run(*understudy_, {"FUNCTION", "RESTORE", dump.str, "FLUSH"}).str, "OK");
  // understudy's own dump of it goes back into Redis. (Not byte for byte Redis's: the two LZF
  // compressors may pick different matches, both valid.)
  const Reply again = Run(*understudy_, {"FUNCTION", "DUMP"});
  EXPECT_EQ(Run(*redis_, {"FUNCTION", "RESTORE", again.str, "REPLACE"}).str, "OK");
}

TEST_F(FunctionDumpTest, UnderstudyPayloadRestoresIntoRedis) {
  ASSERT_EQ(Run(*understudy_, {"FUNCTION", "LOAD", kUnderstudyLibrary}).str, "fromunderstudy");
  ASSERT_EQ(Run(*understudy_, {"FUNCTION", "LOAD", kRedisLibrary}).str, "fromredis");
  const Reply dump = Run(*understudy_, {"FUNCTION", "DUMP"});
  ASSERT_EQ(dump.type, resp::ReplyType::kBulkString);

  EXPECT_EQ(Run(*redis_, {"FUNCTION", "RESTORE", dump.str}).str, "OK");
  const Reply counted = Run(*redis_, {"FCALL", "from_understudy", "2", "a", "b", "c"});
  EXPECT_EQ(counted.type, resp::ReplyType::kInteger);
  EXPECT_EQ(counted.integer, 3);
  EXPECT_EQ(Run(*redis_, {"FCALL", "from_redis", "0", "y"}).str,
            "y------------------------------------------------");
  const Reply stats = Run(*redis_, {"FUNCTION", "STATS"});
  ASSERT_EQ(stats.elements.size(), 4u);
  const Reply& lua = stats.elements[3].elements[1];
  ASSERT_EQ(lua.elements.size(), 4u);
  EXPECT_EQ(lua.elements[1].integer, 2);  // libraries_count
  EXPECT_EQ(lua.elements[3].integer, 3);  // functions_count
}

}  // namespace
}  // namespace understudy::testing
