#include "client/connection.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "client/detail/text.h"
#include "asio/async_result.hpp"
#include "asio/co_spawn.hpp"
#include "asio/dispatch.hpp"
#include "asio/redirect_error.hpp"
#include "asio/use_awaitable.hpp"
#include "client/detail/backoff.h"
#include "spdlog/spdlog.h"

namespace understudy::client {
namespace {

constexpr size_t kReadChunk = 16 * 1024;
// Input capacity kept between replies; a larger buffer that grew for one reply is given back.
constexpr size_t kKeepInput = 64 * 1024;

struct PubSubWord {
  std::string_view word;
  PubSubAction action;
  int kind;  // index into the subscription sets
  bool adds;
};
constexpr PubSubWord kConfirmations[] = {
    {"subscribe", PubSubAction::kSubscribe, 0, true},
    {"unsubscribe", PubSubAction::kUnsubscribe, 0, false},
    {"psubscribe", PubSubAction::kPSubscribe, 1, true},
    {"punsubscribe", PubSubAction::kPUnsubscribe, 1, false},
    {"ssubscribe", PubSubAction::kSSubscribe, 2, true},
    {"sunsubscribe", PubSubAction::kSUnsubscribe, 2, false},
};
constexpr std::string_view kResubscribe[] = {"SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE"};

const PubSubWord* ConfirmationOf(const resp::Reply& reply) {
  if (reply.elements.size() < 3 || reply.elements[0].type != resp::ReplyType::kBulkString) {
    return nullptr;
  }
  for (const PubSubWord& entry : kConfirmations) {
    if (reply.elements[0].str == entry.word) return &entry;
  }
  return nullptr;
}

bool IsMessage(const resp::Reply& reply) {
  if (reply.elements.empty() || reply.elements[0].type != resp::ReplyType::kBulkString) {
    return false;
  }
  const std::string& word = reply.elements[0].str;
  return word == "message" || word == "pmessage" || word == "smessage";
}

int KindOf(PubSubAction action) {
  switch (action) {
    case PubSubAction::kPSubscribe:
    case PubSubAction::kPUnsubscribe: return 1;
    case PubSubAction::kSSubscribe:
    case PubSubAction::kSUnsubscribe: return 2;
    default: return 0;
  }
}

bool IsAuthFailure(std::string_view text) {
  return text.starts_with("WRONGPASS") || text.starts_with("NOAUTH") ||
         text.starts_with("NOPERM") || text.starts_with("ERR invalid password") ||
         text.starts_with("ERR AUTH") || text.starts_with("ERR Client sent AUTH");
}

}  // namespace

std::shared_ptr<Connection> Connection::Create(asio::any_io_executor executor, Options options) {
  std::shared_ptr<Connection> connection(new Connection(std::move(executor), std::move(options)));
  if (connection->options_.tls.enabled && !connection->options_.engine) {
    connection->tls_ = detail::MakeTlsContext(connection->options_.tls);
  }
  return connection;
}

Connection::Connection(asio::any_io_executor executor, Options options)
    : strand_(asio::make_strand(std::move(executor))),
      options_(std::move(options)),
      timeout_timer_(strand_),
      reconnect_timer_(strand_),
      jitter_random_(std::random_device{}()) {}

Connection::~Connection() { stream_.Close(); }

void Connection::Connect(ConnectCompletion done) {
  asio::dispatch(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    switch (self->state()) {
      case ConnectionState::kConnected: return done(nullptr);
      case ConnectionState::kClosed:
        return done(std::make_exception_ptr(Error(ErrorKind::kClosed, "the client was closed")));
      case ConnectionState::kConnecting:
        self->connect_waiters_.push_back(std::move(done));
        return;
      case ConnectionState::kDisconnected:
        self->connect_waiters_.push_back(std::move(done));
        self->StartConnect();
        return;
    }
  });
}

void Connection::StartConnect() {
  state_.store(ConnectionState::kConnecting, std::memory_order_release);
  asio::co_spawn(strand_, Establish(),
                 [self = shared_from_this()](std::exception_ptr error) {
                   self->OnConnectDone(error);
                 });
}

