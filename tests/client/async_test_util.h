#pragma once

#include <chrono>
#include <exception>

#include "asio/io_context.hpp"
#include "client/async_client.h"
#include "client/command.h"
#include "resp/reply.h"

namespace understudy::client::testing {

// Runs the io_context on this thread until `done` holds, for at most 20 s.
template <typename Predicate>
bool RunUntil(asio::io_context& io, Predicate done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  io.restart();
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.run_one_for(std::chrono::milliseconds(50));
    io.restart();
  }
  return true;
}

// How one async_command ended.
struct CommandOutcome {
  bool finished = false;
  std::exception_ptr error;
  resp::Reply reply;
};

// Sends one command with a callback and runs the io_context until it is answered (bounded).
inline CommandOutcome RunCommand(asio::io_context& io, AsyncClient& client,
                                 const Command& command) {
  CommandOutcome outcome;
  client.async_command(command, [&](std::exception_ptr error, resp::Reply reply) {
    outcome.error = error;
    outcome.reply = std::move(reply);
    outcome.finished = true;
  });
  RunUntil(io, [&] { return outcome.finished; });
  return outcome;
}

}  // namespace understudy::client::testing
