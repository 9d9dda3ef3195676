// understudy-server as real clients use it: redis-cli with arguments and on stdin, inline
// commands typed over a raw socket, and a short redis-benchmark run.

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/sync_connection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/run_process.h"
#include "tests/support/server_process.h"

namespace understudy::testing {
namespace {

using resp::Reply;
using ::testing::HasSubstr;
using ::testing::Not;

class E2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new absl::StatusOr<ServerProcess>(StartUnderstudy()); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(server_->ok()) << "cannot start understudy-server: " << server_->status();
    port_ = (*server_)->port();
    absl::StatusOr<testing::SyncConnection> conn = (*server_)->Connect();
    ASSERT_TRUE(conn.ok()) << conn.status();
    conn_.emplace(*std::move(conn));
    absl::StatusOr<Reply> flushed = conn_->Command({"FLUSHALL"});
    ASSERT_TRUE(flushed.ok()) << flushed.status();
    ASSERT_EQ(*flushed, Reply::Simple("OK"));
  }

  // The path of a Redis tool, or empty if it is not installed.
  static std::string Tool(std::string_view name) {
    absl::StatusOr<std::string> path = FindExecutable(name);
    return path.ok() ? *path : "";
  }

  std::string NextReply() {
    absl::StatusOr<Reply> reply = conn_->ReadReply();
    return reply.ok() ? resp::ToString(*reply) : reply.status().ToString();
  }

  // Runs redis-cli against the server with args, feeding it input.
  ProcessResult Cli(const std::string& cli, std::vector<std::string> args,
                    std::string_view input = {}) {
    std::vector<std::string> argv = {cli, "-h", "127.0.0.1", "-p", std::to_string(port_)};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<ProcessResult> result = RunProcess(argv, input, std::chrono::seconds(20));
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    EXPECT_FALSE(result->timed_out) << "redis-cli did not finish";
    EXPECT_EQ(result->exit_code, 0) << result->err;
    return *std::move(result);
  }

  static absl::StatusOr<ServerProcess>* server_;
  uint16_t port_ = 0;
  std::optional<testing::SyncConnection> conn_;
};

absl::StatusOr<ServerProcess>* E2eTest::server_ = nullptr;

TEST_F(E2eTest, RedisCliWithArguments) {
  std::string cli = Tool("redis-cli");
  if (cli.empty()) GTEST_SKIP() << "redis-cli is not installed";
  // Without a terminal redis-cli prints bare values: OK, the value, an integer, "" for nil.
  EXPECT_EQ(Cli(cli, {"SET", "k", "v"}).out, "OK\n");
  EXPECT_EQ(Cli(cli, {"GET", "k"}).out, "v\n");
  EXPECT_EQ(Cli(cli, {"GET", "missing"}).out, "\n");
  EXPECT_EQ(Cli(cli, {"INCR", "n"}).out, "1\n");
  EXPECT_EQ(Cli(cli, {"INCRBY", "n", "41"}).out, "42\n");
  EXPECT_EQ(Cli(cli, {"SET", "spaced key", "a value\twith tab"}).out, "OK\n");
  EXPECT_EQ(Cli(cli, {"GET", "spaced key"}).out, "a value\twith tab\n");
  EXPECT_EQ(Cli(cli, {"INCR", "k"}).out, "ERR value is not an integer or out of range\n\n");
  EXPECT_EQ(Cli(cli, {"DBSIZE"}).out, "3\n");
}

TEST_F(E2eTest, RedisCliReadsCommandsFromStdin) {
  std::string cli = Tool("redis-cli");
  if (cli.empty()) GTEST_SKIP() << "redis-cli is not installed";
  ProcessResult result = Cli(cli, {}, "SET a 1\nINCR a\nGET a\nGET nothing\nDEL a\nEXISTS a\n");
  EXPECT_EQ(result.out, "OK\n2\n2\n\n1\n0\n");
}

