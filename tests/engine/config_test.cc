#include "server/engine/config.h"

#include "gtest/gtest.h"

namespace understudy::engine {
namespace {

TEST(ConfigTest, DefaultsMatchTheReadme) {
  Config config;
  EXPECT_EQ(config.port, 6379);
  EXPECT_EQ(config.bind, std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(config.databases, 16);
}

TEST(ConfigTest, ReadsRedisConfSyntax) {
  Config config;
  ASSERT_TRUE(ApplyConfigText("# comment\n"
                              "port 7000\n"
                              "  bind 127.0.0.1 ::1\n"
                              "databases 4\n"
                              "loglevel WARNING\n"
                              "logfile \"/tmp/with space.log\"\n"
                              "proto-max-bulk-len 2mb\n"
                              "save 900 1\n"
                              "appendonly no\n",
                              config)
                  .ok());
  EXPECT_EQ(config.port, 7000);
  EXPECT_EQ(config.bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(config.databases, 4);
  EXPECT_EQ(config.loglevel, "warning");
  EXPECT_EQ(config.logfile, "/tmp/with space.log");
  EXPECT_EQ(config.proto_max_bulk_len, 2 * 1024 * 1024);
}

TEST(ConfigTest, RejectsBadInputWithTheLine) {
  Config config;
  absl::Status status = ApplyConfigText("port 1\nport x\n", config);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("line 2"), absl::string_view::npos) << status.message();
  EXPECT_FALSE(ApplyConfigText("no-such-directive 1\n", config).ok());
  EXPECT_FALSE(ApplyConfigText("port 70000\n", config).ok());
  EXPECT_FALSE(ApplyConfigText("databases 0\n", config).ok());
  EXPECT_FALSE(ApplyConfigText("logfile \"unbalanced\n", config).ok());
}

TEST(ConfigTest, CommandLineOverridesFile) {
  const char* argv[] = {"understudy-server", "--port", "7001",       "--bind",
                        "127.0.0.1",         "::1",    "--loglevel", "debug"};
  auto config = ParseCommandLine(8, argv);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->port, 7001);
  EXPECT_EQ(config->bind.size(), 2u);
  EXPECT_EQ(config->loglevel, "debug");
  const char* bad[] = {"understudy-server", "--port"};
  EXPECT_FALSE(ParseCommandLine(2, bad).ok());
  const char* missing[] = {"understudy-server", "/nonexistent/redis.conf"};
  EXPECT_FALSE(ParseCommandLine(2, missing).ok());
}

}  // namespace
}  // namespace understudy::engine
