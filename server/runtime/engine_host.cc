#include "server/runtime/engine_host.h"

#include <exception>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <utility>

#include "asio/post.hpp"
#include "resp/reply_writer.h"
#include "server/engine/arg_parser.h"

namespace understudy::runtime {
namespace {

constexpr std::string_view kClosed = "ERR connection closed";

bool IsSubscribeCommand(std::string_view name) {
  for (std::string_view command :
       {"subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe"}) {
    if (engine::EqualsIgnoreCase(name, command)) return true;
  }
  return false;
}

// Whether a reply starts with one of the words: how a Pub/Sub message or confirmation is told
// from a reply under RESP2, where both are arrays.
bool StartsWithWord(const resp::Reply& reply, std::initializer_list<std::string_view> words) {
  if (reply.elements.empty() || reply.elements[0].type != resp::ReplyType::kBulkString) {
    return false;
  }
  for (std::string_view word : words) {
    if (reply.elements[0].str == word) return true;
  }
  return false;
}

}  // namespace

EngineSession::EngineSession(EngineHost& host, PushCallback on_push, CloseCallback on_close)
    : host_(host), on_push_(std::move(on_push)), on_close_(std::move(on_close)) {}

void EngineSession::Open() {
  client_ = &host_.engine_->Register(this);
  id_ = client_->id;
  host_.sessions_.emplace(id_, shared_from_this());
}

void EngineSession::Execute(std::vector<std::string> args, ReplyCallback done) {
  asio::post(host_.io_,
             [self = shared_from_this(), args = std::move(args), done = std::move(done)]() mutable {
               if (self->closed_) return done(resp::Reply::Error(std::string(kClosed)));
               self->queue_.push_back({std::move(args), std::move(done)});
               self->RunQueued();
             });
}

std::future<resp::Reply> EngineSession::Execute(std::vector<std::string> args) {
  auto promise = std::make_shared<std::promise<resp::Reply>>();
  std::future<resp::Reply> future = promise->get_future();
  Execute(std::move(args), [promise](resp::Reply reply) { promise->set_value(std::move(reply)); });
  return future;
}

void EngineSession::Close() {
  asio::post(host_.io_, [self = shared_from_this()] { self->CloseSoon(false); });
}

void EngineSession::CloseSoon(bool tell) {
  if (closed_) return;
  if (executing_) {
    close_deferred_ = true;
    tell_deferred_close_ = tell_deferred_close_ || tell;
    return;
  }
  const std::shared_ptr<EngineSession> self = shared_from_this();  // CloseNow drops the host's
  CloseNow();
  if (tell && on_close_) on_close_();
}

void EngineSession::RunQueued() {
  if (executing_) return;  // the running request's loop takes the new ones
  size_t next = 0;
  while (!closed_ && next < queue_.size() && !client_->is_blocked() &&
         !client_->close_after_reply) {
    Request request = std::move(queue_[next++]);
    const std::vector<std::string_view> argv(request.args.begin(), request.args.end());
    const size_t before = client_->output.size();
    awaiting_.push_back({std::move(request.done), IsSubscribeCommand(argv[0])});
    executing_ = true;
    host_.engine_->Execute(*client_, argv);
    executing_ = false;
    if (close_deferred_) {
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(next));
      CloseSoon(tell_deferred_close_);
      return;
    }
    // CLIENT REPLY OFF/SKIP and a blocked command write nothing; the first is answered now.
    if (client_->output.size() == before && !client_->is_blocked()) {
      awaiting_.back().done(resp::Reply::Nil());
      awaiting_.pop_back();
    }
    Deliver();
  }
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(next));
  if (!closed_ && client_->close_after_reply) CloseNow();  // QUIT
}

void EngineSession::Deliver() {
  std::string_view pending = client_->output;
  size_t used = 0;
  resp::ReplyParser parser;
  // A subscribe request confirms each name apart; its reply is the last confirmation, handed
  // over once its confirmations are all read (they are written together).
  std::optional<resp::Reply> confirmation;
  while (used < pending.size() &&
         parser.Parse(pending.substr(used)) == resp::ReplyParser::Status::kReply) {
    used += parser.consumed();
    resp::Reply reply = parser.TakeReply();
    parser.Reset();
    if (!awaiting_.empty() && awaiting_.front().subscribe &&
        StartsWithWord(reply, {"subscribe", "unsubscribe", "psubscribe", "punsubscribe",
                               "ssubscribe", "sunsubscribe"})) {
      confirmation = std::move(reply);
      continue;
    }
    if (confirmation) Answer(*std::exchange(confirmation, std::nullopt));
    const bool resp2_message = client_->protocol == resp::Protocol::kResp2 &&
                               client_->in_pubsub() && reply.type == resp::ReplyType::kArray &&
                               StartsWithWord(reply, {"message", "pmessage", "smessage"});
    if (reply.type == resp::ReplyType::kPush || resp2_message) {
      if (on_push_) on_push_(std::move(reply));
    } else {
      Answer(std::move(reply));
    }
  }
  client_->output.erase(0, used);
  if (confirmation) Answer(*std::move(confirmation));
}

