#include "server/runtime/engine_stream.h"

#include <algorithm>
#include <utility>

#include "asio/post.hpp"
#include "server/engine/request_input.h"
#include "server/runtime/engine_host.h"

namespace understudy::runtime {
namespace {

// One turn of a pipeline, as on a socket: then the other clients' work goes first.
constexpr size_t kSliceCommands = 1000;
// Input storage above this size is given back once it holds little.
constexpr size_t kKeepInputCapacity = 64 * 1024;

}  // namespace

EngineStream::EngineStream(EngineHost& host, OutputCallback on_output, CloseCallback on_close)
    : host_(host), on_output_(std::move(on_output)), on_close_(std::move(on_close)) {}

void EngineStream::Open() {
  client_ = &host_.engine_->Register(this);
  id_ = client_->id;
  host_.streams_.emplace(id_, shared_from_this());
}

void EngineStream::Write(std::string bytes) {
  asio::post(host_.io_, [self = shared_from_this(), bytes = std::move(bytes)]() mutable {
    self->Receive(std::move(bytes));
  });
}

void EngineStream::Close() {
  hung_up_ = true;
  asio::post(host_.io_, [self = shared_from_this()] { self->CloseByEngine(); });
}

void EngineStream::Receive(std::string bytes) {
  if (closed_ || client_->closing) return;
  if (executing_) {
    held_input_ += bytes;
    return;
  }
  if (input_.empty()) {
    input_ = std::move(bytes);
  } else {
    input_ += bytes;
  }
  input_peak_ = std::max(input_peak_, input_.capacity());
  client_->last_interaction_ms = host_.engine_->clock().NowMs();
  if (engine::CloseIfQueryBufferFull(*host_.engine_, *client_, pending())) return;
  Serve();
}

void EngineStream::Serve() {
  if (closed_ || executing_) return;  // the running request's Serve goes on once it is done
  RunRequests();
  if (closed_) return;
  HandOutput();
  if (client_->close_after_reply) CloseByEngine();  // QUIT or a protocol error, answered
}

void EngineStream::RunRequests() {
  parser_.set_max_bulk_length(host_.engine_->config().proto_max_bulk_len);
  size_t commands = 0;
  while (engine::TakesRequests(*client_) && input_begin_ < input_.size()) {
    if (commands == kSliceCommands) {
      if (!serve_posted_) {
        serve_posted_ = true;
        asio::post(host_.io_, [self = shared_from_this()] {
          self->serve_posted_ = false;
          self->Serve();
        });
      }
      break;
    }
    const auto status = parser_.Parse(pending());
    if (status == resp::RequestParser::Status::kNeedMore) break;
    if (status == resp::RequestParser::Status::kError) {
      engine::ReplyProtocolError(*client_, parser_.error());
      break;
    }
    executing_ = true;
    host_.engine_->Execute(*client_, parser_.args());
    executing_ = false;
    input_begin_ += parser_.consumed();
    ++commands;
    if (close_deferred_) {
      CloseByEngine();
      return;
    }
    if (!held_input_.empty()) {
      input_ += held_input_;
      held_input_.clear();
      if (engine::CloseIfQueryBufferFull(*host_.engine_, *client_, pending())) break;
    }
  }
  // The parser counts from the start of the request it is in, so dropping what ran is safe.
  input_.erase(0, input_begin_);
  input_begin_ = 0;
  if (input_.capacity() > kKeepInputCapacity && input_.size() < kKeepInputCapacity / 4) {
    input_.shrink_to_fit();
  }
}

void EngineStream::HandOutput() {
  if (client_ == nullptr || client_->output.empty()) return;
  std::string bytes = std::move(client_->output);
  client_->output.clear();  // a moved-from string is only valid, not necessarily empty
  if (!hung_up_ && on_output_) on_output_(std::move(bytes));
}

void EngineStream::OutputReady() {
  if (!executing_) HandOutput();  // else the running request's Serve hands it over
}

void EngineStream::Resumed() {
  asio::post(host_.io_, [self = shared_from_this()] { self->Serve(); });
}

void EngineStream::RequestClose() {
  asio::post(host_.io_, [self = shared_from_this()] { self->CloseByEngine(); });
}

engine::BufferFigures EngineStream::buffers() const {
  return {.query_buffer = input_.size() - input_begin_,
          .query_buffer_free = input_.capacity() - input_.size(),
          .read_buffer_size = input_.capacity(),
          .read_buffer_peak = input_peak_};
}

void EngineStream::CloseByEngine() {
  if (closed_) return;
  if (executing_) {
    close_deferred_ = true;
    return;
  }
  const std::shared_ptr<EngineStream> self = shared_from_this();  // CloseNow drops the host's
  CloseNow();
  if (!hung_up_ && on_close_) on_close_();
}

void EngineStream::CloseNow() {
  closed_ = true;
  host_.engine_->Unregister(*client_);
  client_ = nullptr;
  std::string().swap(input_);
  std::string().swap(held_input_);
  // Last: this may drop the host's reference to the stream.
  host_.streams_.erase(id_);
}

}  // namespace understudy::runtime
