#include "server/connection.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "asio/buffer.hpp"
#include "asio/post.hpp"
#include "asio/write.hpp"
#include "server/server.h"
#include "spdlog/spdlog.h"

namespace understudy::server {
namespace {

constexpr size_t kInitialInput = 16 * 1024;
constexpr size_t kMinReadSpace = 4 * 1024;
// How far ahead of the bytes received a large announced argument may reserve: the buffer then
// doubles as data arrives, so a client announcing a huge bulk it never sends costs little.
constexpr size_t kMaxReadAhead = 1024 * 1024;
// Stop reading a client whose unsent replies pass this; resume once they drain.
constexpr size_t kMaxPendingOutput = 64 * 1024 * 1024;


// "ip:port" as CLIENT LIST shows addr and laddr.
std::string EndpointText(const asio::ip::tcp::endpoint& endpoint) {
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, engine::Engine& engine, Server& server)
    : socket_(std::move(socket)),
      engine_(engine),
      server_(server),
      parser_(engine.config().proto_max_bulk_len),
      input_(std::make_unique_for_overwrite<char[]>(kInitialInput)),
      input_capacity_(kInitialInput) {
  std::error_code ignored;
  client_ = &engine_.Register(this, EndpointText(socket_.remote_endpoint(ignored)),
                              EndpointText(socket_.local_endpoint(ignored)),
                              static_cast<int>(socket_.native_handle()));
  id_ = client_->id;
}

void Connection::Start() {
  std::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  spdlog::debug("client {}: accepted from {}", id_, client_->addr);
  Read();
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  std::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  spdlog::debug("client {}: closed", id_);
  engine_.Unregister(*client_);
  client_ = nullptr;
  server_.Forget(id_);
}

void Connection::OutputReady() { Flush(); }

void Connection::Resumed() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    if (self->closed_) return;
    self->ProcessInput();
    self->Flush();
    self->Read();
  });
}

void Connection::RequestClose() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Close(); });
}

void Connection::ReserveInput(size_t want) {
  if (input_capacity_ - input_end_ >= want) return;
  const size_t pending = input_end_ - input_begin_;
  // Slide the unconsumed bytes (the start of a partial request) to the front; the parser
  // tracks positions relative to the request start, so the move is safe.
  if (input_begin_ > 0) {
    std::memmove(input_.get(), input_.get() + input_begin_, pending);
    input_begin_ = 0;
    input_end_ = pending;
  }
  if (input_capacity_ - input_end_ >= want) return;
  const size_t capacity = std::max(input_capacity_ * 2, input_end_ + want);
  auto grown = std::make_unique_for_overwrite<char[]>(capacity);
  std::memcpy(grown.get(), input_.get(), input_end_);
  input_ = std::move(grown);
  input_capacity_ = capacity;
}

void Connection::ShrinkIdleInput() {
  if (input_begin_ != input_end_ || input_capacity_ <= kMaxReadAhead) return;
  input_ = std::make_unique_for_overwrite<char[]>(kInitialInput);
  input_capacity_ = kInitialInput;
  input_begin_ = input_end_ = 0;
}

void Connection::Read() {
  if (reading_ || closed_ || client_->close_after_reply) return;
  // A large bulk argument announces its size: read it in large steps, not 4 KB at a time.
  ReserveInput(std::clamp(parser_.bytes_wanted(), kMinReadSpace, kMaxReadAhead));
  reading_ = true;
  socket_.async_read_some(asio::buffer(input_.get() + input_end_, input_capacity_ - input_end_),
                          [self = shared_from_this()](const std::error_code& error, size_t bytes) {
                            self->OnRead(error, bytes);
                          });
}

void Connection::OnRead(const std::error_code& error, size_t bytes) {
  reading_ = false;
  if (closed_) return;
  if (error) {
    if (error != asio::error::eof && error != asio::error::operation_aborted) {
      spdlog::debug("client {}: read failed: {}", id_, error.message());
    }
    Close();
    return;
  }
  input_end_ += bytes;
  ProcessInput();
  Flush();
  if (!closed_ && client_->output.size() < kMaxPendingOutput) Read();
}

void Connection::ProcessInput() {
  while (input_begin_ < input_end_ && !client_->close_after_reply && !client_->is_blocked()) {
    const std::string_view pending(input_.get() + input_begin_, input_end_ - input_begin_);
    const auto status = parser_.Parse(pending);
    if (status == resp::RequestParser::Status::kNeedMore) break;
    if (status == resp::RequestParser::Status::kError) {
      spdlog::debug("client {}: {}", id_, parser_.error());
      resp::ReplyWriter(&client_->output, client_->protocol)
          .Error(std::string("ERR ") + std::string(parser_.error()));
      client_->close_after_reply = true;
      break;
    }
    engine_.Execute(*client_, parser_.args());
    input_begin_ += parser_.consumed();
  }
  if (input_begin_ == input_end_) {
    input_begin_ = input_end_ = 0;
    ShrinkIdleInput();
  }
}

void Connection::Flush() {
  if (closed_ || writing_in_flight_) return;
  if (client_->output.empty()) {
    if (client_->close_after_reply) Close();
    return;
  }
  std::swap(client_->output, writing_);
  writing_in_flight_ = true;
  asio::async_write(socket_, asio::buffer(writing_),
                    [self = shared_from_this()](const std::error_code& error, size_t) {
                      self->OnWritten(error);
                    });
}

void Connection::OnWritten(const std::error_code& error) {
  writing_in_flight_ = false;
  writing_.clear();
  if (closed_) return;
  if (error) {
    spdlog::debug("client {}: write failed: {}", id_, error.message());
    Close();
    return;
  }
  Flush();
  Read();
}

}  // namespace understudy::server
