// The network layer's own decisions, without sockets. Tests use loopback addresses only, so the
// refusal of other hosts in protected mode is checked here, on addresses; its text
// (errors::kProtectedModeDenied) was compared byte for byte with redis-server 7.0's.
#include "server/server.h"

#include "asio/ip/address.hpp"
#include "gtest/gtest.h"

namespace understudy::server {
namespace {

TEST(ServerTest, LoopbackPeersAreLocal) {
  EXPECT_TRUE(IsLoopback(asio::ip::make_address("127.0.0.1")));
  EXPECT_TRUE(IsLoopback(asio::ip::make_address("127.3.2.1")));
  EXPECT_TRUE(IsLoopback(asio::ip::make_address("::1")));
  EXPECT_TRUE(IsLoopback(asio::ip::make_address("::ffff:127.0.0.1")));
}

TEST(ServerTest, OtherPeersAreNotLocal) {
  EXPECT_FALSE(IsLoopback(asio::ip::make_address("10.0.0.1")));
  EXPECT_FALSE(IsLoopback(asio::ip::make_address("192.168.1.20")));
  EXPECT_FALSE(IsLoopback(asio::ip::make_address("::ffff:10.0.0.1")));
  EXPECT_FALSE(IsLoopback(asio::ip::make_address("fe80::1")));
  EXPECT_FALSE(IsLoopback(asio::ip::make_address("0.0.0.0")));
}

}  // namespace
}  // namespace understudy::server
