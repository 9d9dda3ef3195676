// Timeouts, failed connections, and servers killed and restarted under a client.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "asio/co_spawn.hpp"
#include "asio/io_context.hpp"
#include "asio/use_awaitable.hpp"
#include "client/async_client.h"
#include "client/client.h"
#include "client/error.h"
#include "client/pool.h"
#include "client/subscriber.h"
#include "gtest/gtest.h"
#include "tests/client/async_test_util.h"
#include "tests/client/client_fixture.h"
#include "tests/support/server_process.h"

namespace understudy::client {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Backend;
using testing::ClientTest;
using testing::RunUntil;

constexpr auto kPatience = seconds(20);

// Calls `attempt` until it returns true or the patience runs out.
template <typename Attempt>
bool Eventually(Attempt attempt) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < deadline) {
    if (attempt()) return true;
    std::this_thread::yield();
  }
  return false;
}

bool WaitForBlockedClients(Client& client, int count) {
  const std::string wanted = "blocked_clients:" + std::to_string(count);
  return Eventually([&] { return client.info("clients").find(wanted) != std::string::npos; });
}

template <typename Fn>
ErrorKind KindOfFailure(Fn fn) {
  try {
    fn();
  } catch (const Error& error) {
    return error.kind();
  }
  ADD_FAILURE() << "expected an Error";
  return ErrorKind::kConfig;
}

// ---- command timeouts, every backend

class TimeoutTest : public ClientTest {};

TEST_P(TimeoutTest, TimedOutCommandNeverHandsItsLateReplyToTheNext) {
  Options impatient = options();
  impatient.command_timeout = milliseconds(200);
  Client client(impatient);
  Client other(options());
  client.set("mine", "m");
  Request forever;
  forever.Add("BLPOP", "queue", 0);
  try {
    client.execute(forever);
    FAIL() << "a BLPOP nobody serves must time out";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kTimeout) << error.what();
    EXPECT_FALSE(error.retry_safe());
  }
  // A reply to the BLPOP now would arrive late; the next command must get its own.
  other.rpush("queue", "late");
  EXPECT_EQ(client.get("mine"), "m");
  EXPECT_EQ(client.ping(), "PONG");
}

TEST_P(TimeoutTest, PausedWritesTimeOutAndReadsStillAnswer) {
  Options impatient = options();
  impatient.command_timeout = milliseconds(200);
  Client client(impatient);
  Client admin(options());
  client.set("k", "before");
  admin.command("CLIENT", "PAUSE", 20000, "WRITE");
  EXPECT_EQ(KindOfFailure([&] { client.set("k", "during"); }), ErrorKind::kTimeout);
  EXPECT_EQ(client.get("k"), "before");  // reconnected; reads are not paused
  admin.command("CLIENT", "UNPAUSE");
  EXPECT_TRUE(client.set("k", "after"));
  EXPECT_EQ(client.get("k"), "after");
}

TEST_P(TimeoutTest, PerRequestTimeoutOverridesTheDefault) {
  Options patient = options();
  patient.command_timeout = seconds(60);
  Client client(patient);
  Request blocked;
  blocked.Add("BLPOP", "queue", 0);
  blocked.set_timeout(milliseconds(100));
  EXPECT_EQ(KindOfFailure([&] { client.execute(blocked); }), ErrorKind::kTimeout);
  EXPECT_EQ(client.ping(), "PONG");
}

// A command queued while the connection is still being set up keeps its timeout.
TEST_P(TimeoutTest, AsyncCommandQueuedWhileConnectingTimesOut) {
  Options impatient = options();
  impatient.command_timeout = milliseconds(200);
  asio::io_context io;
  AsyncClient client(io.get_executor(), impatient);
  bool connected = false;
  std::exception_ptr failure;
  bool answered = false;
  client.async_connect([&](std::exception_ptr error) {
    EXPECT_FALSE(error);
    connected = true;
  });
  client.async_command(Command("BLPOP", "queue", 0), [&](std::exception_ptr error, resp::Reply) {
    failure = error;
    answered = true;
  });
  ASSERT_TRUE(RunUntil(io, [&] { return answered; })) << "the command never timed out";
  EXPECT_TRUE(connected);
  ASSERT_TRUE(failure);
  EXPECT_EQ(KindOfFailure([&] { std::rethrow_exception(failure); }), ErrorKind::kTimeout);
}

