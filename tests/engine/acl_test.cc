#include "server/engine/acl.h"

#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "server/engine/families.h"
#include "tests/engine/engine_fixture.h"

namespace understudy::engine {
namespace {

CommandTable AllCommands() {
  CommandTable table;
  for (const CommandFamily& family : AllFamilies()) table.AddFamily(family);
  return table;
}

class AclTest : public ::testing::Test {
 protected:
  absl::Status Set(std::string_view name, std::vector<std::string_view> rules) {
    return acl_.SetUser(name, rules);
  }

  // Checks a request (args[0] is the command name) for a user.
  AclDenial Check(std::string_view user, std::vector<std::string_view> args) {
    const RegisteredCommand* command = commands_.Find(args[0]);
    if (!command->subcommands.empty()) command = command->FindSubcommand(args[1]);
    return acl_.Check(*acl_.Find(user), *command, args);
  }

  CommandTable commands_ = AllCommands();
  Acl acl_{commands_};
};

TEST(Sha256Test, KnownDigests) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Two blocks of padding: 56 bytes of input.
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000, 'a')),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST_F(AclTest, DefaultUserMayDoEverything) {
  const AclUser& user = acl_.default_user();
  EXPECT_TRUE(user.enabled);
  EXPECT_TRUE(user.nopass);
  EXPECT_EQ(acl_.Describe(user), "on nopass ~* &* +@all");
  EXPECT_EQ(Check("default", {"set", "k", "v"}), AclDenial::kNone);
}

TEST_F(AclTest, RequirePassMirrorsOnTheDefaultUser) {
  acl_.SetRequirePass("secret");
  EXPECT_FALSE(acl_.default_user().nopass);
  EXPECT_TRUE(acl_.Authenticate("default", "secret"));
  EXPECT_FALSE(acl_.Authenticate("default", "wrong"));
  acl_.SetRequirePass("");
  EXPECT_TRUE(acl_.default_user().nopass);
  EXPECT_TRUE(acl_.Authenticate("default", "anything"));
}

TEST_F(AclTest, NewUserIsOffWithNothing) {
  ASSERT_TRUE(Set("u", {}).ok());
  EXPECT_EQ(acl_.Describe(*acl_.Find("u")), "off resetchannels -@all");
  EXPECT_FALSE(acl_.Authenticate("u", ""));
}

TEST_F(AclTest, PasswordsAreKeptAsHashes) {
  ASSERT_TRUE(Set("u", {"on", ">one", ">two", ">one"}).ok());
  EXPECT_EQ(acl_.Find("u")->password_hashes,
            (std::vector<std::string>{Sha256Hex("one"), Sha256Hex("two")}));
  EXPECT_TRUE(acl_.Authenticate("u", "two"));
  ASSERT_TRUE(Set("u", {"<one"}).ok());
  EXPECT_FALSE(acl_.Authenticate("u", "one"));
  EXPECT_EQ(Set("u", {"<one"}).message(),
            "ERR Error in ACL SETUSER modifier '<one': The password you are trying to remove from "
            "the user does not exist");
  EXPECT_FALSE(Set("u", {"#ABC"}).ok());
}

TEST_F(AclTest, FailedRulesChangeNothing) {
  ASSERT_TRUE(Set("u", {"on", "+get"}).ok());
  EXPECT_EQ(Set("u", {"off", "+nosuch"}).message(),
            "ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL");
  EXPECT_TRUE(acl_.Find("u")->enabled);
  EXPECT_FALSE(Set("v", {"bogus"}).ok());
  EXPECT_EQ(acl_.Find("v"), nullptr);
}

TEST_F(AclTest, CommandsAndCategories) {
  ASSERT_TRUE(Set("u", {"on", "nopass", "allkeys", "+@string", "-get"}).ok());
  EXPECT_EQ(Check("u", {"set", "k", "v"}), AclDenial::kNone);
  EXPECT_EQ(Check("u", {"get", "k"}), AclDenial::kCommand);
  EXPECT_EQ(Check("u", {"lpush", "k", "v"}), AclDenial::kCommand);
  EXPECT_EQ(acl_.DescribeCommands(*acl_.Find("u")), "-@all +@string -get");
  // Commands that need no authentication are everyone's.
  EXPECT_EQ(Check("u", {"auth", "p"}), AclDenial::kNone);
}

TEST_F(AclTest, SubcommandRules) {
  ASSERT_TRUE(Set("u", {"+client", "-client|kill"}).ok());
  EXPECT_EQ(Check("u", {"client", "id"}), AclDenial::kNone);
  EXPECT_EQ(Check("u", {"client", "kill", "id", "1"}), AclDenial::kCommand);
  EXPECT_EQ(acl_.DescribeCommands(*acl_.Find("u")), "-@all +client -client|kill");
}

TEST_F(AclTest, AllCommandsStaysThroughRemovals) {
  ASSERT_TRUE(Set("u", {"+@all", "-flushall"}).ok());
  EXPECT_EQ(acl_.DescribeCommands(*acl_.Find("u")), "+@all -flushall");
  ASSERT_TRUE(Set("u", {"nocommands", "+get"}).ok());
  EXPECT_EQ(acl_.DescribeCommands(*acl_.Find("u")), "-@all +get");
}

