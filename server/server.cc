#include "server/server.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "asio/write.hpp"
#include "server/connection.h"
#include "spdlog/spdlog.h"

namespace understudy::server {

Server::Server(asio::io_context& io, Engine& engine) : io_(io), engine_(engine) {}

Server::~Server() = default;

absl::Status Server::Listen() {
  const Config& config = engine_.config();
  port_ = config.port;
  for (const std::string& address : config.bind) {
    std::error_code error;
    const asio::ip::address ip = asio::ip::make_address(address, error);
    if (error) return absl::InvalidArgumentError(absl::StrCat("bad bind address ", address));
    auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(io_);
    const asio::ip::tcp::endpoint endpoint(ip, port_);
    acceptor->open(endpoint.protocol(), error);
    if (!error) acceptor->set_option(asio::socket_base::reuse_address(true), error);
    if (!error) acceptor->bind(endpoint, error);
    if (!error) acceptor->listen(asio::socket_base::max_listen_connections, error);
    if (error) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", address, ":", port_, ": ", error.message()));
    }
    // With port 0 the first address picks the port and the others share it.
    port_ = acceptor->local_endpoint().port();
    engine_.mutable_config().port = port_;  // what INFO and CONFIG GET report
    spdlog::info("Ready to accept connections on {}:{}", address, port_);
    Accept(*acceptor);
    acceptors_.push_back(std::move(acceptor));
  }
  return absl::OkStatus();
}

void Server::Accept(asio::ip::tcp::acceptor& acceptor) {
  acceptor.async_accept(
      [this, &acceptor](const std::error_code& error, asio::ip::tcp::socket socket) {
        if (stopped_) return;
        if (error) {
          spdlog::warn("accept failed: {}", error.message());
        } else if (static_cast<int64_t>(connections_.size()) >= engine_.config().maxclients) {
          static constexpr std::string_view kFull = "-ERR max number of clients reached\r\n";
          std::error_code ignored;
          asio::write(socket, asio::buffer(kFull.data(), kFull.size()), ignored);
        } else {
          auto connection = std::make_shared<Connection>(std::move(socket), engine_, *this);
          connections_.emplace(connection->id(), connection);
          connection->Start();
        }
        Accept(acceptor);
      });
}

void Server::Forget(uint64_t client_id) { connections_.erase(client_id); }

void Server::Stop() {
  if (stopped_) return;
  stopped_ = true;
  std::error_code ignored;
  for (auto& acceptor : acceptors_) acceptor->close(ignored);
  // Close() erases from the map, so close from a snapshot.
  std::vector<std::shared_ptr<Connection>> open;
  for (auto& [id, weak] : connections_) {
    if (auto connection = weak.lock()) open.push_back(std::move(connection));
  }
  for (auto& connection : open) connection->Close();
}

}  // namespace understudy::server
