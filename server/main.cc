// understudy-server: a Redis-compatible in-memory server.
#include <csignal>
#include <cstdio>
#include <memory>

#include "absl/strings/ascii.h"
#include "asio/io_context.hpp"
#include "asio/signal_set.hpp"
#include "server/engine/config.h"
#include "server/engine/engine.h"
#include "server/runtime/asio_executor.h"
#include "server/server.h"
#include "spdlog/sinks/basic_file_sink.h"
#include "spdlog/spdlog.h"
#include "store/clock.h"

namespace {

spdlog::level::level_enum LogLevel(const std::string& level) {
  if (level == "debug") return spdlog::level::debug;
  if (level == "verbose") return spdlog::level::debug;
  if (level == "warning") return spdlog::level::warn;
  if (level == "nothing") return spdlog::level::off;
  return spdlog::level::info;
}

}  // namespace

int main(int argc, char** argv) {
  auto config = understudy::engine::ParseCommandLine(argc, argv);
  if (!config.ok()) {
    std::fprintf(stderr, "understudy-server: %s\n", std::string(config.status().message()).c_str());
    std::fprintf(stderr,
                 "usage: understudy-server [config-file] [--port N] [--bind ADDR ...] "
                 "[--databases N] [--loglevel debug|verbose|notice|warning|nothing] "
                 "[--logfile PATH]\n");
    return 1;
  }
  if (!config->logfile.empty()) {
    spdlog::set_default_logger(spdlog::basic_logger_mt("understudy", config->logfile));
  }
  spdlog::set_level(LogLevel(config->loglevel));
  spdlog::flush_on(spdlog::level::info);

  // As Redis: a client vanishing mid-write and a closed terminal must not kill the server.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGHUP, SIG_IGN);

  asio::io_context io(1);
  understudy::store::SystemClock clock;
  understudy::runtime::AsioExecutor executor(io);
  understudy::engine::Engine engine(clock, *config, executor);
  understudy::server::Server server(io, engine);
  if (absl::Status status = server.Listen(); !status.ok()) {
    spdlog::critical("{}", std::string(status.message()));
    return 1;
  }
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const std::error_code& error, int signal_number) {
    if (error) return;
    spdlog::info("Received {}, shutting down", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    server.Stop();
    io.stop();  // the engine's timers would keep the loop running
  });
  io.run();
  spdlog::info("understudy-server stopped");
  return 0;
}
