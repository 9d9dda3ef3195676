// The in-process byte stream: RESP in and out as over a socket to understudy-server. Expected
// bytes are what redis-server 7.0 sends for the same input over a socket.
#include "server/runtime/engine_stream.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "server/runtime/engine_host.h"

namespace understudy::runtime {
namespace {

using std::chrono::seconds;

// What a stream handed its client, collected on the engine's thread. Waits are bounded so a bug
// fails the test instead of hanging it.
class Receiver {
 public:
  EngineStream::OutputCallback output() {
    return [this](std::string bytes) {
      std::lock_guard lock(mutex_);
      bytes_ += bytes;
      ++batches_;
      changed_.notify_all();
    };
  }
  EngineStream::CloseCallback close() {
    return [this] {
      std::lock_guard lock(mutex_);
      ++closes_;
      changed_.notify_all();
    };
  }

  // Waits for `size` bytes and takes them.
  std::string Take(size_t size) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, seconds(10), [&] { return bytes_.size() >= size; })) {
      ADD_FAILURE() << "got only \"" << bytes_ << "\", wanted " << size << " bytes";
    }
    std::string taken = bytes_.substr(0, size);
    bytes_.erase(0, size);
    return taken;
  }
  // Takes what arrived so far.
  std::string TakeAll() {
    std::lock_guard lock(mutex_);
    return std::exchange(bytes_, "");
  }
  bool WaitClosed() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, seconds(10), [&] { return closes_ > 0; });
  }
  int closes() {
    std::lock_guard lock(mutex_);
    return closes_;
  }
  int batches() {
    std::lock_guard lock(mutex_);
    return batches_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string bytes_;
  int batches_ = 0;
  int closes_ = 0;
};

// Returns once the engine's thread has run everything posted before the call.
void Settle(EngineHost& host) {
  host.Run([](engine::Engine&) {});
}

// The bytes the request `expected` should be answered with, taken from a stream.
void ExpectReply(Receiver& receiver, std::string_view expected) {
  EXPECT_EQ(receiver.Take(expected.size()), expected);
}

TEST(EngineStreamTest, PipelinedRequestsSplitAnywhereGetByteExactReplies) {
  const std::string requests =
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n"
      "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
      "PING\r\n"
      "ECHO \"a b\"\r\n"
      "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"
      "\r\n"  // an empty inline line is skipped
      "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n";
  const std::string replies = "+OK\r\n$5\r\nhello\r\n+PONG\r\n$3\r\na b\r\n$0\r\n\r\n:1\r\n";
  for (const size_t piece : {1, 2, 3, 7, 13, 1000}) {
    EngineHost host(engine::Config{});
    Receiver receiver;
    auto stream = host.OpenStream(receiver.output(), receiver.close());
    for (size_t at = 0; at < requests.size(); at += piece)
      stream->Write(requests.substr(at, piece));
    ExpectReply(receiver, replies);
    Settle(host);
    EXPECT_EQ(receiver.TakeAll(), "") << "piece " << piece;
  }
}

TEST(EngineStreamTest, RequestsWrittenTogetherAreAnsweredInOneBatch) {
  EngineHost host(engine::Config{});
  Receiver receiver;
  auto stream = host.OpenStream(receiver.output());
  stream->Write("PING\r\nPING\r\nECHO x\r\n");
  ExpectReply(receiver, "+PONG\r\n+PONG\r\n$1\r\nx\r\n");
  EXPECT_EQ(receiver.batches(), 1);
}

TEST(EngineStreamTest, BlockedPopHoldsTheRequestsBehindItUntilServed) {
  EngineHost host(engine::Config{});
  Receiver waiter;
  Receiver pusher;
  auto a = host.OpenStream(waiter.output());
  auto b = host.OpenStream(pusher.output());
  a->Write("BLPOP q 0\r\nPING\r\n");
  Settle(host);
  EXPECT_EQ(waiter.TakeAll(), "");
  b->Write("LPUSH q v\r\n");
  ExpectReply(pusher, ":1\r\n");
  ExpectReply(waiter, "*2\r\n$1\r\nq\r\n$1\r\nv\r\n+PONG\r\n");
}

TEST(EngineStreamTest, PausedWritesHoldTheRequestsBehindThemUntilUnpause) {
  EngineHost host(engine::Config{});
  Receiver client;
  Receiver admin;
  auto a = host.OpenStream(client.output());
  auto b = host.OpenStream(admin.output());
  b->Write("CLIENT PAUSE 100000 WRITE\r\n");
  ExpectReply(admin, "+OK\r\n");
  a->Write("SET k v\r\nPING\r\n");
  Settle(host);
  EXPECT_EQ(client.TakeAll(), "");
  b->Write("CLIENT UNPAUSE\r\n");
  ExpectReply(admin, "+OK\r\n");
  ExpectReply(client, "+OK\r\n+PONG\r\n");
}

