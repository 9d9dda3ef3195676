#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "client/client.h"
#include "client/options.h"

namespace understudy::client {

struct PoolOptions {
  size_t max_size = 8;                            // connections at most
  std::chrono::milliseconds wait_timeout{5000};   // for a free one, before Error(kTimeout)
};

// A thread-safe pool of synchronous clients. acquire() lends one client to one thread until
// the lease ends; it hands out only a connected client (one found broken is reconnected
// first), and never more than max_size at once. A client returned with state left on its
// connection (Client::reusable) is closed, so the next user starts clean.
class ClientPool {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), client_(std::move(other.client_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Client& operator*() const { return *client_; }
    Client* operator->() const { return client_.get(); }

   private:
    friend class ClientPool;
    Lease(ClientPool* pool, std::unique_ptr<Client> client)
        : pool_(pool), client_(std::move(client)) {}
    ClientPool* pool_;
    std::unique_ptr<Client> client_;
  };

  explicit ClientPool(Options options, PoolOptions pool = {});
  ~ClientPool();
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;

  // Throws Error: kTimeout when none is free within wait_timeout, or the connect error.
  Lease acquire();

  const Options& options() const { return options_; }
  size_t open_count() const;

 private:
  void Return(std::unique_ptr<Client> client);

  Options options_;
  PoolOptions pool_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Client>> idle_;
  size_t open_ = 0;  // clients created and not discarded, lent or idle
};

}  // namespace understudy::client
