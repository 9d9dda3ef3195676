#include "server/connection.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <system_error>
#include <utility>

#include "asio/buffer.hpp"
#include "asio/post.hpp"
#include "resp/base/mapped.h"
#include "server/engine/request_input.h"
#include "server/server.h"
#include "store/value.h"
#include "spdlog/spdlog.h"

namespace understudy::server {
namespace {

constexpr size_t kInitialInput = 16 * 1024;
constexpr size_t kMinReadSpace = 4 * 1024;
// Unparsed input read ahead of the requests being run; beyond it reading waits for them.
constexpr size_t kReadAhead = 16 * 1024;
// One read takes at most this much, so a large argument arrives in steps between which the
// event loop serves other clients.
constexpr size_t kMaxReadStep = 1024 * 1024;
// Input storage above this size is given back once it holds little.
constexpr size_t kKeepInputCapacity = 64 * 1024;
// Output storage above this size is given back once sent.
constexpr size_t kKeepOutputCapacity = 64 * 1024;
// One turn of a pipeline: at most this many requests or this much input, then others go.
constexpr size_t kSliceCommands = 1000;
constexpr size_t kSliceBytes = 64 * 1024;

// Uninitialised storage, null if memory ran out; large blocks are mapped (base::MapBlock).
InputBytes AllocateInput(size_t size) {
  if (size < base::kMapThreshold) {
    return InputBytes(new (std::nothrow) char[size], InputDeleter{0});
  }
  char* block = base::MapBlock(size);
  return InputBytes(block, InputDeleter{block != nullptr ? size : 0});
}

// "ip:port" as CLIENT LIST shows addr and laddr.
std::string EndpointText(const asio::ip::tcp::endpoint& endpoint) {
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace

void InputDeleter::operator()(char* bytes) const {
  if (mapped == 0) {
    delete[] bytes;
  } else {
    base::UnmapBlock(bytes, mapped);
  }
}

Connection::Connection(asio::ip::tcp::socket socket, engine::Engine& engine, Server& server)
    : socket_(std::move(socket)),
      engine_(engine),
      server_(server),
      parser_(engine.config().proto_max_bulk_len),
      input_(AllocateInput(kInitialInput)),
      input_capacity_(input_ ? kInitialInput : 0),
      input_peak_(input_capacity_) {
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
  if (executing_) {
    close_deferred_ = true;
    return;
  }
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
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Serve(); });
}

void Connection::RequestClose() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Close(); });
}

bool Connection::OutputPaused() const {
  const int64_t threshold = engine_.config().client_output_pause_threshold;
  return threshold > 0 &&
         client_->output.size() + writing_.size() >= static_cast<size_t>(threshold);
}

engine::BufferFigures Connection::buffers() const {
  return {.query_buffer = input_end_ - input_begin_,
          .query_buffer_free = input_capacity_ - input_end_,
          .read_buffer_size = input_capacity_,
          .read_buffer_peak = input_peak_,
          .output_in_flight = OutputInFlight()};
}

void Connection::Serve() {
  if (closed_ || executing_) return;  // the running request's Serve goes on once it is done
  const Stop stop = RunRequests();
  CompactInput();
  Flush();
  if (closed_) return;
  starved_ = stop == Stop::kNeedInput;
  if (stop == Stop::kSliceDone && !serve_posted_) {
    // Yield: the continuation queues behind the other clients' ready events.
    serve_posted_ = true;
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      self->serve_posted_ = false;
      self->Serve();
    });
  }
  Read();
}