// The AsyncClient reconnects by itself after a timeout, and later commands get their replies.
TEST_P(TimeoutTest, AsyncClientRecoversAfterATimeout) {
  Options impatient = options();
  impatient.command_timeout = milliseconds(200);
  impatient.reconnect.initial_delay = milliseconds(10);
  asio::io_context io;
  AsyncClient client(io.get_executor(), impatient);
  std::exception_ptr timeout;
  bool timed_out = false;
  client.async_connect([&](std::exception_ptr error) {
    ASSERT_FALSE(error);
    client.async_command(Command("BLPOP", "queue", 0), [&](std::exception_ptr error, resp::Reply) {
      timeout = error;
      timed_out = true;
    });
  });
  ASSERT_TRUE(RunUntil(io, [&] { return timed_out; }));
  EXPECT_EQ(KindOfFailure([&] { std::rethrow_exception(timeout); }), ErrorKind::kTimeout);
  ASSERT_TRUE(RunUntil(io, [&] { return client.connected(); }));
  const testing::CommandOutcome echoed = testing::RunCommand(io, client, Command("ECHO", "mine"));
  ASSERT_TRUE(echoed.finished);
  EXPECT_FALSE(echoed.error);
  EXPECT_EQ(echoed.reply, resp::Reply::Bulk("mine"));
}

// A command behind one that may wait for ever (a blocking pop with no timeout) still times out
// after its own command timeout.
TEST_P(TimeoutTest, CommandQueuedBehindAnEndlessOneKeepsItsTimeout) {
  Options impatient = options();
  impatient.command_timeout = milliseconds(200);
  asio::io_context io;
  AsyncClient client(io.get_executor(), impatient);
  std::vector<ErrorKind> kinds(2, ErrorKind::kConfig);
  int answered = 0;
  client.async_connect([&](std::exception_ptr error) {
    ASSERT_FALSE(error);
    Request endless;
    endless.Add("BLPOP", "queue", 0);
    endless.set_timeout(milliseconds(0));
    client.async_execute(std::move(endless),
                         [&](std::exception_ptr error, std::vector<resp::Reply>) {
                           ASSERT_TRUE(error);
                           kinds[0] = KindOfFailure([&] { std::rethrow_exception(error); });
                           ++answered;
                         });
    client.async_command(Command("GET", "k"), [&](std::exception_ptr error, resp::Reply) {
      ASSERT_TRUE(error);
      kinds[1] = KindOfFailure([&] { std::rethrow_exception(error); });
      ++answered;
    });
  });
  ASSERT_TRUE(RunUntil(io, [&] { return answered == 2; })) << "the GET never timed out";
  EXPECT_EQ(kinds[0], ErrorKind::kConnectionLost);  // closed because the GET timed out
  EXPECT_EQ(kinds[1], ErrorKind::kTimeout);
}

UNDERSTUDY_CLIENT_BACKENDS(TimeoutTest);

// ---- connecting to nothing, or to something that does not answer

TEST(ConnectFailureTest, RefusedIsKindConnectionRefusedAndRetrySafe) {
  const absl::StatusOr<uint16_t> port = understudy::testing::FreeLoopbackPort();
  ASSERT_TRUE(port.ok()) << port.status();
  Options nowhere;
  nowhere.port = *port;
  Client client(nowhere);
  try {
    client.connect();
    FAIL() << "nothing listens on " << *port;
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kConnectionRefused) << error.what();
    EXPECT_TRUE(error.retry_safe());
    EXPECT_NE(std::string_view(error.what()).find(std::to_string(*port)), std::string_view::npos);
  }
  // Within the backoff the next call fails at once without trying.
  EXPECT_EQ(KindOfFailure([&] { client.ping(); }), ErrorKind::kNotConnected);
}

// A listening socket that never accepts: TCP connects (the kernel completes the handshake) but
// no HELLO is ever answered. The connect timeout must cover that.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(fd_, 16) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
    }
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() {
    if (fd_ >= 0) close(fd_);
  }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

