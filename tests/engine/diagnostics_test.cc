// SLOWLOG, LATENCY, MONITOR and DEBUG in process: command durations come from the engine's
// clock, which DEBUG ADVANCE-CLOCK moves while the command runs, so they are exact here.
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resp/reply.h"
#include "server/engine/engine.h"
#include "store/clock.h"

namespace understudy::engine {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

Config DebugConfig() {
  Config config;
  config.enable_debug_command = "local";
  return config;
}

class DiagnosticsTest : public ::testing::Test {
 protected:
  std::string Run(Client& client, std::vector<std::string_view> argv) {
    client.output.clear();
    engine_.Execute(client, argv);
    resp::ReplyParser parser;
    EXPECT_EQ(parser.Parse(client.output), resp::ReplyParser::Status::kReply) << client.output;
    return resp::ToString(parser.reply());
  }
  std::string Run(std::vector<std::string_view> argv) { return Run(client_, std::move(argv)); }

  store::ManualClock clock_;
  ManualExecutor executor_{clock_};
  Engine engine_{clock_, DebugConfig(), executor_};
  Client& client_ = engine_.Register(nullptr, "127.0.0.1:5000");
};

TEST_F(DiagnosticsTest, SlowLogRecordsTheDurationAndTheClient) {
  const int64_t now_s = clock_.NowMs() / 1000;
  EXPECT_EQ(Run({"CONFIG", "SET", "slowlog-log-slower-than", "5000"}), "+OK");
  EXPECT_EQ(Run({"CLIENT", "SETNAME", "me"}), "+OK");
  EXPECT_EQ(Run({"DEBUG", "ADVANCE-CLOCK", "7"}), "+OK");
  EXPECT_EQ(Run({"PING"}), "+PONG");  // quicker than the threshold
  EXPECT_EQ(Run({"SLOWLOG", "GET"}),
            "[[:0, :" + std::to_string(now_s) +
                ", :7000, [\"DEBUG\", \"ADVANCE-CLOCK\", \"7\"], \"127.0.0.1:5000\", \"me\"]]");
  EXPECT_EQ(Run({"CONFIG", "SET", "slowlog-log-slower-than", "-1"}), "+OK");
  EXPECT_EQ(Run({"DEBUG", "ADVANCE-CLOCK", "7"}), "+OK");
  EXPECT_EQ(Run({"SLOWLOG", "LEN"}), ":1");
}

TEST_F(DiagnosticsTest, LatencyMonitorRecordsCommandsOverItsThreshold) {
  EXPECT_EQ(Run({"DEBUG", "ADVANCE-CLOCK", "50"}), "+OK");
  EXPECT_EQ(Run({"LATENCY", "LATEST"}), "[]");  // off by default
  EXPECT_EQ(Run({"CONFIG", "SET", "latency-monitor-threshold", "10"}), "+OK");
  EXPECT_EQ(Run({"DEBUG", "ADVANCE-CLOCK", "5"}), "+OK");
  EXPECT_EQ(Run({"LATENCY", "LATEST"}), "[]");
  EXPECT_EQ(Run({"DEBUG", "ADVANCE-CLOCK", "20"}), "+OK");
  // The same second keeps its worst sample.
  EXPECT_EQ(Run({"DEBUG", "ADVANCE-CLOCK", "15"}), "+OK");
  const std::string second = std::to_string((clock_.NowMs() + 90) / 1000);
  EXPECT_EQ(Run({"LATENCY", "LATEST"}), "[[\"command\", :" + second + ", :20, :20]]");
  EXPECT_EQ(Run({"DEBUG", "ADVANCE-CLOCK", "1000"}), "+OK");
  EXPECT_EQ(Run({"LATENCY", "HISTORY", "command"}),
            "[[:" + second + ", :20], [:" + std::to_string(std::stoll(second) + 1) + ", :1000]]");
  EXPECT_THAT(Run({"LATENCY", "GRAPH", "command"}),
              HasSubstr("command - high 1000 ms, low 20 ms (all time high 1000 ms)"));
  EXPECT_THAT(Run({"LATENCY", "DOCTOR"}), HasSubstr("1. command: 2 latency spikes"));
  EXPECT_EQ(Run({"LATENCY", "RESET"}), ":1");
  EXPECT_EQ(Run({"LATENCY", "LATEST"}), "[]");
}

TEST_F(DiagnosticsTest, LatencyHistogramBucketsByPowersOfTwoMicroseconds) {
  EXPECT_EQ(Run({"DEBUG", "ADVANCE-CLOCK", "3"}), "+OK");    // 3000 us: at most 4096
  EXPECT_EQ(Run({"DEBUG", "ADVANCE-CLOCK", "100"}), "+OK");  // at most 131072
  EXPECT_EQ(Run({"LATENCY", "HISTOGRAM", "debug"}),
            "[\"debug\", [\"calls\", :2, \"histogram_usec\", [:4096, :1, :131072, :2]]]");
  client_.output.clear();
  std::vector<std::string_view> info = {"INFO", "latencystats"};
  engine_.Execute(client_, info);
  EXPECT_THAT(client_.output,
              HasSubstr("latency_percentiles_usec_debug:p50=4096.000,p99=131072.000,"
                        "p99.9=131072.000\r\n"));
}

TEST_F(DiagnosticsTest, MonitorSeesOtherClientsWithTheirDatabase) {
  Client& monitor = engine_.Register(nullptr, "127.0.0.1:6000");
  EXPECT_EQ(Run(monitor, {"MONITOR"}), "+OK");
  EXPECT_THAT(engine_.ClientInfo(monitor), HasSubstr(" flags=O "));
  monitor.output.clear();
  Run({"SELECT", "2"});
  Run({"AUTH", "a", "b"});
  Run({"CONFIG", "GET", "hz"});  // administrative: not shown
  EXPECT_THAT(monitor.output, MatchesRegex("\\+[0-9]+\\.[0-9]{6} \\[2 127\\.0\\.0\\.1:5000\\] "
                                           "\"SELECT\" \"2\"\r\n"
                                           "\\+[0-9]+\\.[0-9]{6} \\[2 127\\.0\\.0\\.1:5000\\] "
                                           "\"AUTH\" \"\\(redacted\\)\" \"\\(redacted\\)\"\r\n"));
  EXPECT_EQ(Run(monitor, {"RESET"}), "+RESET");
  monitor.output.clear();
  Run({"PING"});
  EXPECT_EQ(monitor.output, "");
}

TEST_F(DiagnosticsTest, MonitorShowsAScriptsCommandsAsFromLua) {
  Client& monitor = engine_.Register(nullptr, "127.0.0.1:6000");
  EXPECT_EQ(Run(monitor, {"MONITOR"}), "+OK");
  monitor.output.clear();
  Run({"EVAL", "return redis.call('get', KEYS[1])", "1", "k"});
  EXPECT_THAT(monitor.output,
              MatchesRegex("\\+[0-9.]+ \\[0 127\\.0\\.0\\.1:5000\\] \"EVAL\" .*\r\n"
                           "\\+[0-9.]+ \\[0 lua\\] \"get\" \"k\"\r\n"));
}

TEST_F(DiagnosticsTest, DebugObjectDescribesTheValue) {
  EXPECT_EQ(Run({"SET", "s", "hello"}), "+OK");
  EXPECT_THAT(Run({"DEBUG", "OBJECT", "s"}),
              MatchesRegex("\\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr "
                           "serializedlength:6 lru:[0-9]+ lru_seconds_idle:0"));
  EXPECT_EQ(Run({"SET", "n", "12"}), "+OK");
  EXPECT_THAT(Run({"DEBUG", "OBJECT", "n"}), HasSubstr("encoding:int serializedlength:2 "));
  EXPECT_EQ(Run({"RPUSH", "l", "a", "b"}), ":2");
  // The sizes are understudy's own listpack's.
  EXPECT_THAT(Run({"DEBUG", "OBJECT", "l"}),
              MatchesRegex(".* encoding:quicklist serializedlength:[0-9]+ lru:[0-9]+ "
                           "lru_seconds_idle:0 ql_nodes:1 ql_avg_node:2.00 ql_listpack_max:-2 "
                           "ql_compressed:0 ql_uncompressed_size:[0-9]+"));
  EXPECT_EQ(Run({"HSET", "h", "f", "v"}), ":1");
  EXPECT_THAT(Run({"DEBUG", "OBJECT", "h"}), HasSubstr("encoding:listpack serializedlength:14 "));
  EXPECT_EQ(Run({"DEBUG", "OBJECT", "nokey"}), "-ERR no such key");
  EXPECT_EQ(Run({"DEBUG", "OBJECT"}),
            "-ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP.");
}

TEST_F(DiagnosticsTest, DebugSetActiveExpireLeavesDueKeysToLookups) {
  EXPECT_EQ(Run({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}), "+OK");
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "100"}), "+OK");
  EXPECT_EQ(Run({"DEBUG", "ADVANCE-CLOCK", "200"}), "+OK");
  executor_.RunDue();
  EXPECT_EQ(Run({"DBSIZE"}), ":1");
  EXPECT_EQ(Run({"GET", "k"}), "(nil)");
  EXPECT_EQ(Run({"DBSIZE"}), ":0");
  EXPECT_EQ(Run({"DEBUG", "SET-ACTIVE-EXPIRE", "1"}), "+OK");
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "100"}), "+OK");
  EXPECT_EQ(Run({"DEBUG", "ADVANCE-CLOCK", "200"}), "+OK");
  EXPECT_EQ(Run({"DBSIZE"}), ":0");
}