TEST_F(AclTest, KeyPatternsAndTheirPermissions) {
  ASSERT_TRUE(Set("u", {"+@all", "~app:*", "%R~ro:*", "%W~wo:*"}).ok());
  EXPECT_EQ(Check("u", {"get", "app:1"}), AclDenial::kNone);
  EXPECT_EQ(Check("u", {"get", "other"}), AclDenial::kKey);
  EXPECT_EQ(Check("u", {"get", "ro:1"}), AclDenial::kNone);
  EXPECT_EQ(Check("u", {"del", "ro:1"}), AclDenial::kKey);
  EXPECT_EQ(Check("u", {"get", "wo:1"}), AclDenial::kKey);
  // SET without GET only writes its key.
  EXPECT_EQ(Check("u", {"set", "wo:1", "v"}), AclDenial::kNone);
  EXPECT_EQ(Check("u", {"set", "wo:1", "v", "GET"}), AclDenial::kKey);
  // Keys after a count, and every key of a range.
  EXPECT_EQ(Check("u", {"zunionstore", "app:d", "2", "app:a", "other"}), AclDenial::kKey);
  EXPECT_EQ(Check("u", {"mset", "app:1", "v", "app:2", "v"}), AclDenial::kNone);
  EXPECT_EQ(acl_.DescribeKeys(*acl_.Find("u")), "~app:* %R~ro:* %W~wo:*");
  EXPECT_FALSE(Set("u", {"allkeys", "~x"}).ok());
  EXPECT_EQ(acl_.DescribeKeys(*acl_.Find("u")), "~app:* %R~ro:* %W~wo:*");
}

TEST_F(AclTest, ChannelPatterns) {
  ASSERT_TRUE(Set("u", {"&news.*"}).ok());
  EXPECT_EQ(acl_.DescribeChannels(*acl_.Find("u")), "&news.*");
  EXPECT_EQ(acl_.Describe(*acl_.Find("u")), "off resetchannels &news.* -@all");
  ASSERT_TRUE(Set("u", {"allchannels"}).ok());
  EXPECT_EQ(acl_.DescribeChannels(*acl_.Find("u")), "&*");
  EXPECT_FALSE(Set("u", {"&x"}).ok());
}

TEST_F(AclTest, ResetStartsOver) {
  ASSERT_TRUE(Set("u", {"on", ">p", "allkeys", "allchannels", "allcommands"}).ok());
  ASSERT_TRUE(Set("u", {"reset"}).ok());
  EXPECT_EQ(acl_.Describe(*acl_.Find("u")), "off sanitize-payload resetchannels -@all");
}

TEST_F(AclTest, LoadsAnAclFile) {
  ASSERT_TRUE(acl_.LoadFile("users.acl",
                            "user default on nopass ~* &* +@all\n"
                            "\n"
                            "user alice on >secret ~app:* +@read\n")
                  .ok());
  EXPECT_TRUE(acl_.Authenticate("alice", "secret"));
  EXPECT_EQ(acl_.Describe(acl_.default_user()), "on nopass ~* &* +@all");
  EXPECT_EQ(Check("alice", {"get", "app:1"}), AclDenial::kNone);
  EXPECT_EQ(Check("alice", {"set", "app:1", "v"}), AclDenial::kCommand);
  EXPECT_EQ(acl_.LoadFile("users.acl", "user bob on +nosuch\n").message(),
            "users.acl:1: Error in applying operation '+nosuch': Unknown command or category name "
            "in ACL. WARNING: ACL errors detected, no change to the previously active ACL rules "
            "was performed");
  EXPECT_FALSE(acl_.LoadFile("users.acl", "user bob on\nuser bob off\n").ok());
  EXPECT_NE(acl_.Find("alice"), nullptr);  // a failed load changes nothing
  EXPECT_EQ(acl_.SaveFile(),
            "user alice on #" + Sha256Hex("secret") +
                " ~app:* resetchannels -@all +@read\nuser default on nopass ~* &* +@all\n");
}

// The engine's one check before every command: authentication, then the user's rules.
class AuthEngineTest : public EngineTest {
 protected:
  std::string RunAs(Client& client, std::vector<std::string_view> args) {
    client.output.clear();
    engine_.Execute(client, args);
    return client.output;
  }
};

TEST_F(AuthEngineTest, NewClientsNeedAuthOnceThereIsAPassword) {
  EXPECT_EQ(Run({"CONFIG", "SET", "requirepass", "secret"}), "+OK");
  Client& other = engine_.Register(nullptr);
  EXPECT_EQ(RunAs(other, {"GET", "k"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(RunAs(other, {"AUTH", "nope"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(RunAs(other, {"AUTH", "secret"}), "+OK\r\n");
  EXPECT_EQ(RunAs(other, {"GET", "k"}), "$-1\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "(nil)");  // authenticated since before the password
}

TEST_F(AuthEngineTest, UsersAreCheckedBeforeTheCommandRuns) {
  EXPECT_EQ(Run({"ACL", "SETUSER", "u", "on", ">p", "+get", "~a*"}), "+OK");
  Client& other = engine_.Register(nullptr);
  EXPECT_EQ(RunAs(other, {"AUTH", "u", "p"}), "+OK\r\n");
  EXPECT_EQ(RunAs(other, {"SET", "a1", "v"}),
            "-NOPERM this user has no permissions to run the 'set' command\r\n");
  EXPECT_EQ(RunAs(other, {"GET", "b1"}),
            "-NOPERM this user has no permissions to access one of the keys used as "
            "arguments\r\n");
  EXPECT_EQ(RunAs(other, {"GET", "a1"}), "$-1\r\n");
  EXPECT_EQ(Run({"ACL", "DELUSER", "u"}), ":1");
  EXPECT_TRUE(other.closing);
  EXPECT_EQ(Run({"CLIENT", "KILL", "USER", "u"}), "-ERR No such user 'u'");
}

}  // namespace
}  // namespace understudy::engine
