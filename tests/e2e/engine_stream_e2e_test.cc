// The in-process byte stream answers byte for byte as a socket to understudy-server does, and as
// one to redis-server (when installed): the same input, sent whole, to all three.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "server/runtime/engine_host.h"
#include "server/runtime/engine_stream.h"
#include "tests/support/server_process.h"

namespace understudy {
namespace {

using testing::ServerProcess;

// A blocking loopback socket whose reads give up after 10 s, so a missing reply fails the test.
class RawSocket {
 public:
  explicit RawSocket(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{.tv_sec = 10, .tv_usec = 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawSocket() { close(fd_); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool connected() const { return connected_; }

  void Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t sent = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      ASSERT_GT(sent, 0) << "send failed";
      bytes.remove_prefix(static_cast<size_t>(sent));
    }
  }
  // Reads `size` bytes, fewer if the peer closes or the wait times out.
  std::string Read(size_t size) {
    std::string bytes;
    char buffer[4096];
    while (bytes.size() < size) {
      const ssize_t got = recv(fd_, buffer, std::min(sizeof(buffer), size - bytes.size()), 0);
      if (got <= 0) break;
      bytes.append(buffer, static_cast<size_t>(got));
    }
    return bytes;
  }
  // Whether the peer closed: the next read finds the end of the stream.
  bool Closed() {
    char byte;
    return recv(fd_, &byte, 1, 0) == 0;
  }

 private:
  int fd_;
  bool connected_ = false;
};

// The bytes a stream handed back, and whether the engine closed it.
struct StreamOutcome {
  std::string bytes;
  bool closed = false;
};

// Sends input to a fresh stream of host and collects what comes back once the engine has run it.
StreamOutcome RunOnStream(runtime::EngineHost& host, const std::string& input) {
  auto outcome = std::make_shared<StreamOutcome>();
  auto mutex = std::make_shared<std::mutex>();
  auto stream = host.OpenStream(
      [outcome, mutex](std::string bytes) {
        std::lock_guard lock(*mutex);
        outcome->bytes += bytes;
      },
      [outcome, mutex] {
        std::lock_guard lock(*mutex);
        outcome->closed = true;
      });
  stream->Write(input);
  host.Run([](engine::Engine&) {});  // the write has run once this returns
  stream->Close();
  std::lock_guard lock(*mutex);
  return *outcome;
}

// What a fresh connection answers to input: the stream's reply length of bytes, and whether it
// then closes. A connection left open is asked to ECHO a marker, which must come next.
void ExpectSocketAnswersAsTheStream(uint16_t port, const std::string& input,
                                    const StreamOutcome& expected, std::string_view server) {
  RawSocket socket(port);
  ASSERT_TRUE(socket.connected()) << server;
  socket.Send(input);
  EXPECT_EQ(socket.Read(expected.bytes.size()), expected.bytes) << server << ": " << input;
  if (expected.closed) {
    EXPECT_TRUE(socket.Closed()) << server << " did not close after: " << input;
    return;
  }
  socket.Send("ECHO marker\r\n");
  EXPECT_EQ(socket.Read(12), "$6\r\nmarker\r\n") << server << ": " << input;
}

TEST(EngineStreamE2eTest, StreamAnswersAsTheServersSocketDoes) {
  absl::StatusOr<ServerProcess> understudy = testing::StartUnderstudy();
  ASSERT_TRUE(understudy.ok()) << understudy.status();
  absl::StatusOr<ServerProcess> redis = testing::StartRedis();
  if (!redis.ok() && !absl::IsNotFound(redis.status())) FAIL() << redis.status();

  const std::vector<std::string> inputs = {
      "FLUSHALL\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
      "PING\r\nECHO \"a b\"\r\n\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
      "FLUSHALL\r\nMULTI\r\nINCR n\r\nLPUSH n x\r\nEXEC\r\nGET\r\nNOSUCH a b\r\n",
      "FLUSHALL\r\nCLIENT REPLY OFF\r\nSET k v\r\nCLIENT REPLY ON\r\nGET k\r\n",
      // UNSUBSCRIBE without names lists channels in Redis's hash order, which changes from one
      // redis-server to the next: by then only one is left.
      "SUBSCRIBE a b\r\nPING\r\nGET k\r\nUNSUBSCRIBE b\r\nUNSUBSCRIBE\r\n",
      "HELLO 4\r\n",
      "QUIT\r\nPING\r\n",
      "PING\r\n*1\r\n$x\r\n",
      "*x\r\n",
      "*1\r\nx\r\n",
      "set \"a\r\n",
      "*2\r\n$4\r\nECHO\r\n$-1\r\n",
      "*-1\r\n*0\r\nPING\r\n",
  };
  runtime::EngineHost host(engine::Config{});
  for (const std::string& input : inputs) {
    const StreamOutcome outcome = RunOnStream(host, input);
    ASSERT_FALSE(outcome.bytes.empty()) << input;
    ExpectSocketAnswersAsTheStream(understudy->port(), input, outcome, "understudy-server");
    if (redis.ok()) ExpectSocketAnswersAsTheStream(redis->port(), input, outcome, "redis-server");
  }
}

}  // namespace
}  // namespace understudy
