#include "client/client.h"

#include <utility>

#include "client/detail/text.h"
#include "asio/executor_work_guard.hpp"
#include "client/detail/backoff.h"

namespace understudy::client {
namespace {

// Runs the io_context on this thread until `done`. The work guard keeps run_one waiting for
// completions posted from other threads (the in-process engine's).
void RunUntil(asio::io_context& io, const bool& done) {
  auto work = asio::make_work_guard(io);
  io.restart();
  while (!done) io.run_one();
}

}  // namespace

Client::Client(Options options) : options_(std::move(options)) {
  options_.reconnect.enabled = false;  // reconnection happens on demand, in the caller's call
}

Client::~Client() { close(); }

void Client::close() {
  session_changed_ = in_transaction_ = false;
  if (!connection_) return;
  connection_->Close();
  io_.restart();
  io_.run();
  connection_.reset();
}

void Client::set_push_handler(Connection::PushHandler handler) {
  push_handler_ = std::move(handler);
  if (connection_) connection_->set_push_handler(push_handler_);
}

resp::Protocol Client::protocol() const {
  return connection_ ? connection_->protocol() : resp::Protocol::kResp2;
}

bool Client::connected() {
  if (!connection_) return false;
  io_.restart();
  io_.poll();
  return connection_->connected();
}

void Client::connect() {
  if (connected()) return;
  ConnectNow();
}

void Client::EnsureConnected() {
  if (connected()) return;
  const auto now = std::chrono::steady_clock::now();
  if (failed_attempts_ > 0 && now < next_attempt_) {
    throw Error(ErrorKind::kNotConnected,
                detail::Cat("not connected to ", options_.Endpoint(), " (next attempt in ",
                             std::chrono::duration_cast<std::chrono::milliseconds>(next_attempt_ - now)
                                 .count(),
                             " ms); the command was not sent"),
                true);
  }
  ConnectNow();
}

void Client::ConnectNow() {
  if (!connection_) {
    connection_ = Connection::Create(io_.get_executor(), options_);
    if (push_handler_) connection_->set_push_handler(push_handler_);
  }
  bool done = false;
  std::exception_ptr failure;
  connection_->Connect([&](std::exception_ptr error) {
    failure = error;
    done = true;
  });
  RunUntil(io_, done);
  if (failure) {
    ++failed_attempts_;
    next_attempt_ = std::chrono::steady_clock::now() +
                    detail::Backoff(options_.reconnect, failed_attempts_ - 1, jitter_random_);
    std::rethrow_exception(failure);
  }
  failed_attempts_ = 0;
}

std::vector<resp::Reply> Client::execute(const Request& request) { return Execute(request); }

std::vector<resp::Reply> Client::Execute(Request request) {
  EnsureConnected();
  for (const Request::Shape& shape : request.shapes()) {
    switch (shape.effect) {
      case SessionEffect::kNone: break;
      case SessionEffect::kOpensTransaction: in_transaction_ = true; break;
      case SessionEffect::kClosesTransaction: in_transaction_ = false; break;
      case SessionEffect::kChangesSession: session_changed_ = true; break;
    }
  }
  bool done = false;
  std::exception_ptr failure;
  std::vector<resp::Reply> replies;
  connection_->Submit(std::move(request),
                      [&](std::exception_ptr error, std::vector<resp::Reply> answer) {
                        failure = error;
                        replies = std::move(answer);
                        done = true;
                      });
  RunUntil(io_, done);
  if (failure) std::rethrow_exception(failure);
  return replies;
}

resp::Reply Client::RunCommand(const Command& command,
                               std::optional<std::chrono::milliseconds> timeout) {
  Request request(command);
  if (timeout) request.set_timeout(*timeout);
  return std::move(Execute(std::move(request)).front());
}

}  // namespace understudy::client
