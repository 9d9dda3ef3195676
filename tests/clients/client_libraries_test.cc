// Third-party Redis client libraries (node-redis, ioredis, redis-py) run the seed application's
// features against a real redis-server and against understudy-server: each scenario prints a
// transcript of every result and error, and the two must be identical. The libraries come from
// scripts/install-deps.sh (npm ci into tests/clients, Debian's python3-redis).
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/run_process.h"
#include "tests/support/server_process.h"

namespace understudy::testing {
namespace {

const std::filesystem::path kScenarioDir = UNDERSTUDY_CLIENT_SCENARIO_DIR;

struct Scenario {
  std::string name;
  std::string interpreter;  // a name looked up like a server executable, or a full path
  std::string script;       // in kScenarioDir
  std::string module_dir;   // what must be installed for the scenario, relative to kScenarioDir;
                            // empty when the interpreter finds its library itself
  std::string library_check;  // a program that fails if the library is missing
};

void PrintTo(const Scenario& scenario, std::ostream* out) { *out << scenario.name; }

class ClientLibraryTest : public ::testing::TestWithParam<Scenario> {
 protected:
  static void SetUpTestSuite() {
    redis_ = new absl::StatusOr<ServerProcess>(StartRedis());
    understudy_ = new absl::StatusOr<ServerProcess>(StartUnderstudy());
  }
  static void TearDownTestSuite() {
    delete redis_;
    delete understudy_;
    redis_ = understudy_ = nullptr;
  }

  // The scenario's transcript against the server on port, after checking it ran cleanly.
  std::string Transcript(const std::string& interpreter, uint16_t port) {
    const Scenario& scenario = GetParam();
    absl::StatusOr<ProcessResult> run = RunProcess(
        {interpreter, (kScenarioDir / scenario.script).string(), std::to_string(port)}, {},
        std::chrono::seconds(60));
    EXPECT_TRUE(run.ok()) << run.status();
    if (!run.ok()) return "";
    EXPECT_FALSE(run->timed_out) << scenario.name << " did not finish; it printed:\n" << run->out;
    EXPECT_EQ(run->exit_code, 0) << scenario.name << " failed:\n" << run->err;
    return run->out;
  }

  static absl::StatusOr<ServerProcess>* redis_;
  static absl::StatusOr<ServerProcess>* understudy_;
};

absl::StatusOr<ServerProcess>* ClientLibraryTest::redis_ = nullptr;
absl::StatusOr<ServerProcess>* ClientLibraryTest::understudy_ = nullptr;

TEST_P(ClientLibraryTest, SameTranscriptAsRealRedis) {
  const Scenario& scenario = GetParam();
  if (!redis_->ok()) GTEST_SKIP() << "redis-server is not installed: " << redis_->status();
  ASSERT_TRUE(understudy_->ok()) << understudy_->status();
  absl::StatusOr<std::string> interpreter =
      scenario.interpreter.starts_with('/')
          ? (std::filesystem::exists(scenario.interpreter)
                 ? absl::StatusOr<std::string>(scenario.interpreter)
                 : absl::NotFoundError(scenario.interpreter + " does not exist"))
          : FindExecutable(scenario.interpreter);
  if (!interpreter.ok()) GTEST_SKIP() << interpreter.status() << " (scripts/install-deps.sh)";
  if (!scenario.module_dir.empty() && !std::filesystem::exists(kScenarioDir / scenario.module_dir)) {
    GTEST_SKIP() << scenario.module_dir << " is not installed (scripts/install-deps.sh)";
  }
  if (!scenario.library_check.empty()) {
    absl::StatusOr<ProcessResult> check = RunProcess({*interpreter, "-c", scenario.library_check});
    if (!check.ok() || check->exit_code != 0) {
      GTEST_SKIP() << scenario.name << " is not installed (scripts/install-deps.sh)";
    }
  }
  const std::string expected = Transcript(*interpreter, (*redis_)->port());
  const std::string actual = Transcript(*interpreter, (*understudy_)->port());
  ASSERT_FALSE(expected.empty()) << "the scenario printed nothing against Redis";
  EXPECT_EQ(actual, expected);
}

INSTANTIATE_TEST_SUITE_P(
    Libraries, ClientLibraryTest,
    ::testing::Values(
        Scenario{"node_redis", "node", "node_redis.mjs", "node_modules/redis", ""},
        Scenario{"ioredis", "node", "ioredis.mjs", "node_modules/ioredis", ""},
        // Debian's python3-redis is for Debian's own interpreter, not one earlier in PATH.
        Scenario{"redis_py", "/usr/bin/python3", "redis_py.py", "", "import redis"}),
    [](const ::testing::TestParamInfo<Scenario>& info) { return info.param.name; });

}  // namespace
}  // namespace understudy::testing
