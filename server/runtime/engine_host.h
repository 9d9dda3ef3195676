#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "asio/executor_work_guard.hpp"
#include "asio/io_context.hpp"
#include "server/engine/config.h"
#include "server/engine/engine.h"
#include "server/runtime/asio_executor.h"
#include "server/runtime/engine_stream.h"
#include "store/clock.h"

namespace understudy::runtime {

class EngineHost;

// Runs an engine on a thread of its own and serves in-process streams (EngineStream) from any
// thread: the client library's embedded mode stands on it. Timers (expiry, blocking deadlines, idle
// timeouts) run on the same thread, and a busy script serves the other clients from inside its
// run, as the network server does.
class EngineHost {
 public:
  // The clock must outlive the host; by default the system clock.
  explicit EngineHost(engine::Config config, const store::Clock* clock = nullptr);
  // Closes every stream (each learns it through its close callback) and stops the thread.
  ~EngineHost();
  EngineHost(const EngineHost&) = delete;
  EngineHost& operator=(const EngineHost&) = delete;

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
  friend class EngineStream;

  store::SystemClock system_clock_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  AsioExecutor executor_;
  std::unique_ptr<engine::Engine> engine_;
  bool stopping_ = false;  // the destructor runs: a busy script no longer serves the loop
  // Streams the engine knows, kept alive until closed.
  absl::flat_hash_map<uint64_t, std::shared_ptr<EngineStream>> streams_;
  std::thread thread_;
};

}  // namespace understudy::runtime