void EngineSession::Answer(resp::Reply reply) {
  if (awaiting_.empty()) return;
  ReplyCallback done = std::move(awaiting_.front().done);
  awaiting_.erase(awaiting_.begin());
  done(std::move(reply));
}

void EngineSession::OutputReady() {
  if (client_ != nullptr && !executing_) Deliver();  // else RunQueued delivers after the request
}

void EngineSession::Resumed() {
  asio::post(host_.io_, [self = shared_from_this()] {
    if (!self->closed_) self->RunQueued();
  });
}

void EngineSession::RequestClose() {
  asio::post(host_.io_, [self = shared_from_this()] { self->CloseSoon(true); });
}

void EngineSession::CloseNow() {
  if (closed_) return;
  closed_ = true;
  if (client_ != nullptr) {
    Deliver();
    host_.engine_->Unregister(*client_);
    client_ = nullptr;
  }
  for (Awaiting& waiting : awaiting_) waiting.done(resp::Reply::Error(std::string(kClosed)));
  for (Request& request : queue_) request.done(resp::Reply::Error(std::string(kClosed)));
  awaiting_.clear();
  queue_.clear();
  // Last: this may drop the host's reference to the session.
  host_.sessions_.erase(id_);
}

EngineHost::EngineHost(engine::Config config, const store::Clock* clock)
    : io_(1),
      work_(asio::make_work_guard(io_)),
      executor_(io_),
      engine_(std::make_unique<engine::Engine>(clock != nullptr ? *clock : system_clock_,
                                               std::move(config), executor_)) {
  // A busy script serves the other clients from inside its run, as on the network server.
  // One handler at a time: once the destructor's first task has set stopping_, the shutdown
  // task it posts next must not run inside the script (poll() would run it in the same call).
  engine_->set_busy_poller([this] {
    while (!stopping_ && io_.poll_one() > 0) {
    }
  });
  thread_ = std::thread([this] { io_.run(); });
}

EngineHost::~EngineHost() {
  // A busy script stops serving the loop, so the shutdown below waits for it to end rather
  // than running inside it.
  Run([this](engine::Engine&) { stopping_ = true; });
  Run([this](engine::Engine&) {
    std::vector<std::shared_ptr<EngineSession>> open;
    for (auto& [id, session] : sessions_) open.push_back(session);
    for (auto& session : open) session->CloseSoon(true);
    std::vector<std::shared_ptr<EngineStream>> streams;
    for (auto& [id, stream] : streams_) streams.push_back(stream);
    for (auto& stream : streams) stream->CloseByEngine();
    engine_.reset();
  });
  work_.reset();
  io_.stop();
  thread_.join();
}

std::shared_ptr<EngineSession> EngineHost::Connect(EngineSession::PushCallback on_push,
                                                   EngineSession::CloseCallback on_close) {
  std::shared_ptr<EngineSession> session(
      new EngineSession(*this, std::move(on_push), std::move(on_close)));
  Run([&](engine::Engine&) { session->Open(); });
  return session;
}

std::shared_ptr<EngineStream> EngineHost::OpenStream(EngineStream::OutputCallback on_output,
                                                     EngineStream::CloseCallback on_close) {
  std::shared_ptr<EngineStream> stream(
      new EngineStream(*this, std::move(on_output), std::move(on_close)));
  Run([&](engine::Engine&) { stream->Open(); });
  return stream;
}

void EngineHost::Run(const std::function<void(engine::Engine&)>& fn) {
  std::promise<void> done;
  asio::post(io_, [&] {
    fn(*engine_);
    done.set_value();
  });
  done.get_future().wait();
}

void EngineHost::AdvanceClock(std::chrono::milliseconds by) {
  Run([by](engine::Engine& engine) { engine.AdvanceClock(by.count()); });
}

}  // namespace understudy::runtime
