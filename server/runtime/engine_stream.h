#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "resp/request_parser.h"
#include "server/engine/client.h"

namespace understudy::runtime {

class EngineHost;

// One in-process client of an EngineHost that speaks RESP as bytes, exactly as over a socket to
// understudy-server, with no socket: the client library's embedded mode writes the requests it
// would send and reads back the bytes the server would answer. Requests run in order; a request
// that blocks (BLPOP) or is paused (CLIENT PAUSE) holds the ones after it; replies and pushes
// (Pub/Sub messages, invalidations) come out in the order the server would send them; a protocol
// error is answered with Redis's error, then the stream closes; input over
// client-query-buffer-limit closes it without a reply. Write and Close may be called from any
// thread; the callbacks run on the engine's thread.
class EngineStream : public engine::ClientTransport,
                     public std::enable_shared_from_this<EngineStream> {
 public:
  // Reply and push bytes, in order: all that the requests at hand produced in one call.
  using OutputCallback = std::function<void(std::string bytes)>;
  // Called once if the engine closes the stream: after QUIT's reply, after a protocol error's
  // reply, on CLIENT KILL, a buffer limit or the host's shutdown.
  using CloseCallback = std::function<void()>;

  // Request bytes as a socket would carry them (RESP multibulk or inline), split anywhere.
  void Write(std::string bytes);
  // The client hangs up, as a socket closing: what was not run yet is dropped, and no callback
  // starts after this returns.
  void Close();

  uint64_t id() const { return id_; }

  // engine::ClientTransport, called on the engine's thread.
  void OutputReady() override;
  void Resumed() override;
  void RequestClose() override;
  engine::BufferFigures buffers() const override;

 private:
  friend class EngineHost;

  EngineStream(EngineHost& host, OutputCallback on_output, CloseCallback on_close);

  // Engine-thread parts.
  void Open();
  void Receive(std::string bytes);
  // Runs the complete requests received while the client takes them, then hands their output
  // over; closes the stream if a request asked for it (QUIT, a protocol error).
  void Serve();
  void RunRequests();
  void HandOutput();
  // Closes at the engine's request: on_close is called unless the client hung up first.
  void CloseByEngine();
  void CloseNow();
  std::string_view pending() const { return std::string_view(input_).substr(input_begin_); }

  EngineHost& host_;
  OutputCallback on_output_;
  CloseCallback on_close_;
  // Set by Close on the caller's thread, so callbacks stop at once.
  std::atomic<bool> hung_up_ = false;
  engine::Client* client_ = nullptr;  // engine-owned; null before Open and after close
  uint64_t id_ = 0;
  resp::RequestParser parser_;
  std::string input_;  // received bytes; those before input_begin_ have run
  size_t input_begin_ = 0;
  size_t input_peak_ = 0;  // largest input storage so far, for CLIENT LIST's rbp
  // A request of this client is running. A busy script serves the event loop from inside it,
  // where this stream's posted work may run: bytes written meanwhile wait in held_input_ (the
  // running request's arguments are views into input_), and a close waits for the request.
  bool executing_ = false;
  std::string held_input_;
  bool close_deferred_ = false;
  bool serve_posted_ = false;
  bool closed_ = false;
};

}  // namespace understudy::runtime