TEST(EngineStreamTest, Resp2SubscriberGetsMessagesInItsOutput) {
  EngineHost host(engine::Config{});
  Receiver subscriber;
  Receiver publisher;
  auto a = host.OpenStream(subscriber.output());
  auto b = host.OpenStream(publisher.output());
  a->Write("SUBSCRIBE ch\r\n");
  ExpectReply(subscriber, "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
  b->Write("PUBLISH ch hi\r\n");
  ExpectReply(publisher, ":1\r\n");
  ExpectReply(subscriber, "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
  a->Write("PING\r\n");  // the RESP2 Pub/Sub form
  ExpectReply(subscriber, "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
}

TEST(EngineStreamTest, Resp3SubscriberGetsPushesBetweenReplies) {
  EngineHost host(engine::Config{});
  Receiver subscriber;
  Receiver publisher;
  auto a = host.OpenStream(subscriber.output());
  auto b = host.OpenStream(publisher.output());
  a->Write("HELLO 3\r\n");
  Settle(host);
  EXPECT_EQ(subscriber.TakeAll().substr(0, 4), "%7\r\n");
  a->Write("SUBSCRIBE ch\r\nGET k\r\n");
  ExpectReply(subscriber, ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n_\r\n");
  b->Write("PUBLISH ch hi\r\n");
  ExpectReply(publisher, ":1\r\n");
  ExpectReply(subscriber, ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
}

TEST(EngineStreamTest, ReplyOffWritesNothing) {
  EngineHost host(engine::Config{});
  Receiver receiver;
  auto stream = host.OpenStream(receiver.output());
  stream->Write("CLIENT REPLY OFF\r\nPING\r\nSET k v\r\nCLIENT REPLY ON\r\nGET k\r\n");
  ExpectReply(receiver, "+OK\r\n$1\r\nv\r\n");
  Settle(host);
  EXPECT_EQ(receiver.TakeAll(), "");
}

TEST(EngineStreamTest, QuitAnswersThenCloses) {
  EngineHost host(engine::Config{});
  Receiver receiver;
  auto stream = host.OpenStream(receiver.output(), receiver.close());
  stream->Write("QUIT\r\nPING\r\n");
  ExpectReply(receiver, "+OK\r\n");
  ASSERT_TRUE(receiver.WaitClosed());
  stream->Write("PING\r\n");
  Settle(host);
  EXPECT_EQ(receiver.TakeAll(), "");
  EXPECT_EQ(receiver.closes(), 1);
}

TEST(EngineStreamTest, ClientKillFromAnotherStreamClosesIt) {
  EngineHost host(engine::Config{});
  Receiver victim;
  Receiver killer;
  auto a = host.OpenStream(victim.output(), victim.close());
  auto b = host.OpenStream(killer.output());
  b->Write("CLIENT KILL ID " + std::to_string(a->id()) + "\r\n");
  ExpectReply(killer, ":1\r\n");
  EXPECT_TRUE(victim.WaitClosed());
}

TEST(EngineStreamTest, ProtocolErrorsAreAnsweredAsRedisDoesThenClose) {
  const struct {
    std::string_view request;
    std::string_view reply;
  } cases[] = {
      {"*1\r\n$x\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"PING\r\n*x\r\nPING\r\n", "+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n"},
      {"*1\r\nx\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n"},
      {"set \"a\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
      {"*2\r\n$4\r\nECHO\r\n$-1\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
  };
  for (const auto& c : cases) {
    EngineHost host(engine::Config{});
    Receiver receiver;
    auto stream = host.OpenStream(receiver.output(), receiver.close());
    stream->Write(std::string(c.request));
    ExpectReply(receiver, c.reply);
    EXPECT_TRUE(receiver.WaitClosed()) << c.request;
    Settle(host);
    EXPECT_EQ(receiver.TakeAll(), "") << c.request;
  }
}

TEST(EngineStreamTest, BulkOverProtoMaxBulkLenIsAProtocolError) {
  engine::Config config;
  config.proto_max_bulk_len = 1000;
  EngineHost host(config);
  Receiver receiver;
  auto stream = host.OpenStream(receiver.output(), receiver.close());
  stream->Write("*2\r\n$4\r\nECHO\r\n$1000\r\n" + std::string(1000, 'x') + "\r\n");
  ExpectReply(receiver, "$1000\r\n" + std::string(1000, 'x') + "\r\n");
  stream->Write("*2\r\n$4\r\nECHO\r\n$1001\r\n");
  ExpectReply(receiver, "-ERR Protocol error: invalid bulk length\r\n");
  EXPECT_TRUE(receiver.WaitClosed());
}

TEST(EngineStreamTest, InputOverTheQueryBufferLimitClosesWithoutAReply) {
  engine::Config config;
  config.client_query_buffer_limit = 4096;
  EngineHost host(config);
  Receiver receiver;
  auto stream = host.OpenStream(receiver.output(), receiver.close());
  stream->Write("*2\r\n$4\r\nECHO\r\n$10000\r\n");
  for (int i = 0; i < 5; ++i) stream->Write(std::string(1000, 'x'));
  EXPECT_TRUE(receiver.WaitClosed());
  Settle(host);
  EXPECT_EQ(receiver.TakeAll(), "");
}

constexpr std::string_view kBusy =
    "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";
constexpr std::string_view kKilled =
    "-ERR Script killed by user with SCRIPT KILL... script: "
    "694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7, on @user_script:1.\r\n";

// The loop is served from inside a busy script: other streams are answered BUSY, the script's
// own stream keeps what it writes meanwhile for after the script.
TEST(EngineStreamTest, BusyScriptServesOtherStreamsAndHoldsItsOwnRequests) {
  engine::Config config;
  config.busy_reply_threshold_ms = 10;
  EngineHost host(config);
  Receiver runner;
  Receiver other;
  auto a = host.OpenStream(runner.output());
  auto b = host.OpenStream(other.output());
  a->Write("EVAL \"while true do end\" 0\r\n");
  b->Write("PING\r\n");  // runs once the script is busy, from inside it
  ExpectReply(other, kBusy);
  a->Write("PING\r\n");
  b->Write("SCRIPT KILL\r\n");
  ExpectReply(other, "+OK\r\n");
  ExpectReply(runner, std::string(kKilled) + "+PONG\r\n");
}

TEST(EngineStreamTest, CloseDuringItsBusyScriptWaitsForTheScript) {
  engine::Config config;
  config.busy_reply_threshold_ms = 10;
  EngineHost host(config);
  Receiver runner;
  Receiver other;
  auto a = host.OpenStream(runner.output(), runner.close());
  auto b = host.OpenStream(other.output());
  const std::string id_field = "id=" + std::to_string(a->id()) + " ";
  a->Write("EVAL \"while true do end\" 0\r\n");
  b->Write("PING\r\n");
  ExpectReply(other, kBusy);
  a->Close();
  b->Write("SCRIPT KILL\r\n");
  ExpectReply(other, "+OK\r\n");
  b->Write("CLIENT LIST\r\n");
  Settle(host);
  EXPECT_EQ(other.TakeAll().find(id_field), std::string::npos);
  EXPECT_EQ(runner.TakeAll(), "");
  EXPECT_EQ(runner.closes(), 0);
}

TEST(EngineStreamTest, HostShutdownClosesOpenStreams) {
  Receiver receiver;
  {
    EngineHost host(engine::Config{});
    auto stream = host.OpenStream(receiver.output(), receiver.close());
    stream->Write("BLPOP q 0\r\n");
    Settle(host);
  }
  EXPECT_EQ(receiver.closes(), 1);
  EXPECT_EQ(receiver.TakeAll(), "");
}

TEST(EngineStreamTest, ClientCloseUnregistersAndStopsCallbacks) {
  EngineHost host(engine::Config{});
  Receiver leaving;
  Receiver watcher;
  auto a = host.OpenStream(leaving.output(), leaving.close());
  auto b = host.OpenStream(watcher.output());
  const std::string id_field = "id=" + std::to_string(a->id()) + " ";
  b->Write("CLIENT LIST\r\n");
  Settle(host);
  EXPECT_NE(watcher.TakeAll().find(id_field), std::string::npos);
  a->Write("BLPOP q 0\r\n");
  a->Close();
  b->Write("CLIENT LIST\r\nLPUSH q v\r\n");
  Settle(host);
  const std::string list = watcher.TakeAll();
  EXPECT_EQ(list.find(id_field), std::string::npos) << list;
  EXPECT_EQ(list.substr(list.size() - 4), ":1\r\n");  // nobody took the pushed value
  a->Write("PING\r\n");
  Settle(host);
  EXPECT_EQ(leaving.TakeAll(), "");
  EXPECT_EQ(leaving.closes(), 0);
}

}  // namespace
}  // namespace understudy::runtime