TEST_F(DiagnosticsTest, DebugSubcommands) {
  EXPECT_EQ(Run({"DEBUG", "SLEEP", "0"}), "+OK");
  EXPECT_EQ(Run({"DEBUG", "SLEEP", "x"}), "+OK");
  EXPECT_EQ(Run({"DEBUG", "LOG", "hello"}), "+OK");
  EXPECT_EQ(Run({"DEBUG", "CHANGE-REPL-ID"}), "+OK");
  EXPECT_EQ(Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"}), "+OK");
  EXPECT_EQ(Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5gb"}),
            "-ERR argument must be a memory value bigger than 1 and smaller than 4gb");
  EXPECT_EQ(Run({"DEBUG", "ERROR", "foo bar"}), "-ERR foo bar");
  EXPECT_EQ(Run({"DEBUG", "ERROR", "-MY err"}), "-MY err");
  EXPECT_EQ(Run({"DEBUG", "POPULATE", "3"}), "+OK");
  EXPECT_EQ(Run({"GET", "key:2"}), "\"value:2\"");
  EXPECT_EQ(Run({"DEBUG", "POPULATE", "-1"}), "-ERR value is out of range, must be positive");
  EXPECT_EQ(Run({"DEBUG", "PROTOCOL", "map"}), "[:0, :0, :1, :1, :2, :0]");
  EXPECT_EQ(Run({"DEBUG", "PROTOCOL", "push"}), "-ERR RESP2 is not supported by this command");
  EXPECT_EQ(Run({"DEBUG", "NOSUCH"}),
            "-ERR unknown subcommand or wrong number of arguments for 'NOSUCH'. Try DEBUG HELP.");
}

TEST_F(DiagnosticsTest, SwapDbWakesAClientBlockedOnAFilledKey) {
  Client& blocked = engine_.Register(nullptr);
  std::vector<std::string_view> blpop = {"BLPOP", "q", "0"};
  engine_.Execute(blocked, blpop);
  ASSERT_TRUE(blocked.is_blocked());
  Run({"SELECT", "1"});
  Run({"RPUSH", "q", "x"});
  EXPECT_EQ(Run({"SWAPDB", "0", "1"}), "+OK");
  EXPECT_FALSE(blocked.is_blocked());
  EXPECT_EQ(blocked.output, "*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
}

// The value of one INFO field.
std::string InfoField(const std::string& info, const std::string& name) {
  const size_t at = info.find("\n" + name + ":");
  if (at == std::string::npos) return "<missing>";
  const size_t from = at + name.size() + 2;
  return info.substr(from, info.find('\r', from) - from);
}

TEST_F(DiagnosticsTest, InfoCountsKeyspaceHitsAndMissesOfReadCommands) {
  Run({"SET", "k", "v"});
  Run({"LPUSH", "l", "x"});  // a write looks keys up too, and does not count
  Run({"GET", "k"});
  Run({"GET", "missing"});
  Run({"EXISTS", "k", "missing", "k"});
  Run({"MGET", "k", "missing"});
  client_.output.clear();
  std::vector<std::string_view> info = {"INFO", "stats"};
  engine_.Execute(client_, info);
  EXPECT_EQ(InfoField(client_.output, "keyspace_hits"), "4");
  EXPECT_EQ(InfoField(client_.output, "keyspace_misses"), "3");
  Run({"CONFIG", "RESETSTAT"});
  client_.output.clear();
  engine_.Execute(client_, info);
  EXPECT_EQ(InfoField(client_.output, "keyspace_hits"), "0");
}

TEST_F(DiagnosticsTest, InfoKeyspaceAverageTtl) {
  Run({"SET", "a", "v", "PX", "10000"});
  Run({"SET", "b", "v", "PX", "20000"});
  Run({"SET", "c", "v"});
  client_.output.clear();
  std::vector<std::string_view> info = {"INFO", "keyspace"};
  engine_.Execute(client_, info);
  EXPECT_EQ(InfoField(client_.output, "db0"), "keys=3,expires=2,avg_ttl=15000");
  Run({"PERSIST", "b"});
  Run({"DEBUG", "ADVANCE-CLOCK", "4000"});
  client_.output.clear();
  engine_.Execute(client_, info);
  EXPECT_EQ(InfoField(client_.output, "db0"), "keys=3,expires=1,avg_ttl=6000");
}

}  // namespace
}  // namespace understudy::engine
