#include "server/server.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "asio/write.hpp"
#include "server/connection.h"
#include "server/engine/errors.h"
#include "spdlog/spdlog.h"

namespace understudy::server {
namespace {

// Writes a refusal and closes: a best effort, as in Redis.
void Refuse(asio::ip::tcp::socket& socket, std::string_view text) {
  std::error_code ignored;
  asio::write(socket, asio::buffer(text.data(), text.size()), ignored);
  socket.close(ignored);
}

}  // namespace

bool IsLoopback(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).is_loopback();
  }
  return address.is_loopback();
}

Server::Server(asio::io_context& io, Engine& engine) : io_(io), engine_(engine) {
  // A busy script serves the other clients from inside its run, as Redis does.
  engine_.set_busy_poller([this] { io_.poll(); });
}

Server::~Server() { engine_.set_busy_poller(nullptr); }

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
          Refuse(socket, engine::errors::kMaxClientsReached);
        } else if (std::error_code peer_error;
                   engine_.config().protected_mode && engine_.acl().default_user().nopass &&
                   !IsLoopback(socket.remote_endpoint(peer_error).address())) {
          Refuse(socket, engine::errors::kProtectedModeDenied);
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
  for (auto& [id, connection] : connections_) open.push_back(connection);
  for (auto& connection : open) connection->Close();
}

}  // namespace understudy::server
