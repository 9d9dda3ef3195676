// Runs each example program (examples/) the three ways the README promises: against a real
// redis-server, against understudy-server, and on the embedded engine when nothing listens.
// The programs check their own results; here they must exit 0 and say OK.

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/client_fixture.h"
#include "tests/support/run_process.h"
#include "tests/support/server_process.h"

namespace understudy::client {
namespace testing {
// Names the backend in ctest's listing of the parameters.
inline void PrintTo(Backend backend, std::ostream* out) {
  *out << BackendName(::testing::TestParamInfo<Backend>(backend, 0));
}
}  // namespace testing

namespace {

using testing::Backend;

class ExamplesTest : public ::testing::TestWithParam<std::tuple<std::string, Backend>> {};

TEST_P(ExamplesTest, RunsAndChecksItself) {
  const auto& [example, backend] = GetParam();
  std::optional<understudy::testing::ServerProcess> server;
  // Only the variables this run sets reach the example: none inherited from the test's shell.
  std::vector<std::string> argv = {"env",
                                   "-u",
                                   "REDIS_URL",
                                   "-u",
                                   "REDIS_TLS",
                                   "-u",
                                   "REDIS_USERNAME",
                                   "-u",
                                   "REDIS_PASSWORD",
                                   "-u",
                                   "REDIS_DB",
                                   "-u",
                                   "REDIS_FALLBACK",
                                   "REDIS_HOST=127.0.0.1"};
  switch (backend) {
    case Backend::kRedis: {
      auto started = understudy::testing::StartRedis();
      if (!started.ok()) GTEST_SKIP() << "no redis-server: " << started.status();
      server.emplace(std::move(*started));
      break;
    }
    case Backend::kUnderstudy: {
      auto started = understudy::testing::StartUnderstudy();
      ASSERT_TRUE(started.ok()) << started.status();
      server.emplace(std::move(*started));
      break;
    }
    case Backend::kEmbedded: {
      // A port where nothing listens; REDIS_HOST is set, so the fallback must be asked for.
      auto port = understudy::testing::FreeLoopbackPort();
      ASSERT_TRUE(port.ok()) << port.status();
      argv.push_back("REDIS_PORT=" + std::to_string(*port));
      argv.push_back("REDIS_FALLBACK=embedded");
      break;
    }
  }
  if (server) argv.push_back("REDIS_PORT=" + std::to_string(server->port()));
  argv.push_back(std::string(UNDERSTUDY_EXAMPLES_DIR) + "/" + example);

  auto result = understudy::testing::RunProcess(argv);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0) << "stdout:\n" << result->out << "stderr:\n" << result->err;
  EXPECT_THAT(result->out, ::testing::HasSubstr(example + ": OK"));
  if (backend == Backend::kEmbedded) {
    EXPECT_THAT(result->out, ::testing::HasSubstr("using the embedded engine"));
    // spdlog's default logger writes to stdout.
    EXPECT_THAT(result->out, ::testing::HasSubstr("REDIS_FALLBACK=embedded"));
  } else {
    EXPECT_THAT(result->out, ::testing::HasSubstr("using Redis at 127.0.0.1:"));
  }
}

std::string Name(const ::testing::TestParamInfo<std::tuple<std::string, Backend>>& info) {
  const auto& [example, backend] = info.param;
  return example + "_" +
         testing::BackendName(::testing::TestParamInfo<Backend>(backend, info.index));
}

INSTANTIATE_TEST_SUITE_P(Examples, ExamplesTest,
                         ::testing::Combine(::testing::Values("cache", "sessions", "rate_limiter",
                                                              "rooms", "lock", "health", "batch"),
                                            ::testing::Values(Backend::kRedis, Backend::kUnderstudy,
                                                              Backend::kEmbedded)),
                         Name);

}  // namespace
}  // namespace understudy::client
