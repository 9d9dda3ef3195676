#include "server/runtime/engine_host.h"

#include <future>
#include <memory>
#include <utility>
#include <vector>

#include "asio/post.hpp"

namespace understudy::runtime {

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
    std::vector<std::shared_ptr<EngineStream>> streams;
    for (auto& [id, stream] : streams_) streams.push_back(stream);
    for (auto& stream : streams) stream->CloseByEngine();
    engine_.reset();
  });
  work_.reset();
  io_.stop();
  thread_.join();
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
