// The command table against real Redis: every declared command must agree with COMMAND INFO
// of redis-server on name, arity, flags, key positions, ACL categories, tips and key
// specifications, so the one
// table cannot drift from the behaviour clients rely on.
#include "server/engine/command_table.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resp/reply.h"
#include "server/engine/engine.h"
#include "store/clock.h"
#include "tests/support/server_process.h"

namespace understudy::engine {
namespace {

class CommandTableTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto redis = testing::StartRedis();
    if (!redis.ok()) {
      skip_reason_ = new std::string(redis.status().ToString());
      return;
    }
    redis_ = new testing::ServerProcess(std::move(*redis));
  }
  static void TearDownTestSuite() {
    delete redis_;
    redis_ = nullptr;
  }
  void SetUp() override {
    if (redis_ == nullptr) GTEST_SKIP() << "real redis-server unavailable: " << *skip_reason_;
  }

  // Runs a request on an in-process engine and returns its reply.
  resp::Reply Ours(std::vector<std::string_view> argv) {
    client_.output.clear();
    engine_.Execute(client_, argv);
    resp::ReplyParser parser;
    EXPECT_EQ(parser.Parse(client_.output), resp::ReplyParser::Status::kReply);
    return parser.TakeReply();
  }

  store::ManualClock clock_;
  ManualExecutor executor_{clock_};
  Engine engine_{clock_, Config{}, executor_};
  Client& client_ = engine_.Register(nullptr);

  inline static testing::ServerProcess* redis_ = nullptr;
  inline static std::string* skip_reason_ = nullptr;
};

void CompareInfo(const RegisteredCommand& command, const resp::Reply& ours,
                 const resp::Reply& theirs) {
  SCOPED_TRACE(command.full_name);
  ASSERT_EQ(theirs.type, resp::ReplyType::kArray) << resp::ToString(theirs);
  ASSERT_GE(theirs.elements.size(), 10u);
  ASSERT_EQ(ours.elements.size(), 10u);
  for (size_t field : {0, 1, 3, 4, 5}) {
    EXPECT_EQ(resp::ToString(ours.elements[field]), resp::ToString(theirs.elements[field]))
        << "field " << field;
  }
  EXPECT_EQ(resp::ToString(ours.elements[2]), resp::ToString(theirs.elements[2])) << "flags";
  EXPECT_EQ(resp::ToString(ours.elements[6]), resp::ToString(theirs.elements[6]))
      << "ACL categories";
  EXPECT_EQ(resp::ToString(ours.elements[7]), resp::ToString(theirs.elements[7])) << "tips";
  EXPECT_EQ(resp::ToString(ours.elements[8]), resp::ToString(theirs.elements[8])) << "key specs";
}

TEST_F(CommandTableTest, MatchesRedisCommandInfo) {
  auto connection = redis_->Connect();
  ASSERT_TRUE(connection.ok()) << connection.status();
  auto info = [&](const std::string& name, resp::Reply* ours, resp::Reply* theirs) {
    *ours = Ours({"COMMAND", "INFO", name}).elements.at(0);
    auto reply = connection->Command({"COMMAND", "INFO", name});
    ASSERT_TRUE(reply.ok()) << reply.status();
    ASSERT_EQ(reply->elements.size(), 1u);
    *theirs = reply->elements[0];
  };

  int compared = 0;
  for (const auto& command : engine_.commands().commands()) {
    resp::Reply ours, theirs;
    info(command->full_name, &ours, &theirs);
    CompareInfo(*command, ours, theirs);
    ++compared;
    for (const RegisteredCommand& sub : command->subcommands) {
      info(sub.full_name, &ours, &theirs);
      CompareInfo(sub, ours, theirs);
      ++compared;
    }
  }
  EXPECT_GT(compared, 50);
}

// CLIENT LIST and CLIENT INFO lines: the same fields in the same order as Redis's, and the same
// values where they do not depend on the connection, the time or the allocator.
TEST_F(CommandTableTest, ClientInfoFieldsMatchRedis) {
  auto connection = redis_->Connect();
  ASSERT_TRUE(connection.ok()) << connection.status();
  const resp::Reply ours_reply = Ours({"CLIENT", "INFO"});
  auto theirs = connection->Command({"CLIENT", "INFO"});
  ASSERT_TRUE(theirs.ok()) << theirs.status();

  auto fields = [](std::string_view line) {
    std::vector<std::pair<std::string, std::string>> out;
    for (absl::string_view field :
         absl::StrSplit(store::AbslView(line), absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
      const size_t eq = field.find('=');
      out.emplace_back(std::string(field.substr(0, eq)), std::string(field.substr(eq + 1)));
    }
    return out;
  };
  const auto ours = fields(ours_reply.str);
  const auto redis = fields(theirs->str);
  ASSERT_EQ(ours.size(), redis.size()) << ours_reply.str << "\n" << theirs->str;
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(ours[i].first, redis[i].first) << "field " << i;
    static const std::set<std::string> kStable = {"name", "flags", "db",       "sub",       "psub",
                                                  "ssub", "multi", "argv-mem", "multi-mem", "oll",
                                                  "omem", "cmd",   "user",     "redir",     "resp"};
    if (kStable.contains(ours[i].first)) {
      EXPECT_EQ(ours[i].second, redis[i].second) << ours[i].first;
    }
  }
}

}  // namespace
}  // namespace understudy::engine