asio::awaitable<void> Connection::Establish() {
  stream_.Close();
  const auto deadline = std::chrono::steady_clock::now() + options_.connect_timeout;
  detail::Stream stream = co_await detail::Stream::Open(strand_, options_, tls_.get());
  if (state() == ConnectionState::kClosed) {
    stream.Close();
    throw Error(ErrorKind::kClosed, "the client was closed");
  }
  stream_ = std::move(stream);
  ++generation_;
  // A timer armed for the previous generation ignores its expiry: the next ArmTimeout must arm
  // it again even for the same deadline.
  armed_deadline_ = {};
  input_.clear();
  parsed_ = filled_ = 0;
  parser_.Reset();

  // The connect timeout covers the setup too: a peer that accepts but never answers HELLO (a
  // hung server, or not Redis at all) would otherwise stall the connection for ever. Closing
  // the stream fails the handshake's pending read.
  struct Deadline {
    bool expired = false;
    bool disarmed = false;
  };
  struct Disarm {
    std::shared_ptr<Deadline> state;
    asio::steady_timer& timer;
    ~Disarm() {
      state->disarmed = true;
      timer.cancel();
    }
  };
  auto expiry = std::make_shared<Deadline>();
  asio::steady_timer timer(strand_);
  timer.expires_at(deadline);
  timer.async_wait([self = shared_from_this(), expiry](const std::error_code& error) {
    if (error || expiry->disarmed) return;
    expiry->expired = true;
    self->stream_.Close();
  });
  const Disarm disarm{expiry, timer};
  try {
    co_await Handshake();
  } catch (const Error& error) {
    if (!expiry->expired) throw;
  }
  if (expiry->expired) {
    throw Error(ErrorKind::kConnectTimeout,
                detail::Cat("no connection to ", options_.Endpoint(), " within ",
                            options_.connect_timeout.count(),
                            " ms (the server accepted but did not answer the handshake)"),
                true);
  }
}

asio::awaitable<std::vector<resp::Reply>> Connection::Roundtrip(const Request& request) {
  std::error_code error;
  const std::vector<asio::const_buffer> buffers{asio::buffer(request.payload())};
  auto token = asio::redirect_error(asio::use_awaitable, error);
  co_await asio::async_initiate<decltype(token), void(std::error_code, size_t)>(
      [this, &buffers](auto handler) { stream_.AsyncWrite(buffers, std::move(handler)); }, token);
  const auto lost = [&](std::string_view what) {
    // Over TLS, a server that refuses the client's certificate (or its absence) does so after
    // the client's side of a TLS 1.3 handshake is done: the first write or read after it
    // fails, with the server's alert or a reset. That is a TLS failure, which retrying the same
    // settings will not cure.
    if (options_.tls.enabled && !options_.engine) {
      return Error(ErrorKind::kTls,
                   detail::Cat("TLS connection to ", options_.Endpoint(),
                                " ended by the server right after the handshake (", what, "): ",
                                error.message(),
                                "; a server that requires a client certificate does this when "
                                "none, or one it does not trust, is given"));
    }
    return Error(ErrorKind::kConnectionLost,
                 detail::Cat("connection to ", options_.Endpoint(), " lost while setting it up (",
                              what, "): ", error.message()),
                 true);
  };
  if (error) throw lost("writing");
  std::vector<resp::Reply> replies;
  while (replies.size() < request.size()) {
    const auto status =
        parser_.Parse(std::string_view(input_.data() + parsed_, filled_ - parsed_));
    if (status == resp::ReplyParser::Status::kError) {
      throw Error(ErrorKind::kProtocol,
                  detail::Cat("malformed reply from ", options_.Endpoint(), ": ", parser_.error()));
    }
    if (status == resp::ReplyParser::Status::kReply) {
      parsed_ += parser_.consumed();
      replies.push_back(parser_.TakeReply());
      parser_.Reset();
      continue;
    }
    if (input_.size() - filled_ < kReadChunk / 2) input_.resize(filled_ + kReadChunk);
    const size_t n =
        co_await asio::async_initiate<decltype(token), void(std::error_code, size_t)>(
            [this](auto handler) {
              stream_.AsyncReadSome(
                  asio::buffer(input_.data() + filled_, input_.size() - filled_),
                  std::move(handler));
            },
            token);
    if (error) throw lost("reading");
    filled_ += n;
  }
  if (parsed_ == filled_) parsed_ = filled_ = 0;
  co_return replies;
}

