#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "asio/executor_work_guard.hpp"
#include "asio/io_context.hpp"
#include "resp/reply.h"
#include "server/engine/config.h"
#include "server/engine/engine.h"
#include "server/runtime/asio_executor.h"
#include "server/runtime/engine_stream.h"
#include "store/clock.h"

namespace understudy::runtime {

class EngineHost;

// One in-process client of an EngineHost: what a socket connection is to the network server.
// Every method may be called from any thread. Requests run in the order they were sent; a
// request that blocks (BLPOP) holds the ones after it, as on a connection.
class EngineSession : public engine::ClientTransport,
                      public std::enable_shared_from_this<EngineSession> {
 public:
  using ReplyCallback = std::function<void(resp::Reply)>;
  using PushCallback = std::function<void(resp::Reply)>;
  using CloseCallback = std::function<void()>;

  // Runs one request; `done` is called on the engine's thread with its reply (an error reply is
  // a reply). If the session is closed first, `done` gets the error "ERR connection closed".
  void Execute(std::vector<std::string> args, ReplyCallback done);
  // The same, waited for through a future.
  std::future<resp::Reply> Execute(std::vector<std::string> args);
  // Closes the session; pending requests are answered with the closed error.
  void Close();

  uint64_t id() const { return id_; }

  // engine::ClientTransport, called on the engine's thread.
  void OutputReady() override;
  void Resumed() override;
  void RequestClose() override;

 private:
  friend class EngineHost;
  struct Request {
    std::vector<std::string> args;
    ReplyCallback done;
  };

  EngineSession(EngineHost& host, PushCallback on_push, CloseCallback on_close);
  // Engine-thread parts.
  void Open();
  void RunQueued();
  // Hands every complete reply or push in the client's output to its receiver. Pub/Sub messages
  // go to on_push under RESP2 too; a (P|S)(UN)SUBSCRIBE request is answered with its last
  // confirmation (the one with the final count), the others are dropped.
  void Deliver();
  // Closes now, or once the running request is done (see executing_); on_close is called if
  // `tell`.
  void CloseSoon(bool tell);
  void CloseNow();

  EngineHost& host_;
  PushCallback on_push_;
  CloseCallback on_close_;
  engine::Client* client_ = nullptr;  // engine-owned; null before Open and after close
  uint64_t id_ = 0;
  std::vector<Request> queue_;  // not yet executed
  struct Awaiting {
    ReplyCallback done;
    bool subscribe = false;  // a (P|S)(UN)SUBSCRIBE: answered by confirmations
  };
  // Answers the oldest request waiting for its reply.
  void Answer(resp::Reply reply);

  std::vector<Awaiting> awaiting_;  // executed, reply not yet delivered, in order
  bool closed_ = false;
  // A request of this session is running. A busy script serves the event loop from inside it,
  // where this session's posted work may run: new requests wait in queue_ for the running
  // loop, and a close waits for the request.
  bool executing_ = false;
  bool close_deferred_ = false;
  bool tell_deferred_close_ = false;
};

// Runs an engine on a thread of its own and serves in-process sessions from any thread: the
// client library's embedded mode stands on it. Timers (expiry, blocking deadlines, idle
// timeouts) run on the same thread, and a busy script serves the other clients from inside its
// run, as the network server does.
class EngineHost {
 public:
  // The clock must outlive the host; by default the system clock.
  explicit EngineHost(engine::Config config, const store::Clock* clock = nullptr);
  // Closes every session and stream (each learns it through its close callback) and stops the
  // thread.
  ~EngineHost();
  EngineHost(const EngineHost&) = delete;
  EngineHost& operator=(const EngineHost&) = delete;

  // Opens a session; on_push receives out-of-band messages (Pub/Sub, invalidations), on_close
  // is called once if the engine closes the session (CLIENT KILL, host shutdown).
  std::shared_ptr<EngineSession> Connect(EngineSession::PushCallback on_push = {},
                                         EngineSession::CloseCallback on_close = {});

  // Opens a byte stream (see EngineStream): on_output receives reply and push bytes, on_close
  // is called once if the engine closes the stream (QUIT, a protocol error, CLIENT KILL, host
  // shutdown).
  std::shared_ptr<EngineStream> OpenStream(EngineStream::OutputCallback on_output,
                                           EngineStream::CloseCallback on_close = {});

  // Runs fn on the engine's thread with the engine and waits for it (tests, introspection).
  void Run(const std::function<void(engine::Engine&)>& fn);
  // Moves the engine's time forward (see engine::Engine::AdvanceClock): what a test of TTLs
  // calls instead of sleeping. Keys due by then have expired when it returns.
  void AdvanceClock(std::chrono::milliseconds by);

 private:
  friend class EngineSession;
  friend class EngineStream;

  store::SystemClock system_clock_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  AsioExecutor executor_;
  std::unique_ptr<engine::Engine> engine_;
  bool stopping_ = false;  // the destructor runs: a busy script no longer serves the loop
  // Sessions the engine knows, kept alive until closed.
  absl::flat_hash_map<uint64_t, std::shared_ptr<EngineSession>> sessions_;
  absl::flat_hash_map<uint64_t, std::shared_ptr<EngineStream>> streams_;
  std::thread thread_;
};

}  // namespace understudy::runtime