TEST_F(E2eTest, InlineCommandsOverARawSocket) {
  // What a person types into telnet, including several commands in one packet.
  ASSERT_TRUE(conn_->WriteRaw("PING\r\n").ok());
  EXPECT_EQ(NextReply(), "+PONG");
  ASSERT_TRUE(conn_->WriteRaw("SET a b\r\nGET a\r\n").ok());
  EXPECT_EQ(NextReply(), "+OK");
  EXPECT_EQ(NextReply(), "\"b\"");
  ASSERT_TRUE(conn_->WriteRaw("SET \"two words\" 'x y'\nGET \"two words\"\n").ok());
  EXPECT_EQ(NextReply(), "+OK");
  EXPECT_EQ(NextReply(), "\"x y\"");
  EXPECT_FALSE(conn_->closed());
}

TEST_F(E2eTest, RedisBenchmarkRunsCleanly) {
  std::string benchmark = Tool("redis-benchmark");
  if (benchmark.empty()) GTEST_SKIP() << "redis-benchmark is not installed";
  absl::StatusOr<ProcessResult> result =
      RunProcess({benchmark, "-h", "127.0.0.1", "-p", std::to_string(port_), "-t",
                  "set,get,incr,mset", "-P", "16", "-n", "20000", "-q"},
                 {}, std::chrono::seconds(60));
  ASSERT_TRUE(result.ok()) << result.status();
  std::string output = result->out + result->err;
  EXPECT_FALSE(result->timed_out) << output;
  EXPECT_EQ(result->exit_code, 0) << output;
  EXPECT_THAT(output, Not(HasSubstr("ERR"))) << output;
  EXPECT_THAT(output, Not(HasSubstr("Error"))) << output;
  for (const char* test : {"SET", "GET", "INCR", "MSET"}) {
    EXPECT_THAT(output, HasSubstr(test)) << output;
  }
  absl::StatusOr<Reply> keys = conn_->Command({"DBSIZE"});
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->type, resp::ReplyType::kInteger) << resp::ToString(*keys);
  EXPECT_GT(keys->integer, 0);
}

TEST_F(E2eTest, ProtocolErrorClosesOnlyThatClient) {
  absl::StatusOr<testing::SyncConnection> bad = (*server_)->Connect();
  ASSERT_TRUE(bad.ok()) << bad.status();
  ASSERT_TRUE(bad->WriteRaw("*1\r\n$x\r\n").ok());
  absl::StatusOr<Reply> error = bad->ReadReply();
  ASSERT_TRUE(error.ok()) << error.status();
  EXPECT_EQ(resp::ToString(*error), "-ERR Protocol error: invalid bulk length");
  EXPECT_FALSE(bad->ReadReply().ok());
  EXPECT_TRUE(bad->closed());
  absl::StatusOr<Reply> pong = conn_->Command({"PING"});
  ASSERT_TRUE(pong.ok()) << pong.status();
  EXPECT_EQ(*pong, Reply::Simple("PONG"));
}

TEST_F(E2eTest, LargeValuesRoundTrip) {
  const std::string value(20 * 1024 * 1024, 'v');
  absl::StatusOr<Reply> set = conn_->Command({"SET", "big", value});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(*set, Reply::Simple("OK"));
  absl::StatusOr<Reply> got = conn_->Command({"GET", "big"});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->str == value) << "GET returned " << got->str.size() << " bytes";
}