asio::awaitable<void> Connection::Handshake() {
  const std::string endpoint = options_.Endpoint();
  const auto refuse = [&](std::string_view what, const resp::Reply& reply) {
    const ErrorKind kind = IsAuthFailure(reply.str) ? ErrorKind::kAuth : ErrorKind::kServer;
    return Error(kind, detail::Cat(what, " at ", endpoint, " failed: ", reply.str));
  };
  bool resp3 = false;
  if (options_.protocol != ProtocolChoice::kResp2) {
    Command hello("HELLO", "3");
    if (!options_.password.empty()) {
      hello.arg("AUTH")
          .arg(options_.username.empty() ? std::string_view("default") : options_.username)
          .arg(options_.password);
    }
    if (!options_.client_name.empty()) hello.arg("SETNAME").arg(options_.client_name);
    const std::vector<resp::Reply> replies = co_await Roundtrip(Request(hello));
    const resp::Reply& reply = replies[0];
    if (!reply.is_error()) {
      resp3 = true;
    } else if (IsAuthFailure(reply.str) || options_.protocol == ProtocolChoice::kResp3) {
      throw refuse("HELLO 3", reply);
    }
    // Otherwise the server predates RESP3 (unknown command or NOPROTO): go on in RESP2.
  }
  Request setup;
  if (!resp3) {
    if (!options_.password.empty()) {
      if (options_.username.empty()) {
        setup.Add("AUTH", options_.password);
      } else {
        setup.Add("AUTH", options_.username, options_.password);
      }
    }
    if (!options_.client_name.empty()) setup.Add("CLIENT", "SETNAME", options_.client_name);
  }
  if (options_.db != 0) setup.Add("SELECT", options_.db);
  if (!setup.empty()) {
    const std::vector<resp::Reply> replies = co_await Roundtrip(setup);
    for (const resp::Reply& reply : replies) {
      if (reply.is_error()) throw refuse("connection setup", reply);
    }
  }
  protocol_.store(resp3 ? resp::Protocol::kResp3 : resp::Protocol::kResp2,
                  std::memory_order_release);
}

void Connection::OnConnectDone(std::exception_ptr error) {
  std::vector<ConnectCompletion> waiters = std::move(connect_waiters_);
  connect_waiters_.clear();
  if (state() == ConnectionState::kClosed) {
    stream_.Close();
    const auto closed = std::make_exception_ptr(Error(ErrorKind::kClosed, "the client was closed"));
    for (ConnectCompletion& waiter : waiters) waiter(closed);
    return;
  }
  if (error) {
    stream_.Close();
    ++generation_;
    state_.store(ConnectionState::kDisconnected, std::memory_order_release);
    std::deque<Pending> waiting = std::move(queue_);
    queue_.clear();
    deadlines_.clear();
    sent_count_ = 0;
    for (Pending& pending : waiting) pending.done(error, {});
    for (ConnectCompletion& waiter : waiters) waiter(error);
    if (ever_connected_ && options_.reconnect.enabled) {
      ++reconnect_attempt_;
      ScheduleReconnect();
    }
    return;
  }
  if (ever_connected_) spdlog::info("Reconnected to {}", options_.Endpoint());
  ever_connected_ = true;
  reconnect_attempt_ = 0;
  state_.store(ConnectionState::kConnected, std::memory_order_release);
  ResubscribeAll();
  ReadMore();
  WriteMore();
  ArmTimeout();
  for (ConnectCompletion& waiter : waiters) waiter(nullptr);
}