Connection::Stop Connection::RunRequests() {
  parser_.set_max_bulk_length(engine_.config().proto_max_bulk_len);
  const size_t slice_start = input_begin_;
  size_t commands = 0;
  while (true) {
    if (!engine::TakesRequests(*client_) || OutputPaused()) return Stop::kWaiting;
    if (input_begin_ == input_end_) return Stop::kNeedInput;
    if (commands == kSliceCommands || input_begin_ - slice_start >= kSliceBytes) {
      return Stop::kSliceDone;
    }
    const std::string_view pending(input_.get() + input_begin_, input_end_ - input_begin_);
    const auto status = parser_.Parse(pending);
    if (status == resp::RequestParser::Status::kNeedMore) return Stop::kNeedInput;
    if (status == resp::RequestParser::Status::kError) {
      engine::ReplyProtocolError(*client_, parser_.error());
      return Stop::kWaiting;
    }
    executing_ = true;
    const char* adopted = ExecuteOfferingBulk();
    executing_ = false;
    if (close_deferred_) {
      Close();
      return Stop::kWaiting;
    }
    input_begin_ += parser_.consumed();
    ++commands;
    if (adopted != nullptr && !MoveLeftoverFrom(adopted)) return Stop::kWaiting;
  }
}

const char* Connection::ExecuteOfferingBulk() {
  const size_t bulk_at = std::exchange(bulk_at_, 0);
  const char* bulk = input_.get() + bulk_at;
  const auto args = parser_.args();
  const auto arg = std::find_if(args.begin(), args.end(),
                                [&](std::string_view a) { return a.data() == bulk; });
  if (bulk_at == 0 || input_.get_deleter().mapped == 0 || arg == args.end()) {
    engine_.Execute(*client_, args);
    return nullptr;
  }
  store::BulkAdoptionScope scope(
      {.block = input_.get(), .mapped = input_.get_deleter().mapped, .bytes = *arg});
  engine_.Execute(*client_, args);
  if (!scope.adopted()) return nullptr;
  return input_.release();  // the store owns the block now and unmaps it with the value
}

bool Connection::MoveLeftoverFrom(const char* adopted) {
  const size_t leftover = input_end_ - input_begin_;
  const size_t capacity = std::max(kInitialInput, leftover + kMinReadSpace);
  InputBytes fresh = AllocateInput(capacity);
  if (!fresh) {
    spdlog::warn("Closing client {}: out of memory for its input", engine_.ClientInfo(*client_));
    engine_.CloseClient(*client_);
    input_capacity_ = input_begin_ = input_end_ = 0;
    return false;
  }
  // Nothing ran since the adoption, so the block is still mapped.
  std::memcpy(fresh.get(), adopted + input_begin_, leftover);
  input_ = std::move(fresh);
  input_capacity_ = capacity;
  input_begin_ = 0;
  input_end_ = leftover;
  return true;
}

bool Connection::Reallocate(size_t capacity) {
  InputBytes fresh = AllocateInput(capacity);
  if (!fresh) return false;
  bulk_at_ = 0;
  const size_t pending = input_end_ - input_begin_;
  // The parser tracks positions relative to the request start, so moving it is safe.
  std::memcpy(fresh.get(), input_.get() + input_begin_, pending);
  input_ = std::move(fresh);
  input_capacity_ = capacity;
  input_peak_ = std::max(input_peak_, capacity);
  input_begin_ = 0;
  input_end_ = pending;
  return true;
}

void Connection::CompactInput() {
  if (input_begin_ == input_end_) input_begin_ = input_end_ = 0;
  if (input_capacity_ > kKeepInputCapacity && input_end_ - input_begin_ <= kInitialInput / 2 &&
      parser_.bytes_wanted() < kKeepInputCapacity) {
    Reallocate(kInitialInput);  // on failure the large block simply stays
  }
}

