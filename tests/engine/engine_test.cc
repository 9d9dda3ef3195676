// Behaviour that needs the manual clock or in-process access; reply shapes and error texts
// are also covered against real Redis by the conformance suite.
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_fixture.h"

namespace understudy::engine {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(EngineTest, SetWithExpiryDisappearsWhenTimePasses) {
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "10"}), "+OK");
  EXPECT_EQ(Run({"TTL", "k"}), ":10");
  clock_.AdvanceMs(9'999);
  EXPECT_EQ(Run({"GET", "k"}), "\"v\"");
  EXPECT_EQ(Run({"PTTL", "k"}), ":1");
  clock_.AdvanceMs(1);
  EXPECT_EQ(Run({"GET", "k"}), "(nil)");
  EXPECT_EQ(Run({"TTL", "k"}), ":-2");
}

TEST_F(EngineTest, TtlRoundsToNearestSecond) {
  Run({"SET", "k", "v", "PX", "10000"});
  clock_.AdvanceMs(500);
  EXPECT_EQ(Run({"TTL", "k"}), ":10");  // 9.5 s rounds up
  clock_.AdvanceMs(1);
  EXPECT_EQ(Run({"TTL", "k"}), ":9");
}

// Every keyspace change reaches the engine's one observer, which counts it: writes, deletions and
// expiries alike, whatever command or timer made them.
TEST_F(EngineTest, EveryKeyspaceChangeIsCounted) {
  Run({"SET", "a", "1"});
  Run({"RPUSH", "l", "x"});
  Run({"DEL", "a"});
  Run({"SET", "t", "v", "PX", "10"});
  clock_.AdvanceMs(100);
  executor_.RunDue();  // the cron's active expiry
  EXPECT_NE(Run({"INFO", "persistence"}).find("rdb_changes_since_last_save:5"), std::string::npos);
}

TEST_F(EngineTest, ActiveExpiryReclaimsKeysWithoutAccess) {
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "k" + std::to_string(i);
    Run({"SET", key, "v", "PX", i % 2 == 0 ? "100" : "100000"});
  }
  EXPECT_EQ(Run({"DBSIZE"}), ":1000");
  clock_.AdvanceMs(100);
  executor_.RunDue();  // the engine's cron
  EXPECT_EQ(Run({"DBSIZE"}), ":500");
}

TEST_F(EngineTest, ExpireAtAndExpireTime) {
  const int64_t now_s = clock_.NowMs() / 1000;
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"EXPIREAT", "k", std::to_string(now_s + 100)}), ":1");
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), ":" + std::to_string(now_s + 100));
  EXPECT_EQ(Run({"PEXPIRETIME", "k"}), ":" + std::to_string((now_s + 100) * 1000));
  EXPECT_EQ(Run({"EXPIREAT", "k", std::to_string(now_s - 1)}), ":1");
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0");
}

TEST_F(EngineTest, ExpireConditions) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "XX"}), ":0");
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "GT"}), ":0");  // no TTL counts as infinite
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "LT"}), ":1");
  EXPECT_EQ(Run({"EXPIRE", "k", "50", "NX"}), ":0");
  EXPECT_EQ(Run({"EXPIRE", "k", "200", "GT"}), ":1");
  EXPECT_EQ(Run({"EXPIRE", "k", "150", "GT"}), ":0");
  EXPECT_EQ(Run({"EXPIRE", "k", "150", "LT"}), ":1");
  EXPECT_EQ(Run({"TTL", "k"}), ":150");
  EXPECT_EQ(Run({"PERSIST", "k"}), ":1");
  EXPECT_EQ(Run({"PERSIST", "k"}), ":0");
  EXPECT_EQ(Run({"TTL", "k"}), ":-1");
}