void Connection::ResubscribeAll() {
  for (int kind = 2; kind >= 0; --kind) {
    if (subscriptions_[kind].empty()) continue;
    Command command(kResubscribe[kind]);
    command.args(subscriptions_[kind]);
    Request request(command);
    Pending pending;
    pending.shapes = request.shapes();
    pending.payload = request.TakePayload();
    queue_.push_front(std::move(pending));
  }
}

void Connection::Submit(Request request, Completion done) {
  asio::dispatch(strand_, [self = shared_from_this(), request = std::move(request),
                           done = std::move(done)]() mutable {
    self->Enqueue(std::move(request), std::move(done));
  });
}

void Connection::Enqueue(Request request, Completion done) {
  const ConnectionState now = state();
  if (now == ConnectionState::kClosed) {
    return done(std::make_exception_ptr(Error(ErrorKind::kClosed, "the client was closed")), {});
  }
  if (now == ConnectionState::kDisconnected) {
    return done(std::make_exception_ptr(Error(
                    ErrorKind::kNotConnected,
                    detail::Cat("not connected to ", options_.Endpoint(), "; the command was not sent"),
                    true)),
                {});
  }
  if (request.empty()) return done(nullptr, {});
  Pending pending;
  pending.shapes = request.shapes();
  pending.payload = request.TakePayload();
  pending.done = std::move(done);
  const std::chrono::milliseconds timeout = request.timeout().value_or(options_.command_timeout);
  if (timeout.count() > 0) {
    pending.deadline = std::chrono::steady_clock::now() + timeout;
    deadlines_.insert(pending.deadline);
  }
  queue_.push_back(std::move(pending));
  ArmTimeout();
  WriteMore();
}

void Connection::WriteMore() {
  if (writing_ || !connected() || sent_count_ == queue_.size()) return;
  struct Batch {
    std::vector<std::string> payloads;
    std::vector<asio::const_buffer> buffers;
  };
  auto batch = std::make_shared<Batch>();
  batch->payloads.reserve(queue_.size() - sent_count_);
  for (size_t i = sent_count_; i < queue_.size(); ++i) {
    queue_[i].sent = true;
    batch->payloads.push_back(std::move(queue_[i].payload));
  }
  sent_count_ = queue_.size();
  batch->buffers.reserve(batch->payloads.size());
  for (const std::string& payload : batch->payloads) batch->buffers.push_back(asio::buffer(payload));
  writing_ = true;
  writes_.fetch_add(1, std::memory_order_relaxed);
  requests_written_.fetch_add(batch->payloads.size(), std::memory_order_relaxed);
  stream_.AsyncWrite(batch->buffers, [self = shared_from_this(), batch, generation = generation_](
                                         const std::error_code& error, size_t) {
    if (generation != self->generation_) return;
    self->writing_ = false;
    if (error) {
      return self->Fail(Error(ErrorKind::kConnectionLost,
                              detail::Cat("writing to ", self->options_.Endpoint(),
                                           " failed: ", error.message())));
    }
    self->WriteMore();
  });
}

void Connection::ReadMore() {
  if (reading_ || !connected()) return;
  if (input_.size() - filled_ < kReadChunk / 2) {
    if (parsed_ > 0) {
      std::memmove(input_.data(), input_.data() + parsed_, filled_ - parsed_);
      filled_ -= parsed_;
      parsed_ = 0;
    }
    if (input_.size() - filled_ < kReadChunk / 2) {
      input_.resize(std::max(input_.size() * 2, filled_ + kReadChunk));
    }
  }
  reading_ = true;
  stream_.AsyncReadSome(asio::buffer(input_.data() + filled_, input_.size() - filled_),
                        [self = shared_from_this(), generation = generation_](
                            const std::error_code& error, size_t bytes) {
                          if (generation != self->generation_) return;
                          self->OnRead(error, bytes);
                        });
}

void Connection::OnRead(std::error_code error, size_t bytes) {
  reading_ = false;
  if (!connected()) return;
  if (error) {
    const std::string reason = error == asio::error::eof ? "the server closed it" : error.message();
    return Fail(Error(ErrorKind::kConnectionLost,
                      detail::Cat("connection to ", options_.Endpoint(), " lost: ", reason)));
  }
  filled_ += bytes;
  if (!DispatchReplies()) return;
  ReadMore();
}

