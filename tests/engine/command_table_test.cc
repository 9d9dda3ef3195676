// The command table against real Redis: every declared command must agree with COMMAND INFO
// of redis-server on name, arity, flags, key positions, ACL categories, tips and key
// specifications, and with its COMMAND DOCS (summary, history, arguments...) under RESP2 and
// RESP3, so the one table cannot drift from the behaviour clients rely on.
#include "server/engine/command_table.h"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
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

bool IsMap(const resp::Reply& reply) { return reply.type == resp::ReplyType::kMap; }

// Where in a reply a difference is: ".key" for a map entry (or a RESP2 map's flat pair),
// "[i]" for anything else.
std::string Step(const resp::Reply& parent, size_t i) {
  const bool keyed = i % 2 == 1 && parent.elements[i - 1].type == resp::ReplyType::kBulkString &&
                     (IsMap(parent) || parent.elements.size() % 2 == 0);
  return keyed ? "." + parent.elements[i - 1].str : "[" + std::to_string(i) + "]";
}

// The first difference between two replies, as "path: ours ..., redis ..."; empty if none.
// Types count: a bulk string is not a simple string, a set is not an array.
std::string FirstDifference(const resp::Reply& ours, const resp::Reply& theirs,
                            const std::string& path) {
  if (ours.type != theirs.type || ours.str != theirs.str || ours.integer != theirs.integer ||
      ours.elements.size() != theirs.elements.size()) {
    return path + ": ours " + resp::ToString(ours) + "\n  redis " + resp::ToString(theirs);
  }
  for (size_t i = 0; i < ours.elements.size(); ++i) {
    std::string difference =
        FirstDifference(ours.elements[i], theirs.elements[i], path + Step(ours, i));
    if (!difference.empty()) return difference;
  }
  return {};
}

// Compares one command's docs entry (its name, then its map). A container's "subcommands"
// map is compared by name only, as Redis orders it by hash and each subcommand is compared on
// its own; ours may lack some of Redis's subcommands.
std::string DocsDifference(const resp::Reply& ours, const resp::Reply& theirs) {
  if (ours.elements.size() != 2 || theirs.elements.size() != 2) {
    return "entries: ours " + resp::ToString(ours) + "\n  redis " + resp::ToString(theirs);
  }
  const resp::Reply& our_doc = ours.elements[1];
  const resp::Reply& their_doc = theirs.elements[1];
  auto fields = [](const resp::Reply& doc) {
    std::vector<std::string> names;
    for (size_t i = 0; i < doc.elements.size(); i += 2) names.push_back(doc.elements[i].str);
    return names;
  };
  const auto our_fields = fields(our_doc);
  const auto their_fields = fields(their_doc);
  auto has = [](const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  if (has(their_fields, "arguments") && !has(our_fields, "arguments")) {
    return "declares no arguments (CommandSpec::args)";
  }
  if (our_doc.type != their_doc.type || our_fields != their_fields) {
    return "fields: ours " + absl::StrJoin(our_fields, " ") + "\n  redis " +
           absl::StrJoin(their_fields, " ");
  }
  for (size_t i = 0; i + 1 < our_doc.elements.size(); i += 2) {
    const resp::Reply& name = our_doc.elements[i];
    const resp::Reply& value = our_doc.elements[i + 1];
    const resp::Reply& their_value = their_doc.elements[i + 1];
    if (name.str != "subcommands") {
      std::string difference = FirstDifference(value, their_value, name.str);
      if (!difference.empty()) return difference;
      continue;
    }
    std::set<std::string> theirs_named;
    for (size_t j = 0; j < their_value.elements.size(); j += 2) {
      theirs_named.insert(their_value.elements[j].str);
    }
    for (size_t j = 0; j < value.elements.size(); j += 2) {
      if (!theirs_named.contains(value.elements[j].str)) {
        return "subcommands: redis has no " + value.elements[j].str;
      }
    }
  }
  return {};
}

// COMMAND DOCS of every command and subcommand, byte for byte as Redis's under RESP2 and RESP3
// (key order, simple strings against bulk strings, sets against arrays). A command declared
// without its docs shows here by name.
TEST_F(CommandTableTest, MatchesRedisCommandDocs) {
  for (const int protocol : {2, 3}) {
    SCOPED_TRACE("RESP" + std::to_string(protocol));
    auto connection = redis_->Connect();
    ASSERT_TRUE(connection.ok()) << connection.status();
    const std::string version = std::to_string(protocol);
    ASSERT_TRUE(connection->Command({"HELLO", version}).ok());
    Ours({"HELLO", version});

    int compared = 0;
    auto compare = [&](const RegisteredCommand& command) {
      const resp::Reply ours = Ours({"COMMAND", "DOCS", command.full_name});
      auto theirs = connection->Command({"COMMAND", "DOCS", command.full_name});
      ASSERT_TRUE(theirs.ok()) << theirs.status();
      ASSERT_FALSE(theirs->elements.empty()) << "redis has no " << command.full_name;
      const std::string difference = DocsDifference(ours, *theirs);
      EXPECT_TRUE(difference.empty()) << command.full_name << " " << difference;
      ++compared;
    };
    for (const auto& command : engine_.commands().commands()) {
      compare(*command);
      for (const RegisteredCommand& sub : command->subcommands) compare(sub);
    }
    EXPECT_GT(compared, 150);

    // Several names at once, unknown ones left out, in the order asked.
    const std::vector<std::string_view> request = {"COMMAND",       "DOCS", "get",
                                                   "nosuchcommand", "set",  "config|get"};
    auto theirs = connection->Command(request);
    ASSERT_TRUE(theirs.ok()) << theirs.status();
    EXPECT_EQ(FirstDifference(Ours(request), *theirs, "COMMAND DOCS get nosuchcommand ..."), "");
  }
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
