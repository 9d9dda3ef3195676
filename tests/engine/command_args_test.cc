// The argument syntax of the command table: each notation gives the fields COMMAND DOCS
// reports, and a malformed declaration is refused with where it went wrong.
#include "server/engine/command_args.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace understudy::engine {
namespace {

std::vector<CommandArg> Parse(std::string_view syntax) {
  auto args = ParseCommandArgs(syntax);
  EXPECT_TRUE(args.ok()) << args.status();
  return args.ok() ? *std::move(args) : std::vector<CommandArg>{};
}

TEST(CommandArgsTest, EmptySyntaxHasNoArguments) { EXPECT_TRUE(Parse("").empty()); }

TEST(CommandArgsTest, NamesWithTypesAndKeysNumberedInOrder) {
  const auto args = Parse("source:key destination:key timeout:double value");
  ASSERT_EQ(args.size(), 4u);
  EXPECT_EQ(args[0].name, "source");
  EXPECT_EQ(args[0].type, ArgType::kKey);
  EXPECT_EQ(args[0].key_spec_index, 0);
  EXPECT_EQ(args[1].key_spec_index, 1);
  EXPECT_EQ(args[2].type, ArgType::kDouble);
  EXPECT_EQ(args[2].key_spec_index, -1);
  EXPECT_EQ(args[3].type, ArgType::kString);
  EXPECT_FALSE(args[3].token.has_value());
}

TEST(CommandArgsTest, ExplicitKeySpecIndexesAndTheKeysAfterThem) {
  // SORT: both patterns belong to the second key spec; STORE's key is the third.
  const auto args = Parse(
      "key:key [BY pattern:pattern#1] [GET pattern:pattern#1]... "
      "[STORE destination:key]");
  ASSERT_EQ(args.size(), 4u);
  EXPECT_EQ(args[1].key_spec_index, 1);
  EXPECT_EQ(args[1].type, ArgType::kPattern);
  EXPECT_EQ(args[2].key_spec_index, 1);
  EXPECT_EQ(args[3].key_spec_index, 2);
}

TEST(CommandArgsTest, TokensFlagsAndVersions) {
  const auto args = Parse(
      "[GET@6.2.0] [change=CH@3.0.2] [WEIGHTS weight:integer...] "
      "[PREFIX prefix]... element...@2.4.0 ip:port!2.8.12");
  ASSERT_EQ(args.size(), 6u);
  EXPECT_EQ(args[0].name, "get");
  EXPECT_EQ(args[0].type, ArgType::kPureToken);
  EXPECT_EQ(args[0].token, "GET");
  EXPECT_EQ(args[0].since, "6.2.0");
  EXPECT_TRUE(args[0].optional);
  EXPECT_EQ(args[1].name, "change");
  EXPECT_EQ(args[1].token, "CH");
  EXPECT_EQ(args[1].since, "3.0.2");
  EXPECT_EQ(args[2].token, "WEIGHTS");
  EXPECT_EQ(args[2].type, ArgType::kInteger);
  EXPECT_TRUE(args[2].optional && args[2].multiple && !args[2].multiple_token);
  EXPECT_TRUE(args[3].optional && args[3].multiple && args[3].multiple_token);
  EXPECT_TRUE(!args[4].optional && args[4].multiple);
  EXPECT_EQ(args[4].since, "2.4.0");
  EXPECT_EQ(args[5].name, "ip:port");
  EXPECT_EQ(args[5].type, ArgType::kString);
  EXPECT_EQ(args[5].deprecated_since, "2.8.12");
}

TEST(CommandArgsTest, GroupsNest) {
  const auto args = Parse(
      "[expiration:(EX seconds:integer@2.6.12 | KEEPTTL@6.0.0)] "
      "[LIMIT offset_count:{offset:integer count:integer}] "
      "filter:(ip:port | new-format:([ID client-id:integer] | [SKIPME yes/no])...)");
  ASSERT_EQ(args.size(), 3u);
  EXPECT_EQ(args[0].type, ArgType::kOneOf);
  ASSERT_EQ(args[0].args.size(), 2u);
  EXPECT_EQ(args[0].args[0].token, "EX");
  EXPECT_EQ(args[0].args[0].name, "seconds");
  EXPECT_EQ(args[0].args[0].since, "2.6.12");
  EXPECT_EQ(args[0].args[1].name, "keepttl");
  EXPECT_EQ(args[1].type, ArgType::kBlock);
  EXPECT_EQ(args[1].token, "LIMIT");
  ASSERT_EQ(args[1].args.size(), 2u);
  EXPECT_EQ(args[1].args[1].name, "count");
  const CommandArg& new_format = args[2].args[1];
  EXPECT_EQ(new_format.type, ArgType::kOneOf);
  EXPECT_TRUE(new_format.multiple);
  ASSERT_EQ(new_format.args.size(), 2u);
  EXPECT_EQ(new_format.args[1].name, "yes/no");
  EXPECT_EQ(new_format.args[1].token, "SKIPME");
}

TEST(CommandArgsTest, QuotedTokens) {
  const auto args = Parse("operator:(equal='=' | approximately='~') empty_string=''");
  ASSERT_EQ(args.size(), 2u);
  EXPECT_EQ(args[0].args[0].token, "=");
  EXPECT_EQ(args[0].args[1].name, "approximately");
  EXPECT_EQ(args[1].token, "");
}

TEST(CommandArgsTest, TypeNames) {
  EXPECT_EQ(ArgTypeName(ArgType::kUnixTime), "unix-time");
  EXPECT_EQ(ArgTypeName(ArgType::kPureToken), "pure-token");
  EXPECT_EQ(ArgTypeName(ArgType::kOneOf), "oneof");
}

TEST(CommandArgsTest, MalformedSyntaxSaysWhere) {
  for (std::string_view bad : {"[key", "where:(LEFT | RIGHT", "a:()", "x@", "x#", "'='",
                               "[count:integer]...", "key ]", "(LEFT)", "a 'b", "=X"}) {
    auto args = ParseCommandArgs(bad);
    EXPECT_FALSE(args.ok()) << bad;
    EXPECT_THAT(std::string(args.status().message()), ::testing::HasSubstr("at offset")) << bad;
  }
}

}  // namespace
}  // namespace understudy::engine