bool Connection::DispatchReplies() {
  const uint64_t generation = generation_;
  while (parsed_ < filled_) {
    const auto status =
        parser_.Parse(std::string_view(input_.data() + parsed_, filled_ - parsed_));
    if (status == resp::ReplyParser::Status::kNeedMore) break;
    if (status == resp::ReplyParser::Status::kError) {
      Fail(Error(ErrorKind::kProtocol, detail::Cat("malformed reply from ", options_.Endpoint(),
                                                    ": ", parser_.error())));
      return false;
    }
    parsed_ += parser_.consumed();
    resp::Reply reply = parser_.TakeReply();
    parser_.Reset();
    if (!Dispatch(std::move(reply)) || generation != generation_ || !connected()) return false;
  }
  if (parsed_ == filled_) {
    parsed_ = filled_ = 0;
    if (input_.capacity() > kKeepInput) std::string().swap(input_);
  }
  return true;
}

bool Connection::IsPush(const resp::Reply& reply) const {
  if (reply.type == resp::ReplyType::kPush) return true;
  if (reply.type != resp::ReplyType::kArray || protocol() != resp::Protocol::kResp2) return false;
  const bool subscribed =
      !subscriptions_[0].empty() || !subscriptions_[1].empty() || !subscriptions_[2].empty();
  if (IsMessage(reply)) return subscribed;
  const PubSubWord* confirmation = ConfirmationOf(reply);
  if (confirmation == nullptr) return false;
  if (subscribed) return true;
  if (sent_count_ == 0) return false;
  const Pending& front = queue_.front();
  return front.shapes[front.replies.size()].pubsub != PubSubAction::kNone;
}

bool Connection::Dispatch(resp::Reply reply) {
  if (IsPush(reply)) {
    HandlePush(reply);
    return true;
  }
  if (sent_count_ == 0) {
    Fail(Error(ErrorKind::kProtocol, detail::Cat("reply nobody asked for from ",
                                                  options_.Endpoint(), ": ", ToString(reply))));
    return false;
  }
  Answer(std::move(reply), false);
  return true;
}

void Connection::HandlePush(const resp::Reply& reply) {
  if (const PubSubWord* confirmation = ConfirmationOf(reply)) {
    bool answers = false;
    if (sent_count_ > 0) {
      Pending& front = queue_.front();
      answers = front.shapes[front.replies.size()].pubsub == confirmation->action;
      if (answers && front.confirmations_left == 0) PrepareCurrent(front);
    }
    const resp::Reply& name = reply.elements[1];
    auto& names = subscriptions_[confirmation->kind];
    if (confirmation->adds) {
      names.insert(name.str);
    } else if (!name.is_null()) {
      names.erase(name.str);
    }
    DeliverPush(reply);
    if (answers) Answer(reply, true);
    return;
  }
  DeliverPush(reply);
}

void Connection::DeliverPush(const resp::Reply& reply) {
  if (!push_handler_) return;
  // The handler is the application's: an exception from it must not stop the read loop half-way
  // through what was read, nor escape the event loop.
  try {
    push_handler_(reply);
  } catch (const std::exception& error) {
    spdlog::error("Push handler for {} threw on {}: {}", options_.Endpoint(), ToString(reply),
                  error.what());
  } catch (...) {
    spdlog::error("Push handler for {} threw a non-standard exception on {}",
                  options_.Endpoint(), ToString(reply));
  }
}

void Connection::PrepareCurrent(Pending& pending) {
  const Request::Shape& shape = pending.shapes[pending.replies.size()];
  uint32_t count = shape.names;
  if (count == 0) {
    count = std::max<uint32_t>(
        1, static_cast<uint32_t>(subscriptions_[KindOf(shape.pubsub)].size()));
  }
  pending.confirmations_left = count;
}