TEST_F(E2eTest, AnnouncedButUnsentBulkDoesNotStallOthers) {
  absl::StatusOr<testing::SyncConnection> slow = (*server_)->Connect();
  ASSERT_TRUE(slow.ok()) << slow.status();
  ASSERT_TRUE(slow->WriteRaw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\npartial").ok());
  absl::StatusOr<Reply> pong = conn_->Command({"PING"});
  ASSERT_TRUE(pong.ok()) << pong.status();
  EXPECT_EQ(*pong, Reply::Simple("PONG"));
}

TEST(ServerFlagsTest, DatabasesFlagLimitsSelect) {
  absl::StatusOr<ServerProcess> server = StartUnderstudy({"--databases", "2"});
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<testing::SyncConnection> conn = server->Connect();
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(resp::ToString(*conn->Command({"SELECT", "1"})), "+OK");
  EXPECT_EQ(resp::ToString(*conn->Command({"SELECT", "2"})), "-ERR DB index is out of range");
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

// CONFIG REWRITE keeps the file's comments and unknown lines, rewrites changed settings in
// place (an alias under its 7.0 name, repeats blanked) and appends the others, as Redis does.
TEST(ConfigRewriteTest, RewritesTheFileTheServerStartedWith) {
  const std::string dir = ::testing::TempDir();
  const std::string path = dir + "/understudy-rewrite.conf";
  {
    std::ofstream file(path, std::ios::trunc);
    file << "# my settings\n"
            "hz 15\n"
            "  loglevel   warning\n"
            "hash-max-ziplist-entries 100\n"
            "timeout 0\n"
            "timeout 5\n"
            "daemonize no\n";
  }
  absl::StatusOr<ServerProcess> server = StartUnderstudyWithConfigFile(path);
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<testing::SyncConnection> conn = server->Connect();
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(resp::ToString(*conn->Command({"CONFIG", "SET", "hz", "20", "maxclients", "500",
                                           "requirepass", "a b", "proto-max-bulk-len", "1gb"})),
            "+OK");
  EXPECT_EQ(resp::ToString(*conn->Command({"AUTH", "a b"})), "+OK");
  EXPECT_EQ(resp::ToString(*conn->Command({"CONFIG", "REWRITE"})), "+OK");
  const std::string port = std::to_string(server->port());
  EXPECT_EQ(ReadFile(path),
            "# my settings\n"
            "hz 20\n"
            "loglevel warning\n"
            "hash-max-listpack-entries 100\n"
            "timeout 5\n"
            "\n"
            "daemonize no\n"
            "\n"
            "# Generated by CONFIG REWRITE\n"
            "port " +
                port +
                "\n"
                "proto-max-bulk-len 1gb\n"
                "maxclients 500\n"
                "requirepass \"a b\"\n");
  // A second rewrite keeps the generated block where it is.
  EXPECT_EQ(resp::ToString(*conn->Command({"CONFIG", "SET", "maxclients", "600"})), "+OK");
  EXPECT_EQ(resp::ToString(*conn->Command({"CONFIG", "REWRITE"})), "+OK");
  EXPECT_THAT(ReadFile(path), HasSubstr("# Generated by CONFIG REWRITE\nport " + port +
                                        "\nproto-max-bulk-len 1gb\nmaxclients 600\n"));
  std::remove(path.c_str());
}

TEST(ConfigRewriteTest, RefusedWithoutAConfigFile) {
  absl::StatusOr<ServerProcess> server = StartUnderstudy();
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<testing::SyncConnection> conn = server->Connect();
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(resp::ToString(*conn->Command({"CONFIG", "REWRITE"})),
            "-ERR The server is running without a config file");
}

// SIGINT and SIGTERM stop the server with exit code 0, while clients are connected.
class ShutdownTest : public ::testing::TestWithParam<int> {};

TEST_P(ShutdownTest, ExitsCleanly) {
  absl::StatusOr<ServerProcess> server = StartUnderstudy();
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<testing::SyncConnection> conn = server->Connect();
  ASSERT_TRUE(conn.ok()) << conn.status();
  ASSERT_TRUE(conn->Command({"SET", "k", "v"}).ok());
  ASSERT_EQ(kill(server->pid(), GetParam()), 0);
  absl::Status alive;
  for (int i = 0; i < 500 && (alive = server->Alive()).ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // bounded wait for the exit
  }
  ASSERT_FALSE(alive.ok()) << "still running 5 s after the signal";
  EXPECT_THAT(std::string(alive.message()), HasSubstr("exited with code 0"));
}

INSTANTIATE_TEST_SUITE_P(Signals, ShutdownTest, ::testing::Values(SIGINT, SIGTERM));

}  // namespace
}  // namespace understudy::testing
