// understudy-server against hostile clients: what each costs is measured on the server's own
// memory (VmRSS and VmHWM from /proc), and the limits that close clients (query buffer, output
// buffer, maxclients, idle timeout) are checked end to end; protected mode, which needs a peer on
// another address, is tested on addresses in tests/server. Every wait is a
// bounded poll; no test asserts a timing.

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/support/sync_connection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/server_process.h"

namespace understudy::testing {
namespace {

using testing::SyncConnection;
using resp::Reply;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kKb = 1024;
constexpr int64_t kMb = 1024 * 1024;
using std::chrono::milliseconds;

// Polls `done` every 50 ms for up to `timeout`; returns whether it turned true.
template <typename Predicate>
bool WaitFor(Predicate done, milliseconds timeout = milliseconds(10'000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return true;
}

// A raw non-blocking client for hostile behaviour: it sends what the kernel takes and never
// reads its replies.
class RawClient {
 public:
  static absl::StatusOr<RawClient> Connect(uint16_t port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return absl::InternalError("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd);
      return absl::UnavailableError(absl::StrCat("connect to port ", port, " failed"));
    }
    return RawClient(fd);
  }
  RawClient(RawClient&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ~RawClient() {
    if (fd_ >= 0) close(fd_);
  }

  // Sends as much of bytes as the socket takes now; returns how much that was.
  size_t SendSome(std::string_view bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n =
          send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    return sent;
  }

  // Whether the server closed (or reset) the connection, leaving its data unread.
  bool Closed() const {
    pollfd p{fd_, POLLRDHUP, 0};
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }

 private:
  explicit RawClient(int fd) : fd_(fd) {}
  int fd_;
};

std::string Command(const std::vector<std::string_view>& args) {
  return testing::EncodeCommand(args);
}

// One field of INFO, as an integer (-1 if missing).
int64_t InfoField(SyncConnection& conn, std::string_view field) {
  absl::StatusOr<Reply> info = conn.Command({"INFO"});
  if (!info.ok()) return -1;
  for (absl::string_view line : absl::StrSplit(info->str, "\r\n")) {
    if (absl::ConsumePrefix(&line,
                            absl::StrCat(absl::string_view(field.data(), field.size()), ":"))) {
      int64_t value;
      if (absl::SimpleAtoi(line, &value)) return value;
    }
  }
  return -1;
}

// Waits until the server has stopped running commands (the count holds still for three polls
// in a row); returns the count.
int64_t SettledCommandCount(SyncConnection& conn) {
  int64_t last = -2;
  int still = 0;
  WaitFor([&] {
    const int64_t now = InfoField(conn, "total_commands_processed");
    still = now - last <= 1 ? still + 1 : 0;  // the INFO asking counts itself
    last = now;
    return still >= 3;
  });
  return last;
}

std::string Ok(const absl::StatusOr<Reply>& reply) {
  return reply.ok() ? resp::ToString(*reply) : reply.status().ToString();
}

class LimitsTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> args = {}) {
    absl::StatusOr<ServerProcess> server = StartUnderstudy(std::move(args));
    ASSERT_TRUE(server.ok()) << server.status();
    server_.emplace(*std::move(server));
    absl::StatusOr<SyncConnection> control = server_->Connect();
    ASSERT_TRUE(control.ok()) << control.status();
    control_.emplace(*std::move(control));
  }

  int64_t Resident() {
    absl::StatusOr<ServerProcess::Memory> memory = server_->ReadMemory();
    EXPECT_TRUE(memory.ok()) << memory.status();
    return memory.ok() ? memory->resident : 0;
  }

  std::vector<RawClient> RawClients(int n) {
    std::vector<RawClient> clients;
    for (int i = 0; i < n; ++i) {
      absl::StatusOr<RawClient> raw = RawClient::Connect(server_->port());
      EXPECT_TRUE(raw.ok()) << raw.status();
      if (raw.ok()) clients.push_back(*std::move(raw));
    }
    return clients;
  }

  std::optional<ServerProcess> server_;
  std::optional<SyncConnection> control_;
};

TEST_F(LimitsTest, ClientsThatDoNotReadCostAboutThePauseThreshold) {
  Start();
  constexpr int kClients = 20;
  constexpr int kGets = 2000;
  constexpr int64_t kValue = 100 * kKb;
  ASSERT_EQ(Ok(control_->Command({"SET", "v", std::string(kValue, 'v')})), "+OK");
  absl::StatusOr<Reply> threshold_reply =
      control_->Command({"CONFIG", "GET", "client-output-pause-threshold"});
  ASSERT_TRUE(threshold_reply.ok() && threshold_reply->elements.size() == 2);
  int64_t threshold;
  ASSERT_TRUE(absl::SimpleAtoi(threshold_reply->elements[1].str, &threshold));
  const int64_t before = InfoField(*control_, "total_commands_processed");
  const int64_t baseline = Resident();

  std::string pipeline;
  for (int i = 0; i < kGets; ++i) pipeline += Command({"GET", "v"});
  std::vector<RawClient> clients = RawClients(kClients);
  for (RawClient& client : clients) client.SendSome(pipeline);
  const int64_t ran = SettledCommandCount(*control_) - before;
  const int64_t resident = Resident();

  // Each client holds at most the threshold and one reply more, and its input buffer; allow
  // as much again for the allocator.
  const int64_t per_client = 2 * (threshold + kValue + 64 * kKb);
  EXPECT_LT(resident - baseline, kClients * per_client + 8 * kMb)
      << "baseline " << baseline << ", with " << kClients << " clients " << resident;
  // Most of the pipeline waits: the kernel's socket buffers took a few replies each.
  EXPECT_LT(ran, kClients * kGets / 2);
  EXPECT_EQ(Ok(control_->Command({"PING"})), "+PONG");
  for (RawClient& client : clients) EXPECT_FALSE(client.Closed());
}

TEST_F(LimitsTest, AnnouncedBulksCostOnlyWhatArrived) {
  Start();
  constexpr int kClients = 10;
  const int64_t baseline = Resident();
  std::vector<RawClient> clients = RawClients(kClients);
  const std::string start = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$104857600\r\n" + std::string(kKb, 'x');
  for (RawClient& client : clients) ASSERT_EQ(client.SendSome(start), start.size());
  // Until every client is known to the server, then a little longer for their bytes.
  ASSERT_TRUE(WaitFor([&] { return InfoField(*control_, "connected_clients") == kClients + 1; }));
  int64_t resident = 0;
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(Ok(control_->Command({"PING"})), "+PONG");
    resident = std::max(resident, Resident());
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_LT(resident - baseline, 4 * kMb) << "10 clients announcing 100 MB each";
}

TEST_F(LimitsTest, ALargeBulkIsReadInPlace) {
  Start();
  constexpr int64_t kSize = 64 * kMb;
  const int64_t baseline = Resident();
  // EXISTS keeps nothing of its argument: what the server held is the input alone.
  ASSERT_EQ(Ok(control_->Command({"EXISTS", std::string(kSize, 'k')})), ":0");
  absl::StatusOr<ServerProcess::Memory> memory = server_->ReadMemory();
  ASSERT_TRUE(memory.ok()) << memory.status();
  // Read into storage of its announced size; a buffer doubling as bytes arrive would have held
  // its old and new copies at once, about 1.5 times the argument.
  EXPECT_LT(memory->peak_resident - baseline, kSize + kSize / 4)
      << "peak " << memory->peak_resident << " over a baseline of " << baseline;
  // The storage is given back once the command ran.
  EXPECT_TRUE(WaitFor([&] { return Resident() - baseline < 8 * kMb; }))
      << "resident " << Resident() << " over a baseline of " << baseline;
}

TEST_F(LimitsTest, ALargeValueIsStoredWithoutACopy) {
  Start();
  constexpr int64_t kSize = 64 * kMb;
  std::string value(kSize, 'v');
  value.replace(0, 5, "first");
  value.replace(kSize - 4, 4, "last");
  const int64_t baseline = Resident();
  absl::StatusOr<SyncConnection> writer = server_->Connect();
  ASSERT_TRUE(writer.ok()) << writer.status();
  // Requests after the bulk in the same write are served from where the store left them.
  ASSERT_TRUE(writer->WriteRaw(Command({"SET", "k", value}) + Command({"STRLEN", "k"}) +
                               Command({"GETRANGE", "k", "0", "4"}) +
                               Command({"GETRANGE", "k", "-4", "-1"}))
                  .ok());
  EXPECT_EQ(Ok(writer->ReadReply()), "+OK");
  EXPECT_EQ(Ok(writer->ReadReply()), absl::StrCat(":", kSize));
  EXPECT_EQ(Ok(writer->ReadReply()), "\"first\"");
  EXPECT_EQ(Ok(writer->ReadReply()), "\"last\"");
  absl::StatusOr<ServerProcess::Memory> memory = server_->ReadMemory();
  ASSERT_TRUE(memory.ok()) << memory.status();
  // The value keeps the storage the bulk was read into: one copy, never two.
  EXPECT_LT(memory->peak_resident - baseline, kSize + kSize / 4)
      << "peak " << memory->peak_resident << " over a baseline of " << baseline;

  // Growing it moves it to the heap; deleting it gives everything back.
  EXPECT_EQ(Ok(writer->Command({"APPEND", "k", "+"})), absl::StrCat(":", kSize + 1));
  EXPECT_EQ(Ok(writer->Command({"GETRANGE", "k", "-5", "-1"})), "\"last+\"");
  EXPECT_EQ(Ok(writer->Command({"DEL", "k"})), ":1");
  EXPECT_TRUE(WaitFor([&] { return Resident() - baseline < 8 * kMb; }))
      << "resident " << Resident() << " over a baseline of " << baseline;

  // A value replaced within its own command leaves the bulk with the connection, which serves
  // the requests after it.
  ASSERT_TRUE(writer->WriteRaw(Command({"MSET", "k", value, "k", "small"}) +
                               Command({"GET", "k"}))
                  .ok());
  EXPECT_EQ(Ok(writer->ReadReply()), "+OK");
  EXPECT_EQ(Ok(writer->ReadReply()), "\"small\"");
  EXPECT_EQ(Ok(control_->Command({"PING"})), "+PONG");
}

TEST_F(LimitsTest, ShutdownStopsTheServer) {
  Start();
  // Nothing can be saved yet: an explicit SAVE fails unless forced, and the server stays.
  EXPECT_EQ(Ok(control_->Command({"SHUTDOWN", "SAVE"})),
            "-ERR Errors trying to SHUTDOWN. Check logs.");
  EXPECT_EQ(Ok(control_->Command({"PING"})), "+PONG");
  absl::StatusOr<SyncConnection> other = server_->Connect();
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE(control_->WriteRaw(Command({"SHUTDOWN", "NOSAVE"})).ok());
  EXPECT_FALSE(control_->ReadReply().ok());  // no reply: the connection closes
  EXPECT_FALSE(other->ReadReply().ok());     // and so do the others
  EXPECT_TRUE(WaitFor([&] { return !server_->Alive().ok(); }));
  EXPECT_THAT(server_->Alive().message(), HasSubstr("exited with code 0"));
}

TEST_F(LimitsTest, AQueryOverTheLimitClosesTheClient) {
  Start();
  ASSERT_EQ(Ok(control_->Command({"CONFIG", "SET", "client-query-buffer-limit", "1mb"})), "+OK");
  std::vector<RawClient> clients = RawClients(1);
  ASSERT_EQ(clients.size(), 1u);
  const std::string request = Command({"SET", "k", std::string(2 * kMb, 'x')});
  size_t sent = 0;
  EXPECT_TRUE(WaitFor([&] {
    sent += clients[0].SendSome(std::string_view(request).substr(sent));
    return clients[0].Closed();
  }));
  EXPECT_EQ(Ok(control_->Command({"EXISTS", "k"})), ":0");
  EXPECT_THAT(server_->Output(), HasSubstr("Closing client that reached max query buffer length"));
}

TEST_F(LimitsTest, OutputOverTheHardLimitClosesTheClient) {
  Start();
  ASSERT_EQ(
      Ok(control_->Command({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"})),
      "+OK");
  ASSERT_EQ(Ok(control_->Command({"SET", "big", std::string(2 * kMb, 'b')})), "+OK");
  absl::StatusOr<SyncConnection> reader = server_->Connect();
  ASSERT_TRUE(reader.ok()) << reader.status();
  // One reply over the limit: the client is closed without it.
  ASSERT_TRUE(reader->WriteRaw(Command({"GET", "big"})).ok());
  EXPECT_FALSE(reader->ReadReply().ok());
  EXPECT_TRUE(reader->closed());
  EXPECT_THAT(server_->Output(), HasSubstr("for overcoming of output buffer limits"));
  EXPECT_EQ(Ok(control_->Command({"PING"})), "+PONG");
}

TEST_F(LimitsTest, PausedPipelinesStayUnderAHigherOutputLimit) {
  Start();
  ASSERT_EQ(Ok(control_->Command({"CONFIG", "SET", "client-output-buffer-limit", "normal 4mb 0 0",
                                  "client-output-pause-threshold", "1mb"})),
            "+OK");
  ASSERT_EQ(Ok(control_->Command({"SET", "v", std::string(100 * kKb, 'v')})), "+OK");
  std::string pipeline;
  for (int i = 0; i < 500; ++i) pipeline += Command({"GET", "v"});
  std::vector<RawClient> paused = RawClients(1);
  ASSERT_EQ(paused.size(), 1u);
  paused[0].SendSome(pipeline);
  SettledCommandCount(*control_);
  EXPECT_FALSE(paused[0].Closed()) << "the pause kept its unsent output under the limit";

  // Without the pause, the same client passes the limit and is closed.
  ASSERT_EQ(Ok(control_->Command({"CONFIG", "SET", "client-output-pause-threshold", "0"})), "+OK");
  std::vector<RawClient> unpaused = RawClients(1);
  ASSERT_EQ(unpaused.size(), 1u);
  unpaused[0].SendSome(pipeline);
  EXPECT_TRUE(WaitFor([&] { return unpaused[0].Closed(); }));
}

TEST_F(LimitsTest, MaxClientsRefusesTheOneTooMany) {
  Start({"--maxclients", "2"});
  // The start-up probe's connection must be gone before counting.
  ASSERT_TRUE(WaitFor([&] { return InfoField(*control_, "connected_clients") == 1; }));
  absl::StatusOr<SyncConnection> second = server_->Connect();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(Ok(second->Command({"PING"})), "+PONG");
  absl::StatusOr<SyncConnection> third = server_->Connect();
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(Ok(third->ReadReply()), "-ERR max number of clients reached");
  EXPECT_FALSE(third->ReadReply().ok());
  EXPECT_TRUE(third->closed());

  second = absl::UnavailableError("closed by the test");
  ASSERT_TRUE(WaitFor([&] { return InfoField(*control_, "connected_clients") == 1; }));
  absl::StatusOr<SyncConnection> again = server_->Connect();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Ok(again->Command({"PING"})), "+PONG");
}

TEST_F(LimitsTest, IdleClientsAreClosedAfterTheTimeout) {
  Start({"--timeout", "1"});
  absl::StatusOr<SyncConnection> idle = server_->Connect();
  ASSERT_TRUE(idle.ok()) << idle.status();
  EXPECT_EQ(Ok(idle->Command({"PING"})), "+PONG");
  idle->set_timeout(milliseconds(100));
  // The control connection keeps talking, so only the idle one goes.
  bool closed = false;
  for (int i = 0; i < 100 && !closed; ++i) {
    ASSERT_EQ(Ok(control_->Command({"PING"})), "+PONG");
    closed = !idle->ReadReply().ok() && idle->closed();
  }
  EXPECT_TRUE(closed);
  EXPECT_EQ(Ok(control_->Command({"PING"})), "+PONG");
}

TEST_F(LimitsTest, DirectivesWithoutEffectAreLogged) {
  Start({"--daemonize", "no", "--tcp-keepalive", "300"});
  EXPECT_THAT(server_->Output(), HasSubstr("'daemonize' is accepted for compatibility but not"));
  EXPECT_THAT(server_->Output(), HasSubstr("'tcp-keepalive' is accepted"));
  EXPECT_THAT(server_->Output(), Not(HasSubstr("'timeout'")));
}

}  // namespace
}  // namespace understudy::testing