void Connection::Answer(resp::Reply reply, bool confirmation) {
  Pending& front = queue_.front();
  if (confirmation && --front.confirmations_left > 0) return;
  front.confirmations_left = 0;
  front.replies.push_back(std::move(reply));
  if (front.replies.size() < front.shapes.size()) return;
  Pending done = std::move(front);
  queue_.pop_front();
  --sent_count_;
  if (done.deadline != std::chrono::steady_clock::time_point{}) {
    deadlines_.erase(deadlines_.find(done.deadline));
  }
  ArmTimeout();
  if (done.done) done.done(nullptr, std::move(done.replies));
}

void Connection::ArmTimeout() {
  const auto deadline =
      deadlines_.empty() ? std::chrono::steady_clock::time_point{} : *deadlines_.begin();
  if (deadline == armed_deadline_) return;
  armed_deadline_ = deadline;
  if (deadline == std::chrono::steady_clock::time_point{}) {
    timeout_timer_.cancel();
    return;
  }
  timeout_timer_.expires_at(deadline);
  timeout_timer_.async_wait(
      [self = shared_from_this(), generation = generation_](const std::error_code& error) {
        if (error || generation != self->generation_) return;
        self->OnTimeout();
      });
}

void Connection::OnTimeout() {
  armed_deadline_ = {};
  const auto now = std::chrono::steady_clock::now();
  if (deadlines_.empty() || *deadlines_.begin() > now) return ArmTimeout();
  Fail(Error(ErrorKind::kTimeout, detail::Cat("no reply from ", options_.Endpoint(),
                                               " within the command timeout")),
       now);
}

void Connection::Fail(const Error& error, std::chrono::steady_clock::time_point timed_out_by) {
  const bool was_connected = connected();
  stream_.Close();
  ++generation_;
  reading_ = writing_ = false;
  std::string().swap(input_);
  parsed_ = filled_ = 0;
  parser_.Reset();
  timeout_timer_.cancel();
  armed_deadline_ = {};
  if (state() != ConnectionState::kClosed) {
    state_.store(ConnectionState::kDisconnected, std::memory_order_release);
  }
  if (was_connected && error.kind() != ErrorKind::kClosed) {
    spdlog::warn("Connection to {} failed: {}", options_.Endpoint(), error.what());
  }
  std::deque<Pending> failed = std::move(queue_);
  queue_.clear();
  deadlines_.clear();
  sent_count_ = 0;
  for (Pending& pending : failed) {
    if (!pending.done) continue;
    std::exception_ptr reason;
    if (pending.deadline != std::chrono::steady_clock::time_point{} &&
        pending.deadline <= timed_out_by) {
      reason = std::make_exception_ptr(error);
    } else if (pending.sent) {
      reason = std::make_exception_ptr(
          Error(error.kind() == ErrorKind::kClosed ? ErrorKind::kClosed : ErrorKind::kConnectionLost,
                detail::Cat(error.what(), "; the command was sent, its reply lost"), false));
    } else {
      reason = std::make_exception_ptr(
          Error(error.kind() == ErrorKind::kClosed ? ErrorKind::kClosed : ErrorKind::kNotConnected,
                detail::Cat(error.what(), "; the command was not sent"), true));
    }
    pending.done(reason, {});
  }
  if (was_connected && options_.reconnect.enabled && state() != ConnectionState::kClosed) {
    ScheduleReconnect();
  }
}

void Connection::ScheduleReconnect() {
  const auto delay = detail::Backoff(options_.reconnect, reconnect_attempt_, jitter_random_);
  reconnect_timer_.expires_after(delay);
  reconnect_timer_.async_wait([self = shared_from_this()](const std::error_code& error) {
    if (error || self->state() != ConnectionState::kDisconnected) return;
    self->StartConnect();
  });
}

ConnectionStats Connection::stats() const {
  return {writes_.load(std::memory_order_relaxed),
          requests_written_.load(std::memory_order_relaxed)};
}

void Connection::Close() {
  asio::dispatch(strand_, [self = shared_from_this()] {
    if (self->state() == ConnectionState::kClosed) return;
    self->state_.store(ConnectionState::kClosed, std::memory_order_release);
    self->reconnect_timer_.cancel();
    self->Fail(Error(ErrorKind::kClosed, "the client was closed"));
  });
}

}  // namespace understudy::client
