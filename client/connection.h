#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "asio/any_io_executor.hpp"
#include "asio/awaitable.hpp"
#include "asio/ssl/context.hpp"
#include "asio/steady_timer.hpp"
#include "asio/strand.hpp"
#include "client/detail/stream.h"
#include "client/detail/unique_function.h"
#include "client/error.h"
#include "client/options.h"
#include "client/request.h"
#include "resp/reply.h"
#include "resp/reply_writer.h"

namespace understudy::client {

enum class ConnectionState : uint8_t { kDisconnected, kConnecting, kConnected, kClosed };

// Counters of what the connection wrote, for measuring automatic pipelining: requests issued
// together go out in fewer writes than there are requests.
struct ConnectionStats {
  uint64_t writes = 0;            // writes started on the stream (after the handshake)
  uint64_t requests_written = 0;  // requests those writes carried
};

// One connection to a server (or an in-process engine), shared by every caller: requests from
// any thread are queued, coalesced into one write, and their replies matched in order. This is
// the core that Client, AsyncClient, Subscriber and the pool stand on.
//
// - Pushes (RESP3 '>', and under RESP2 the Pub/Sub messages of a subscribed connection) never
//   answer a request; they go to the push handler.
// - A lost connection fails what was sent with kConnectionLost (retry_safe false) and what was
//   not with kNotConnected (retry_safe true). With reconnect enabled, a connection that had
//   been up reconnects with capped exponential backoff and jitter, then restores its protocol,
//   credentials, database, name and subscriptions; requests in the meantime fail at once.
// - A command timeout closes the connection: later replies could not be told apart.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Completion = detail::UniqueFunction<void(std::exception_ptr, std::vector<resp::Reply>)>;
  using ConnectCompletion = detail::UniqueFunction<void(std::exception_ptr)>;
  // Called on the connection's strand for every push, subscription confirmations included. An
  // exception from it is logged and dropped.
  using PushHandler = std::function<void(const resp::Reply&)>;

  // Throws Error(kConfig or kTls) if the TLS settings cannot be loaded.
  static std::shared_ptr<Connection> Create(asio::any_io_executor executor, Options options);
  ~Connection();

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const asio::strand<asio::any_io_executor>& strand() const { return strand_; }
  const Options& options() const { return options_; }

  // Set before Connect.
  void set_push_handler(PushHandler handler) { push_handler_ = std::move(handler); }

  // Connects unless connected; `done` receives null or the Error. A failed first connection is
  // not retried by itself: the caller decides (the service facade falls back from it).
  void Connect(ConnectCompletion done);
  // Any thread. `done` is called on the strand.
  void Submit(Request request, Completion done);
  // Any thread: closes for good; pending requests fail with kClosed.
  void Close();

  ConnectionState state() const { return state_.load(std::memory_order_acquire); }
  bool connected() const { return state() == ConnectionState::kConnected; }
  // The protocol the server agreed to (RESP2 until connected).
  resp::Protocol protocol() const { return protocol_.load(std::memory_order_acquire); }
  // Any thread.
  ConnectionStats stats() const;

 private:
  struct Pending {
    std::vector<Request::Shape> shapes;
    std::string payload;  // moved to the write once it starts
    std::vector<resp::Reply> replies;
    Completion done;
    std::chrono::steady_clock::time_point deadline{};  // default: none
    uint32_t confirmations_left = 0;
    bool sent = false;
  };

  Connection(asio::any_io_executor executor, Options options);

  void StartConnect();
  asio::awaitable<void> Establish();
  asio::awaitable<void> Handshake();
  asio::awaitable<std::vector<resp::Reply>> Roundtrip(const Request& request);
  void OnConnectDone(std::exception_ptr error);

  void Enqueue(Request request, Completion done);
  void WriteMore();
  void ReadMore();
  void OnRead(std::error_code error, size_t bytes);
  // Parses what was read; false when the connection failed on the way.
  bool DispatchReplies();
  bool Dispatch(resp::Reply reply);
  bool IsPush(const resp::Reply& reply) const;
  void HandlePush(const resp::Reply& reply);
  void DeliverPush(const resp::Reply& reply);
  // Records a reply (or the latest confirmation) for the front request's current command.
  void Answer(resp::Reply reply, bool confirmation);
  void PrepareCurrent(Pending& pending);
  void ArmTimeout();
  void OnTimeout();
  // Fails every pending request: those whose deadline is at or before `timed_out_by` with
  // `error` itself (a timeout), the others as lost or not sent.
  void Fail(const Error& error, std::chrono::steady_clock::time_point timed_out_by = {});
  void ScheduleReconnect();
  void ResubscribeAll();

  asio::strand<asio::any_io_executor> strand_;
  Options options_;
  std::unique_ptr<asio::ssl::context> tls_;
  detail::Stream stream_;
  uint64_t generation_ = 0;  // bumped per (re)connection; stale callbacks compare it
  std::atomic<ConnectionState> state_{ConnectionState::kDisconnected};
  std::atomic<resp::Protocol> protocol_{resp::Protocol::kResp2};
  bool ever_connected_ = false;
  std::vector<ConnectCompletion> connect_waiters_;

  std::deque<Pending> queue_;  // sent first, then not yet sent
  size_t sent_count_ = 0;
  bool writing_ = false;
  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> requests_written_{0};

  std::string input_;  // read bytes; those before parsed_ were handled
  size_t parsed_ = 0;
  size_t filled_ = 0;
  bool reading_ = false;
  resp::ReplyParser parser_;

  // The deadlines of the queued requests: the timer waits for the earliest, which need not be
  // the front's (a blocking command with no timeout may be ahead of one with a timeout).
  absl::btree_multiset<std::chrono::steady_clock::time_point> deadlines_;
  asio::steady_timer timeout_timer_;
  std::chrono::steady_clock::time_point armed_deadline_{};
  asio::steady_timer reconnect_timer_;
  int reconnect_attempt_ = 0;
  std::minstd_rand jitter_random_;

  // What the server confirmed, restored after a reconnect: channels, patterns, shard channels.
  absl::btree_set<std::string> subscriptions_[3];

  PushHandler push_handler_;
};

}  // namespace understudy::client
