#include "client/detail/in_process_stream.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "asio/error.hpp"
#include "asio/execution/outstanding_work.hpp"
#include "asio/prefer.hpp"
#include "asio/post.hpp"
#include "server/runtime/engine_host.h"
#include "server/runtime/engine_stream.h"

namespace understudy::client::detail {

InProcessStream::InProcessStream(asio::any_io_executor executor,
                                 std::shared_ptr<runtime::EngineHost> host)
    : host_(std::move(host)), inbox_(std::make_shared<Inbox>()) {
  inbox_->executor = std::move(executor);
  std::weak_ptr<Inbox> weak = inbox_;
  stream_ = host_->OpenStream(
      [weak](std::string bytes) {
        auto inbox = weak.lock();
        if (!inbox) return;
        std::lock_guard lock(inbox->mutex);
        if (inbox->read == inbox->bytes.size()) {
          inbox->bytes = std::move(bytes);
          inbox->read = 0;
        } else {
          inbox->bytes.append(bytes);
        }
        inbox->CompleteLocked();
      },
      [weak] {
        auto inbox = weak.lock();
        if (!inbox) return;
        std::lock_guard lock(inbox->mutex);
        inbox->closed = true;
        inbox->CompleteLocked();
      });
}

InProcessStream::~InProcessStream() {
  if (!inbox_) return;
  Close();
  // The engine's thread may hold the inbox a moment longer (an output callback in flight) and
  // drop the last reference after the client's io_context is gone: the executors, whose
  // strand lives in that io_context, are released here, on the client's side.
  std::lock_guard lock(inbox_->mutex);
  inbox_->executor = {};
  inbox_->waiting_work = {};
}

void InProcessStream::Write(std::string bytes) {
  if (stream_) stream_->Write(std::move(bytes));
}

void InProcessStream::AsyncReadSome(asio::mutable_buffer buffer,
                                    UniqueFunction<void(std::error_code, size_t)> handler) {
  std::lock_guard lock(inbox_->mutex);
  inbox_->buffer = buffer;
  inbox_->waiting = std::move(handler);
  inbox_->waiting_work = asio::prefer(inbox_->executor, asio::execution::outstanding_work.tracked);
  inbox_->CompleteLocked();
}

void InProcessStream::Inbox::CompleteLocked() {
  if (!waiting) return;
  const size_t available = bytes.size() - read;
  if (available == 0 && !closed) return;
  std::error_code error;
  size_t n = 0;
  if (available > 0) {
    n = std::min(available, buffer.size());
    std::memcpy(buffer.data(), bytes.data() + read, n);
    read += n;
    if (read == bytes.size()) {
      bytes.clear();
      read = 0;
    }
  } else {
    error = asio::error::eof;
  }
  asio::post(executor, [handler = std::move(waiting), error, n]() mutable { handler(error, n); });
  waiting = {};
  waiting_work = {};
}

void InProcessStream::Close() {
  if (!inbox_) return;
  if (stream_) {
    stream_->Close();
    stream_.reset();
  }
  std::lock_guard lock(inbox_->mutex);
  inbox_->closed = true;
  if (inbox_->waiting) {
    asio::post(inbox_->executor, [handler = std::move(inbox_->waiting)]() mutable {
      handler(asio::error::operation_aborted, 0);
    });
    inbox_->waiting = {};
    inbox_->waiting_work = {};
  }
}

}  // namespace understudy::client::detail