TEST(ConnectFailureTest, ServerThatNeverAnswersTheHandshakeTimesOut) {
  SilentListener silent;
  for (const ProtocolChoice protocol : {ProtocolChoice::kResp2, ProtocolChoice::kAuto}) {
    Options options;
    options.port = silent.port();
    options.protocol = protocol;
    options.password = "needs-a-roundtrip";  // so that RESP2 sends AUTH at setup too
    options.connect_timeout = milliseconds(200);
    Client client(options);
    try {
      client.connect();
      FAIL() << "the handshake was never answered";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kConnectTimeout) << error.what();
      EXPECT_TRUE(error.retry_safe());
    }
  }
}

TEST(ConnectFailureTest, AsyncConnectToASilentServerTimesOut) {
  SilentListener silent;
  Options options;
  options.port = silent.port();
  options.connect_timeout = milliseconds(200);
  asio::io_context io;
  AsyncClient client(io.get_executor(), options);
  std::exception_ptr failure;
  bool done = false;
  client.async_connect([&](std::exception_ptr error) {
    failure = error;
    done = true;
  });
  ASSERT_TRUE(RunUntil(io, [&] { return done; }));
  ASSERT_TRUE(failure);
  EXPECT_EQ(KindOfFailure([&] { std::rethrow_exception(failure); }), ErrorKind::kConnectTimeout);
}

// ---- servers killed and restarted on the same port (real servers only)

class RestartTest : public ClientTest {
 protected:
  void KillServer() { server()->Kill(); }
  void RestartServer() {
    const absl::Status restarted = server()->Restart();
    ASSERT_TRUE(restarted.ok()) << restarted;
  }
  Options FastReconnect() const {
    Options fast = options();
    fast.reconnect.initial_delay = milliseconds(10);
    fast.reconnect.max_delay = milliseconds(100);
    return fast;
  }
};

TEST_P(RestartTest, CommandInFlightGetsConnectionLostNeverAnotherReply) {
  Client client(options());
  Client watcher(options());
  client.set("mine", "m");
  std::atomic<bool> killed{false};
  std::thread killer([&] {
    ASSERT_TRUE(WaitForBlockedClients(watcher, 1));
    KillServer();
    killed = true;
  });
  Request blocked;
  blocked.Add("BLPOP", "queue", 0).Add("GET", "mine");
  try {
    client.execute(blocked);
    ADD_FAILURE() << "the server died under the BLPOP";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kConnectionLost) << error.what();
    EXPECT_FALSE(error.retry_safe());
  }
  killer.join();
  EXPECT_TRUE(killed);
}

TEST_P(RestartTest, AsyncCommandsInFlightAllFailWithConnectionLost) {
  asio::io_context io;
  AsyncClient client(io.get_executor(), options());
  Client watcher(options());
  bool connected = false;
  client.async_connect([&](std::exception_ptr error) {
    ASSERT_FALSE(error);
    connected = true;
  });
  ASSERT_TRUE(RunUntil(io, [&] { return connected; }));
  constexpr int kBehind = 20;
  std::vector<ErrorKind> kinds;
  int answered = 0;
  const auto record = [&](std::exception_ptr error, resp::Reply reply) {
    ++answered;
    if (!error) {
      ADD_FAILURE() << "a reply came after the server died: " << reply;
      return;
    }
    kinds.push_back(KindOfFailure([&] { std::rethrow_exception(error); }));
  };
  client.async_command(Command("BLPOP", "queue", 0), record);
  for (int i = 0; i < kBehind; ++i) client.async_command(Command("GET", "k"), record);
  std::thread killer([&] {
    ASSERT_TRUE(WaitForBlockedClients(watcher, 1));
    KillServer();
  });
  ASSERT_TRUE(RunUntil(io, [&] { return answered == kBehind + 1; }));
  killer.join();
  for (const ErrorKind kind : kinds) EXPECT_EQ(kind, ErrorKind::kConnectionLost);
}

TEST_P(RestartTest, SyncClientReconnectsOnTheNextCallAfterARestart) {
  Client client(options());
  client.set("k", "v");
  KillServer();
  RestartServer();
  // The client notices the closed connection before sending and opens a new one.
  EXPECT_EQ(client.get("k"), std::nullopt);  // a fresh server: the data is gone
  EXPECT_TRUE(client.set("k", "again"));
  EXPECT_EQ(client.get("k"), "again");
}

