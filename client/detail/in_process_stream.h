#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <system_error>

#include "asio/any_io_executor.hpp"
#include "asio/buffer.hpp"
#include "client/detail/unique_function.h"

namespace understudy::runtime {
class EngineHost;
class EngineStream;
}  // namespace understudy::runtime

namespace understudy::client::detail {

// The client's end of an in-process engine stream: the same RESP bytes a socket would carry,
// handed to and from the engine's thread, so that every feature behaves as over TCP.
class InProcessStream {
 public:
  InProcessStream(asio::any_io_executor executor, std::shared_ptr<runtime::EngineHost> host);
  ~InProcessStream();
  InProcessStream(InProcessStream&&) noexcept = default;
  InProcessStream& operator=(InProcessStream&&) noexcept = default;

  // Never blocks: the bytes are queued for the engine's thread.
  void Write(std::string bytes);
  // Completes on the executor with the bytes the engine sent, or eof once it closed the stream.
  void AsyncReadSome(asio::mutable_buffer buffer,
                     UniqueFunction<void(std::error_code, size_t)> handler);
  void Close();

 private:
  // Shared with the engine's thread, which appends output and wakes a waiting read.
  struct Inbox {
    std::mutex mutex;
    std::string bytes;
    size_t read = 0;  // bytes already handed to reads
    bool closed = false;
    asio::mutable_buffer buffer;
    UniqueFunction<void(std::error_code, size_t)> waiting;  // a read with nothing to read yet
    asio::any_io_executor executor;
    // The executor, counting the waiting read as outstanding work, as a socket's pending read
    // counts: without it io_context::run() returns while a reply is still on its way.
    asio::any_io_executor waiting_work;
    // Completes the waiting read if there is something for it; called with the mutex held,
    // posts the completion.
    void CompleteLocked();
  };
  std::shared_ptr<runtime::EngineHost> host_;
  std::shared_ptr<Inbox> inbox_;
  std::shared_ptr<runtime::EngineStream> stream_;
};

}  // namespace understudy::client::detail
