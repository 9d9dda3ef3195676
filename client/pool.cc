#include "client/pool.h"

#include <utility>

#include "client/detail/text.h"
#include "client/error.h"

namespace understudy::client {

ClientPool::ClientPool(Options options, PoolOptions pool)
    : options_(std::move(options)), pool_(pool) {
  if (pool_.max_size == 0) throw Error(ErrorKind::kConfig, "a client pool needs max_size >= 1");
}

ClientPool::~ClientPool() = default;

ClientPool::Lease::~Lease() {
  if (client_) pool_->Return(std::move(client_));
}

ClientPool::Lease ClientPool::acquire() {
  std::unique_ptr<Client> client;
  {
    std::unique_lock lock(mutex_);
    const bool available = freed_.wait_for(lock, pool_.wait_timeout, [&] {
      return !idle_.empty() || open_ < pool_.max_size;
    });
    if (!available) {
      throw Error(ErrorKind::kTimeout,
                  detail::Cat("no connection to ", options_.Endpoint(), " free in the pool within ",
                               pool_.wait_timeout.count(), " ms (", pool_.max_size, " in use)"),
                  true);
    }
    if (!idle_.empty()) {
      client = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;
    }
  }
  if (!client) client = std::make_unique<Client>(options_);
  try {
    client->connect();
  } catch (...) {
    Return(std::move(client));
    throw;
  }
  return Lease(this, std::move(client));
}

void ClientPool::Return(std::unique_ptr<Client> client) {
  // The next user must find the connection as the options made it: no open transaction, no
  // other database, no subscription. Closing is rare and cheap; the next acquire reconnects.
  if (!client->reusable()) client->close();
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(client));
  }
  freed_.notify_one();
}

size_t ClientPool::open_count() const {
  std::lock_guard lock(mutex_);
  return open_;
}

}  // namespace understudy::client
