// understudy-server: a Redis-compatible in-memory server.
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>

#include "asio/io_context.hpp"
#include "asio/post.hpp"
#include "asio/signal_set.hpp"
#include "server/engine/config.h"
#include "server/engine/engine.h"
#include "server/runtime/asio_executor.h"
#include "server/server.h"
#include "spdlog/sinks/basic_file_sink.h"
#include "spdlog/spdlog.h"
#include "store/clock.h"

int main(int argc, char** argv) {
  auto config = understudy::engine::ParseCommandLine(argc, argv);
  if (!config.ok()) {
    std::fprintf(stderr, "understudy-server: %s\n", std::string(config.status().message()).c_str());
    std::fprintf(stderr,
                 "usage: understudy-server [config-file] [--port N] [--bind ADDR ...] "
                 "[--databases N] [--loglevel debug|verbose|notice|warning|nothing] "
                 "[--logfile PATH] [--<redis.conf directive> VALUE ...]\n");
    return 1;
  }
  if (!config->logfile.empty()) {
    spdlog::set_default_logger(spdlog::basic_logger_mt("understudy", config->logfile));
  }
  understudy::engine::ApplyLogLevel(config->loglevel);
  spdlog::flush_on(spdlog::level::info);
  for (const std::string& directive : config->ignored_directives) {
    spdlog::warn("'{}' is accepted for compatibility but not implemented: it has no effect",
                 directive);
  }
  // As Redis: room for maxclients descriptors, or fewer clients if the system refuses.
  config->maxclients = understudy::engine::RaiseOpenFilesLimit(config->maxclients);

  // As Redis: a client vanishing mid-write and a closed terminal must not kill the server.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGHUP, SIG_IGN);

  asio::io_context io(1);
  understudy::store::SystemClock clock;
  understudy::runtime::AsioExecutor executor(io);
  understudy::engine::Engine engine(clock, *config, executor);
  if (!config->aclfile.empty()) {
    if (absl::Status status = engine.LoadAclFile(); !status.ok()) {
      spdlog::critical("Aborting the start because of ACL errors: {}",
                       std::string(status.message()));
      return 1;
    }
  }
  understudy::server::Server server(io, engine);
  if (absl::Status status = server.Listen(); !status.ok()) {
    spdlog::critical("{}", std::string(status.message()));
    return 1;
  }
  engine.set_shutdown_handler([&] {
    asio::post(io, [&] {
      server.Stop();
      io.stop();
    });
  });
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const std::error_code& error, int signal_number) {
    if (error) return;
    spdlog::info("Received {}, shutting down", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    server.Stop();
    io.stop();  // the engine's timers would keep the loop running
  });
  // Last line of defence: the engine answers a failing command with an error, and whatever
  // else throws is logged and the loop goes on, so no single client's request stops the server.
  while (true) {
    try {
      io.run();
      break;
    } catch (const std::exception& e) {
      spdlog::error("event loop: unexpected exception: {}", e.what());
    }
  }
  spdlog::info("understudy-server stopped");
  return 0;
}