bool Connection::MapLargeBulk(size_t wanted) {
  const size_t pending = input_end_ - input_begin_;
  const size_t prefix = parser_.bulk_start();  // the request up to the bulk, "$N\r\n" included
  const size_t received = pending - prefix;
  // Room for the store's records before the bulk, which starts 16-byte aligned.
  const size_t bulk_at = (prefix + store::RawString::kAdoptionRoom + 15) & ~size_t{15};
  const size_t capacity = bulk_at + received + wanted + kMinReadSpace;
  InputBytes fresh = AllocateInput(capacity);
  if (!fresh) return false;
  const char* old = input_.get() + input_begin_;
  std::memcpy(fresh.get(), old, prefix);
  std::memcpy(fresh.get() + bulk_at, old + prefix, received);
  parser_.SkipBeforeBulk(bulk_at - prefix);
  input_ = std::move(fresh);
  input_capacity_ = capacity;
  input_peak_ = std::max(input_peak_, capacity);
  input_begin_ = 0;
  input_end_ = bulk_at + received;
  bulk_at_ = bulk_at;
  return true;
}

bool Connection::MakeRoom(size_t wanted) {
  const size_t needed = std::max(wanted, kMinReadSpace);
  if (input_capacity_ - input_end_ >= needed) return true;
  const size_t pending = input_end_ - input_begin_;
  if (wanted >= base::kMapThreshold) return MapLargeBulk(wanted);
  if (wanted >= kKeepInputCapacity) {
    // A large argument: storage for exactly the rest of the request (and the next line), so
    // it is read in place, never copied through a growing buffer.
    return Reallocate(pending + wanted + kMinReadSpace);
  }
  if (input_begin_ > 0 && input_capacity_ - pending >= needed) {
    std::memmove(input_.get(), input_.get() + input_begin_, pending);
    bulk_at_ = 0;
    input_begin_ = 0;
    input_end_ = pending;
    return true;
  }
  return Reallocate(std::max(input_capacity_ * 2, pending + needed));
}

void Connection::Read() {
  if (reading_ || closed_ || client_->closing || client_->close_after_reply || OutputPaused()) {
    return;
  }
  // Complete requests wait to run: read further only a little ahead of them.
  if (!starved_ && input_end_ - input_begin_ >= kReadAhead) return;
  if (!MakeRoom(parser_.bytes_wanted())) {
    spdlog::warn("Closing client {}: out of memory for its input", engine_.ClientInfo(*client_));
    Close();
    return;
  }
  reading_ = true;
  const size_t space = std::min(input_capacity_ - input_end_, kMaxReadStep);
  socket_.async_read_some(asio::buffer(input_.get() + input_end_, space),
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
  engine_.CountNetInput(bytes);
  client_->last_interaction_ms = engine_.clock().NowMs();
  const std::string_view pending(input_.get() + input_begin_, input_end_ - input_begin_);
  if (engine::CloseIfQueryBufferFull(engine_, *client_, pending)) return;
  Serve();
}

void Connection::Flush() {
  if (closed_ || executing_ || writing_in_flight_ || client_->closing) return;
  if (writing_.empty()) {  // OnWritten empties it once it is all sent
    if (client_->output.empty()) {
      if (client_->close_after_reply) Close();
      return;
    }
    std::swap(client_->output, writing_);
  }
  writing_in_flight_ = true;
  socket_.async_write_some(asio::buffer(writing_.data() + written_, writing_.size() - written_),
                           [self = shared_from_this()](const std::error_code& error, size_t bytes) {
                             self->OnWritten(error, bytes);
                           });
}

void Connection::OnWritten(const std::error_code& error, size_t bytes) {
  writing_in_flight_ = false;
  if (closed_) return;
  if (error) {
    spdlog::debug("client {}: write failed: {}", id_, error.message());
    Close();
    return;
  }
  written_ += bytes;
  engine_.CountNetOutput(bytes);
  client_->last_interaction_ms = engine_.clock().NowMs();
  if (written_ == writing_.size()) {
    written_ = 0;
    writing_.clear();
    // A buffer that grew for a large reply goes back; client_->output receives this one next.
    if (writing_.capacity() > kKeepOutputCapacity) std::string().swap(writing_);
  }
  // Draining may end a pause on output: run what waits, send, read.
  Serve();
}

}  // namespace understudy::server
