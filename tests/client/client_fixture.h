#pragma once

#include <memory>
#include <optional>
#include <string>

#include "client/options.h"
#include "gtest/gtest.h"
#include "server/engine/config.h"
#include "server/runtime/engine_host.h"
#include "tests/support/server_process.h"

namespace understudy::client::testing {

// Where a client test's commands go: every client and facade test runs against all three.
enum class Backend { kRedis, kUnderstudy, kEmbedded };

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  switch (info.param) {
    case Backend::kRedis: return "Redis";
    case Backend::kUnderstudy: return "Understudy";
    case Backend::kEmbedded: return "Embedded";
  }
  return "Unknown";
}

// Starts the test's backend: a real redis-server or understudy-server on a free loopback port,
// or an engine inside the test process. options() reaches it.
class ClientTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { StartBackend(); }

  void StartBackend(std::vector<std::string> server_args = {}) {
    switch (GetParam()) {
      case Backend::kRedis: {
        auto server = understudy::testing::StartRedis(server_args);
        if (!server.ok()) GTEST_SKIP() << "no redis-server: " << server.status();
        server_.emplace(std::move(*server));
        break;
      }
      case Backend::kUnderstudy: {
        auto server = understudy::testing::StartUnderstudy(server_args);
        ASSERT_TRUE(server.ok()) << server.status();
        server_.emplace(std::move(*server));
        break;
      }
      case Backend::kEmbedded:
        engine_ = std::make_shared<runtime::EngineHost>(engine::Config{});
        break;
    }
  }

  Options options() const {
    Options options;
    if (engine_) {
      options.engine = engine_;
    } else {
      options.port = server_->port();
    }
    return options;
  }

  bool embedded() const { return GetParam() == Backend::kEmbedded; }
  understudy::testing::ServerProcess* server() { return server_ ? &*server_ : nullptr; }

  std::optional<understudy::testing::ServerProcess> server_;
  std::shared_ptr<runtime::EngineHost> engine_;
};

#define UNDERSTUDY_CLIENT_BACKENDS(suite)                                                      \
  INSTANTIATE_TEST_SUITE_P(Backends, suite,                                                    \
                           ::testing::Values(::understudy::client::testing::Backend::kRedis,   \
                                             ::understudy::client::testing::Backend::kUnderstudy, \
                                             ::understudy::client::testing::Backend::kEmbedded), \
                           ::understudy::client::testing::BackendName)

}  // namespace understudy::client::testing
