#include "client/client.h"

#include <string>
#include <vector>

#include "client/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/client_fixture.h"

namespace understudy::client {
namespace {

using testing::ClientTest;

class SyncClientTest : public ClientTest {};

TEST_P(SyncClientTest, SetGetWithTtl) {
  Client client(options());
  EXPECT_TRUE(client.set("greeting", "hello", std::chrono::seconds(100)));
  EXPECT_EQ(client.get("greeting"), "hello");
  EXPECT_GT(client.ttl("greeting"), 90);
  EXPECT_EQ(client.get("missing"), std::nullopt);
  EXPECT_FALSE(client.set("greeting", "again", SetOptions{.condition = SetOptions::Condition::kIfAbsent}));
  EXPECT_EQ(client.set_get("greeting", "new"), "hello");
}

TEST_P(SyncClientTest, ValuesAreBytes) {
  Client client(options());
  const std::string binary("a\0b\r\n\xff", 6);
  client.set(binary, binary);
  EXPECT_EQ(client.get(binary), binary);
}

TEST_P(SyncClientTest, ServerErrorCarriesTheExactText) {
  Client client(options());
  client.lpush("list", "x");
  try {
    client.get("list");
    FAIL() << "GET on a list must fail";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kServer);
    EXPECT_EQ(error.server_code(), "WRONGTYPE");
    EXPECT_EQ(error.server_message(),
              "WRONGTYPE Operation against a key holding the wrong kind of value");
    EXPECT_FALSE(error.retry_safe());
  }
}

TEST_P(SyncClientTest, PipelineAnswersEachCommandInOrder) {
  Client client(options());
  Request pipeline;
  pipeline.Add("SET", "k", "v").Add("LPUSH", "k", "x").Add("GET", "k").Add("INCR", "n");
  const std::vector<resp::Reply> replies = client.execute(pipeline);
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0], resp::Reply::Simple("OK"));
  EXPECT_EQ(replies[1],
            resp::Reply::Error("WRONGTYPE Operation against a key holding the wrong kind of value"));
  EXPECT_EQ(replies[2], resp::Reply::Bulk("v"));
  EXPECT_EQ(replies[3], resp::Reply::Int(1));
}

UNDERSTUDY_CLIENT_BACKENDS(SyncClientTest);

}  // namespace
}  // namespace understudy::client