TEST_P(RestartTest, SyncClientFailsWhileDownThenRecovers) {
  Options fast = FastReconnect();
  Client client(fast);
  client.ping();
  KillServer();
  const ErrorKind down = KindOfFailure([&] { client.ping(); });
  EXPECT_TRUE(down == ErrorKind::kConnectionRefused || down == ErrorKind::kNotConnected ||
              down == ErrorKind::kConnectionLost)
      << ErrorKindName(down);
  RestartServer();
  EXPECT_TRUE(Eventually([&] {
    try {
      return client.ping() == "PONG";
    } catch (const Error& error) {
      EXPECT_TRUE(error.retry_safe()) << error.what();
      return false;
    }
  }));
}

TEST_P(RestartTest, AsyncClientReconnectsByItself) {
  asio::io_context io;
  Options fast = FastReconnect();
  fast.client_name = "comes-back";
  AsyncClient client(io.get_executor(), fast);
  bool connected = false;
  client.async_connect([&](std::exception_ptr error) {
    ASSERT_FALSE(error);
    connected = true;
  });
  ASSERT_TRUE(RunUntil(io, [&] { return connected; }));
  KillServer();
  ASSERT_TRUE(RunUntil(io, [&] { return !client.connected(); }));
  RestartServer();
  ASSERT_TRUE(RunUntil(io, [&] { return client.connected(); })) << "no reconnection by itself";
  resp::Reply name;
  bool done = false;
  client.async_command(Command("CLIENT", "GETNAME"), [&](std::exception_ptr error, resp::Reply reply) {
    EXPECT_FALSE(error);
    name = std::move(reply);
    done = true;
  });
  ASSERT_TRUE(RunUntil(io, [&] { return done; }));
  EXPECT_EQ(name.str, "comes-back");  // the setup was restored
}

TEST_P(RestartTest, SubscriberResubscribesAfterARestart) {
  std::mutex mutex;
  std::vector<std::string> received;
  const auto collect = [&](const Message& message) {
    std::lock_guard lock(mutex);
    received.push_back(message.channel + "=" + message.payload);
  };
  const auto count = [&] {
    std::lock_guard lock(mutex);
    return received.size();
  };
  Subscriber subscriber(FastReconnect());
  subscriber.subscribe({"news"}, collect);
  subscriber.psubscribe({"alerts.*"}, collect);
  Client publisher(FastReconnect());
  EXPECT_EQ(publisher.publish("news", "before"), 1);
  ASSERT_TRUE(Eventually([&] { return count() == 1; }));

  KillServer();
  RestartServer();
  // Publish until the subscriber is back and subscribed to both again.
  ASSERT_TRUE(Eventually([&] {
    try {
      return publisher.publish("news", "probe") == 1 &&
             publisher.publish("alerts.fire", "probe") == 1;
    } catch (const Error&) {
      return false;
    }
  }));
  EXPECT_EQ(publisher.publish("news", "after"), 1);
  EXPECT_EQ(publisher.publish("alerts.fire", "after"), 1);
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard lock(mutex);
    return std::count(received.begin(), received.end(), "news=after") == 1 &&
           std::count(received.begin(), received.end(), "alerts.fire=after") == 1;
  }));
  EXPECT_TRUE(subscriber.connected());
}

TEST_P(RestartTest, PoolNeverHandsOutABrokenConnection) {
  constexpr size_t kSize = 4;
  ClientPool pool(options(), PoolOptions{.max_size = kSize});
  {
    std::vector<ClientPool::Lease> leases;
    for (size_t i = 0; i < kSize; ++i) {
      leases.push_back(pool.acquire());
      leases.back()->set("k" + std::to_string(i), "v");
    }
  }
  KillServer();
  RestartServer();
  std::vector<ClientPool::Lease> leases;
  for (size_t i = 0; i < kSize; ++i) leases.push_back(pool.acquire());
  for (ClientPool::Lease& lease : leases) {
    EXPECT_EQ(lease->ping(), "PONG");  // the first command on each works
  }
  EXPECT_EQ(pool.open_count(), kSize);
}

INSTANTIATE_TEST_SUITE_P(Servers, RestartTest,
                         ::testing::Values(Backend::kRedis, Backend::kUnderstudy),
                         testing::BackendName);

}  // namespace
}  // namespace understudy::client