TEST_F(EngineTest, WritesKeepOrClearTtlLikeRedis) {
  Run({"SET", "k", "1", "EX", "100"});
  Run({"INCR", "k"});
  Run({"APPEND", "k", "0"});
  Run({"SETRANGE", "k", "0", "3"});
  EXPECT_EQ(Run({"TTL", "k"}), ":100");
  EXPECT_EQ(Run({"GET", "k"}), "\"30\"");
  Run({"SET", "k", "v", "KEEPTTL"});
  EXPECT_EQ(Run({"TTL", "k"}), ":100");
  Run({"GETSET", "k", "w"});
  EXPECT_EQ(Run({"TTL", "k"}), ":-1");
}

TEST_F(EngineTest, GetExChangesTtl) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"GETEX", "k", "PX", "1500"}), "\"v\"");
  EXPECT_EQ(Run({"PTTL", "k"}), ":1500");
  EXPECT_EQ(Run({"GETEX", "k", "PERSIST"}), "\"v\"");
  EXPECT_EQ(Run({"PTTL", "k"}), ":-1");
  const std::string past = std::to_string(clock_.NowMs() - 1);
  EXPECT_EQ(Run({"GETEX", "k", "PXAT", past}), "\"v\"");
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0");
}

TEST_F(EngineTest, RenameAndCopyCarryTtl) {
  Run({"SET", "a", "v", "EX", "100"});
  EXPECT_EQ(Run({"RENAME", "a", "b"}), "+OK");
  EXPECT_EQ(Run({"TTL", "b"}), ":100");
  EXPECT_EQ(Run({"COPY", "b", "c", "DB", "3"}), ":1");
  Run({"SELECT", "3"});
  EXPECT_EQ(Run({"TTL", "c"}), ":100");
  clock_.AdvanceMs(100'000);
  EXPECT_EQ(Run({"GET", "c"}), "(nil)");
}

TEST_F(EngineTest, ScanVisitsEveryKeyPresentThroughout) {
  for (int i = 0; i < 500; ++i) Run({"SET", "stable" + std::to_string(i), "v"});
  std::set<std::string> seen;
  std::string cursor = "0";
  int round = 0;
  do {
    // Churn between calls: the guarantee holds for keys present the whole time.
    Run({"SET", "churn" + std::to_string(round), "v"});
    if (round % 2 == 1) Run({"DEL", "churn" + std::to_string(round - 1)});
    std::vector<std::string_view> argv = {"SCAN", cursor, "COUNT", "7"};
    client_.output.clear();
    engine_.Execute(client_, argv);
    resp::ReplyParser parser;
    ASSERT_EQ(parser.Parse(client_.output), resp::ReplyParser::Status::kReply);
    const resp::Reply& reply = parser.reply();
    ASSERT_EQ(reply.elements.size(), 2u);
    cursor = reply.elements[0].str;
    for (const resp::Reply& key : reply.elements[1].elements) seen.insert(key.str);
    ASSERT_LT(++round, 10'000) << "SCAN did not finish";
  } while (cursor != "0");
  for (int i = 0; i < 500; ++i) EXPECT_TRUE(seen.count("stable" + std::to_string(i))) << i;
}

TEST_F(EngineTest, HelloSwitchesProtocol) {
  EXPECT_EQ(Run({"HELLO", "3"}).substr(0, 2), "%{");
  EXPECT_EQ(Run({"GET", "missing"}), "_");
  EXPECT_EQ(Run({"HELLO", "2"}).substr(0, 1), "[");
  EXPECT_EQ(Run({"GET", "missing"}), "(nil)");
}

TEST_F(EngineTest, EveryCommandHasAHandlerAndLowerCaseName) {
  for (const auto& command : engine_.commands().commands()) {
    const CommandSpec& spec = *command->spec;
    EXPECT_EQ(spec.name,
              absl::AsciiStrToLower(absl::string_view(spec.name.data(), spec.name.size())));
    EXPECT_TRUE(spec.handler != nullptr || !spec.subcommands.empty()) << spec.name;
    EXPECT_NE(spec.arity, 0) << spec.name;
    EXPECT_FALSE(spec.doc.summary.empty()) << spec.name;
    for (const RegisteredCommand& sub : command->subcommands) {
      EXPECT_NE(sub.spec->handler, nullptr) << sub.full_name;
    }
  }
}

// MEMORY USAGE is understudy's own count, not Redis's jemalloc figure: check that it is an
// integer that grows with the value, for every type.
TEST_F(EngineTest, MemoryUsageGrowsWithTheValue) {
  auto usage = [&](std::string_view key) -> int64_t {
    const std::string reply = Run({"MEMORY", "USAGE", key});
    EXPECT_EQ(reply.front(), ':') << reply;
    return std::stoll(reply.substr(1));
  };
  Run({"SET", "s", "x"});
  const int64_t small_string = usage("s");
  const std::string big(100'000, 'x');
  Run({"SET", "s", big});
  EXPECT_GT(usage("s"), small_string + 100'000);

  for (const auto& [type, add] :
       std::vector<std::pair<std::string, std::string>>{{"l", "RPUSH"}, {"h", "HSET"},
                                                        {"t", "SADD"}, {"z", "ZADD"}}) {
    const bool pairs = add == "HSET" || add == "ZADD";
    Run({add, type, "1", "1"});
    const int64_t before = usage(type);
    EXPECT_GT(before, 0);
    for (int i = 0; i < 1000; ++i) {
      const std::string member = "member-" + std::to_string(i);
      if (pairs) {
        Run({add, type, add == "ZADD" ? "1" : member, add == "ZADD" ? member : "value"});
      } else {
        Run({add, type, member});
      }
    }
    EXPECT_GT(usage(type), before + 1000 * 7) << add;
  }
  EXPECT_EQ(Run({"MEMORY", "USAGE", "missing"}), "(nil)");
}

// A watched key's expiry breaks the WATCH whether or not anything deleted the key yet.
TEST_F(EngineTest, WatchIsBrokenByExpiry) {
  Run({"SET", "k", "v", "PX", "100"});
  Run({"WATCH", "k"});
  clock_.AdvanceMs(200);
  Run({"MULTI"});
  Run({"GET", "k"});
  EXPECT_EQ(Run({"EXEC"}), "(nil-array)");

  // Active expiry deleting it counts the same.
  Run({"SET", "k", "v", "PX", "100"});
  Run({"WATCH", "k"});
  clock_.AdvanceMs(200);
  executor_.RunDue();
  Run({"MULTI"});
  Run({"GET", "k"});
  EXPECT_EQ(Run({"EXEC"}), "(nil-array)");

  // A key expired before WATCH does not break it.
  Run({"SET", "k", "v", "PX", "100"});
  clock_.AdvanceMs(200);
  Run({"WATCH", "k"});
  Run({"MULTI"});
  Run({"GET", "k"});
  EXPECT_EQ(Run({"EXEC"}), "[(nil)]");
}

// The test clock: AdvanceClock expires keys, shrinks TTLs and times out blocked clients at
// once, without sleeping.
TEST_F(EngineTest, AdvanceClockExpiresKeysAndTimesOutBlockedClients) {
  Run({"SET", "short", "v", "EX", "10"});
  Run({"SET", "long", "v", "EX", "100"});
  Client& waiter = engine_.Register(nullptr);
  const std::vector<std::string_view> blpop = {"BLPOP", "queue", "5"};
  engine_.Execute(waiter, blpop);
  EXPECT_TRUE(waiter.is_blocked());

  engine_.AdvanceClock(10'000);
  EXPECT_EQ(engine_.keyspace().db(0).size(), 1u);  // reclaimed, not only hidden
  EXPECT_EQ(Run({"EXISTS", "short"}), ":0");
  EXPECT_EQ(Run({"TTL", "long"}), ":90");
  EXPECT_FALSE(waiter.is_blocked());
  EXPECT_EQ(waiter.output, "*-1\r\n");
  engine_.Unregister(waiter);
}

TEST(DebugCommandTest, AdvanceClockNeedsEnableDebugCommand) {
  store::ManualClock clock;
  ManualExecutor executor{clock};
  for (const std::string setting : {"no", "yes", "local"}) {
    Config config;
    config.enable_debug_command = setting;
    Engine engine{clock, config, executor};
    Client& remote = engine.Register(nullptr, "10.0.0.1:5000");
    Client& local = engine.Register(nullptr, "127.0.0.1:5000");
    const std::vector<std::string_view> advance = {"DEBUG", "ADVANCE-CLOCK", "1000"};
    engine.Execute(remote, advance);
    engine.Execute(local, advance);
    const std::string refused =
        "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
        "you can run it from a local connection, otherwise you need to set this option in the "
        "configuration file, and then restart the server.\r\n";
    EXPECT_EQ(remote.output, setting == "yes" ? "+OK\r\n" : refused) << setting;
    EXPECT_EQ(local.output, setting == "no" ? refused : "+OK\r\n") << setting;
  }
}

// INFO commandstats and errorstats count calls, failures and refusals as Redis does, and
// CONFIG RESETSTAT clears them.
TEST_F(EngineTest, CommandAndErrorStats) {
  Run({"SET", "s", "text"});
  Run({"GET", "s"});
  Run({"GET", "s"});
  Run({"INCR", "s"});         // fails: ERR
  Run({"LPUSH", "s", "x"});   // fails: WRONGTYPE
  Run({"GET"});               // refused: arity
  Run({"NOSUCHCOMMAND"});     // refused, and no command to count it on
  Run({"CONFIG", "GET", "hz"});
  const std::string stats = Run({"INFO", "commandstats"});
  EXPECT_THAT(stats, HasSubstr("cmdstat_get:calls=2,usec="));
  EXPECT_THAT(stats, HasSubstr(",rejected_calls=1,failed_calls=0"));
  EXPECT_THAT(stats, HasSubstr("cmdstat_incr:calls=1,"));
  EXPECT_THAT(stats, HasSubstr("cmdstat_config|get:calls=1,"));
  EXPECT_THAT(stats, Not(HasSubstr("cmdstat_hset")));
  const std::string errors = Run({"INFO", "errorstats"});
  EXPECT_THAT(errors, HasSubstr("errorstat_ERR:count=3"));
  EXPECT_THAT(errors, HasSubstr("errorstat_WRONGTYPE:count=1"));
  EXPECT_THAT(Run({"INFO", "stats"}), HasSubstr("total_error_replies:4"));
  EXPECT_THAT(Run({"INFO"}), Not(HasSubstr("# Commandstats")));
  EXPECT_THAT(Run({"INFO", "everything"}), HasSubstr("# Commandstats"));

  EXPECT_EQ(Run({"CONFIG", "RESETSTAT"}), "+OK");
  EXPECT_THAT(Run({"INFO", "commandstats"}), Not(HasSubstr("cmdstat_get")));
  EXPECT_THAT(Run({"INFO", "errorstats"}), Not(HasSubstr("errorstat_")));
  EXPECT_THAT(Run({"INFO", "stats"}), HasSubstr("total_error_replies:0"));
}

// CLIENT LIST's cmd field names the command Redis's lookup found, even one then refused.
TEST_F(EngineTest, LastCommandIsTheOneLookedUpEvenIfRefused) {
  const auto last_command = [&] {
    const std::string info = engine_.ClientInfo(client_);
    const size_t at = info.find(" cmd=") + 5;
    return info.substr(at, info.find(' ', at) - at);
  };
  Run({"GET"});
  EXPECT_EQ(last_command(), "get");
  Run({"NOSUCHCOMMAND"});
  EXPECT_EQ(last_command(), "NULL");
  Run({"config", "get"});
  EXPECT_EQ(last_command(), "config|get");
  Run({"CONFIG", "NOSUCH"});
  EXPECT_EQ(last_command(), "NULL");
  Run({"CONFIG"});
  EXPECT_EQ(last_command(), "config");
  Run({"MULTI"});
  Run({"SET", "k", "v"});
  EXPECT_EQ(last_command(), "set");
  Run({"EXEC"});
  EXPECT_EQ(last_command(), "exec");
}


}  // namespace
}  // namespace understudy::engine
