#include "client/pool.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/error.h"
#include "client/reply_cast.h"
#include "gtest/gtest.h"
#include "tests/client/client_fixture.h"

namespace understudy::client {
namespace {

using std::chrono::milliseconds;
using testing::ClientTest;

class PoolTest : public ClientTest {};

TEST_P(PoolTest, LeasesAreConnectedAndReused) {
  ClientPool pool(options(), PoolOptions{.max_size = 2});
  {
    ClientPool::Lease lease = pool.acquire();
    EXPECT_TRUE(lease->connected());
    lease->set("k", "v");
  }
  {
    ClientPool::Lease lease = pool.acquire();
    EXPECT_EQ(lease->get("k"), "v");
  }
  EXPECT_EQ(pool.open_count(), 1u);  // the returned client was lent again
}

// A lease returned mid-transaction, in another database or subscribed would hand its state to
// the next user: the pool closes such a connection, and the next lease starts clean.
TEST_P(PoolTest, StateLeftOnAConnectionIsNotLentOn) {
  ClientPool pool(options(), PoolOptions{.max_size = 1});
  {
    ClientPool::Lease lease = pool.acquire();
    lease->set("k", "db0");
    lease->command("SELECT", "1");
    lease->command("MULTI");
    EXPECT_FALSE(lease->reusable());
  }
  {
    ClientPool::Lease lease = pool.acquire();
    EXPECT_TRUE(lease->reusable());
    EXPECT_EQ(lease->get("k"), "db0");  // database 0, and not QUEUED inside a MULTI
    lease->transaction(Request().Add("SET", "k", "in-tx"));
    lease->optimistic({"k"}, [](Client&) { return Request().Add("SET", "k", "watched"); });
    EXPECT_TRUE(lease->reusable());  // transactions that ended leave nothing behind
  }
  {
    ClientPool::Lease lease = pool.acquire();
    EXPECT_EQ(lease->get("k"), "watched");
    lease->command("WATCH", "k");
  }
  ClientPool::Lease lease = pool.acquire();
  EXPECT_TRUE(lease->reusable());
  EXPECT_EQ(pool.open_count(), 1u);
}

TEST_P(PoolTest, WaitingBeyondTheSizeLimitTimesOut) {
  ClientPool pool(options(), PoolOptions{.max_size = 2, .wait_timeout = milliseconds(100)});
  ClientPool::Lease first = pool.acquire();
  ClientPool::Lease second = pool.acquire();
  try {
    pool.acquire();
    FAIL() << "the pool is exhausted";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kTimeout);
    EXPECT_TRUE(error.retry_safe());
  }
  EXPECT_EQ(pool.open_count(), 2u);
}

TEST_P(PoolTest, AWaiterGetsTheLeaseReturnedByAnotherThread) {
  ClientPool pool(options(), PoolOptions{.max_size = 1, .wait_timeout = std::chrono::seconds(20)});
  std::optional<ClientPool::Lease> held(pool.acquire());
  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    ClientPool::Lease lease = pool.acquire();
    acquired = true;
    EXPECT_EQ(lease->ping(), "PONG");
  });
  EXPECT_FALSE(acquired);
  held.reset();
  waiter.join();
  EXPECT_TRUE(acquired);
}

TEST_P(PoolTest, LeasesFromManyThreads) {
  constexpr int kThreads = 8;
  constexpr int kLeasesEach = 50;
  constexpr size_t kSize = 3;
  ClientPool pool(options(), PoolOptions{.max_size = kSize, .wait_timeout = std::chrono::seconds(20)});
  std::atomic<int> in_use{0};
  std::atomic<int> most_in_use{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kLeasesEach; ++i) {
        ClientPool::Lease lease = pool.acquire();
        const int now = ++in_use;
        int seen = most_in_use.load();
        while (now > seen && !most_in_use.compare_exchange_weak(seen, now)) {
        }
        const std::string value = std::to_string(t) + "/" + std::to_string(i);
        lease->incr("total");
        if (reply_cast::String(lease->command("ECHO", value)) != value) ++wrong;
        --in_use;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(most_in_use.load(), static_cast<int>(kSize));
  EXPECT_LE(pool.open_count(), kSize);
  ClientPool::Lease lease = pool.acquire();
  EXPECT_EQ(lease->get("total"), std::to_string(kThreads * kLeasesEach));
}

TEST_P(PoolTest, ConnectFailureIsThrownAndTheSlotIsNotLost) {
  Options wrong = options();
  wrong.username = "no-such-user";
  wrong.password = "pw";
  ClientPool pool(wrong, PoolOptions{.max_size = 1, .wait_timeout = milliseconds(100)});
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      pool.acquire();
      FAIL() << "the credentials are wrong";
    } catch (const Error& error) {
      // Each attempt reaches the server again (not kTimeout: the failed client was returned).
      EXPECT_NE(error.kind(), ErrorKind::kTimeout) << error.what();
    }
  }
}

TEST(PoolConfigTest, ZeroSizeIsAConfigError) {
  try {
    ClientPool pool(Options{}, PoolOptions{.max_size = 0});
    FAIL() << "max_size 0 must be refused";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kConfig);
  }
}

UNDERSTUDY_CLIENT_BACKENDS(PoolTest);

}  // namespace
}  // namespace understudy::client
