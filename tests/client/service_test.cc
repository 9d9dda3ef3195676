#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "client/error.h"
#include "client/service/config.h"
#include "client/service/embedded_redis.h"
#include "client/service/redis_service.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"
#include "tests/client/client_fixture.h"
#include "tests/support/server_process.h"

namespace understudy::client::service {
namespace {

using ::testing::HasSubstr;
using ::understudy::client::testing::ClientTest;

// ---- configuration

GetEnv Env(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const char* name) -> std::optional<std::string> {
    const auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

ServiceConfig FromEnv(std::map<std::string, std::string> variables) {
  return ServiceConfig::FromEnvironment(Env(std::move(variables)));
}

// The message of the Error(kConfig) that reading `variables` throws.
std::string ConfigError(std::map<std::string, std::string> variables) {
  try {
    FromEnv(std::move(variables));
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kConfig);
    return error.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(ServiceConfigTest, DefaultsWithNothingSet) {
  const ServiceConfig config = FromEnv({});
  EXPECT_EQ(config.host, "localhost");
  EXPECT_EQ(config.port, 6379);
  EXPECT_FALSE(config.tls);
  EXPECT_EQ(config.username, "");
  EXPECT_EQ(config.password, "");
  EXPECT_EQ(config.db, 0);
  EXPECT_EQ(config.fallback, Fallback::kEmbedded);
}

TEST(ServiceConfigTest, ReadsEveryVariable) {
  const ServiceConfig config = FromEnv({{"REDIS_HOST", "cache.internal"},
                                        {"REDIS_PORT", "6380"},
                                        {"REDIS_TLS", "true"},
                                        {"REDIS_USERNAME", "app"},
                                        {"REDIS_PASSWORD", "s3cret"},
                                        {"REDIS_DB", "3"},
                                        {"REDIS_FALLBACK", "degrade"}});
  EXPECT_EQ(config.host, "cache.internal");
  EXPECT_EQ(config.port, 6380);
  EXPECT_TRUE(config.tls);
  EXPECT_EQ(config.username, "app");
  EXPECT_EQ(config.password, "s3cret");
  EXPECT_EQ(config.db, 3);
  EXPECT_EQ(config.fallback, Fallback::kDegrade);

  const Options options = config.ToOptions();
  EXPECT_EQ(options.host, "cache.internal");
  EXPECT_EQ(options.port, 6380);
  EXPECT_TRUE(options.tls.enabled);
  EXPECT_EQ(options.username, "app");
  EXPECT_EQ(options.password, "s3cret");
  EXPECT_EQ(options.db, 3);
}

TEST(ServiceConfigTest, TlsTakesTrueFalseOneZero) {
  EXPECT_TRUE(FromEnv({{"REDIS_TLS", "true"}}).tls);
  EXPECT_TRUE(FromEnv({{"REDIS_TLS", "TRUE"}}).tls);
  EXPECT_TRUE(FromEnv({{"REDIS_TLS", "1"}}).tls);
  EXPECT_FALSE(FromEnv({{"REDIS_TLS", "false"}}).tls);
  EXPECT_FALSE(FromEnv({{"REDIS_TLS", "0"}}).tls);
}

TEST(ServiceConfigTest, FallbackDefaultsToOffOnceAServerIsNamed) {
  EXPECT_EQ(FromEnv({{"REDIS_HOST", "localhost"}}).fallback, Fallback::kOff);
  EXPECT_EQ(FromEnv({{"REDIS_URL", "redis://localhost"}}).fallback, Fallback::kOff);
  EXPECT_EQ(FromEnv({{"REDIS_PORT", "6380"}}).fallback, Fallback::kEmbedded);
  EXPECT_EQ(FromEnv({{"REDIS_HOST", "h"}, {"REDIS_FALLBACK", "embedded"}}).fallback,
            Fallback::kEmbedded);
  EXPECT_EQ(FromEnv({{"REDIS_FALLBACK", "off"}}).fallback, Fallback::kOff);
  EXPECT_EQ(FromEnv({{"REDIS_FALLBACK", "Degrade"}}).fallback, Fallback::kDegrade);
  // In code, naming nothing still means no silent fallback.
  EXPECT_EQ(ServiceConfig{}.fallback, Fallback::kOff);
}

TEST(ServiceConfigTest, EmptyVariablesCountAsUnset) {
  const ServiceConfig config =
      FromEnv({{"REDIS_HOST", ""}, {"REDIS_PORT", ""}, {"REDIS_URL", ""}, {"REDIS_DB", ""}});
  EXPECT_EQ(config.host, "localhost");
  EXPECT_EQ(config.port, 6379);
  EXPECT_EQ(config.fallback, Fallback::kEmbedded);
}

TEST(ServiceConfigTest, UrlForms) {
  ServiceConfig config = FromEnv({{"REDIS_URL", "redis://cache.example.com"}});
  EXPECT_EQ(config.host, "cache.example.com");
  EXPECT_EQ(config.port, 6379);
  EXPECT_FALSE(config.tls);
  EXPECT_EQ(config.db, 0);

  config = FromEnv({{"REDIS_URL", "rediss://app:p%40ss%3Aword@managed.example.com:6380/2"}});
  EXPECT_EQ(config.host, "managed.example.com");
  EXPECT_EQ(config.port, 6380);
  EXPECT_TRUE(config.tls);
  EXPECT_EQ(config.username, "app");
  EXPECT_EQ(config.password, "p@ss:word");
  EXPECT_EQ(config.db, 2);

  config = FromEnv({{"REDIS_URL", "redis://:secret@localhost:7000"}});
  EXPECT_EQ(config.username, "");
  EXPECT_EQ(config.password, "secret");
  EXPECT_EQ(config.port, 7000);

  config = FromEnv({{"REDIS_URL", "redis://[::1]:6390/5"}});
  EXPECT_EQ(config.host, "::1");
  EXPECT_EQ(config.port, 6390);
  EXPECT_EQ(config.db, 5);

  config = FromEnv({{"REDIS_URL", "REDIS://h/"}});
  EXPECT_EQ(config.host, "h");
  EXPECT_EQ(config.db, 0);
}

TEST(ServiceConfigTest, UrlOverridesTheOtherVariables) {
  const ServiceConfig config = FromEnv({{"REDIS_URL", "redis://url-host:7001/4"},
                                        {"REDIS_HOST", "env-host"},
                                        {"REDIS_PORT", "7002"},
                                        {"REDIS_TLS", "true"},
                                        {"REDIS_DB", "1"},
                                        {"REDIS_PASSWORD", "from-env"}});
  EXPECT_EQ(config.host, "url-host");
  EXPECT_EQ(config.port, 7001);
  EXPECT_FALSE(config.tls);
  EXPECT_EQ(config.db, 4);
  // What the URL leaves out, the variables give.
  EXPECT_EQ(config.password, "from-env");
}

TEST(ServiceConfigTest, EachBadValueNamesItsVariable) {
  EXPECT_EQ(ConfigError({{"REDIS_PORT", "abc"}}),
            "REDIS_PORT=\"abc\" is not a port number (1 to 65535)");
  EXPECT_EQ(ConfigError({{"REDIS_PORT", "0"}}),
            "REDIS_PORT=\"0\" is not a port number (1 to 65535)");
  EXPECT_EQ(ConfigError({{"REDIS_PORT", "65536"}}),
            "REDIS_PORT=\"65536\" is not a port number (1 to 65535)");
  EXPECT_EQ(ConfigError({{"REDIS_PORT", "-1"}}),
            "REDIS_PORT=\"-1\" is not a port number (1 to 65535)");
  EXPECT_EQ(ConfigError({{"REDIS_DB", "-1"}}),
            "REDIS_DB=\"-1\" is not a database number (an integer >= 0)");
  EXPECT_EQ(ConfigError({{"REDIS_DB", "one"}}),
            "REDIS_DB=\"one\" is not a database number (an integer >= 0)");
  EXPECT_EQ(ConfigError({{"REDIS_DB", "99999999999"}}),
            "REDIS_DB=\"99999999999\" is not a database number (an integer >= 0)");
  EXPECT_EQ(ConfigError({{"REDIS_TLS", "yes"}}), "REDIS_TLS=\"yes\" is not true, false, 1 or 0");
  EXPECT_EQ(ConfigError({{"REDIS_FALLBACK", "memory"}}),
            "REDIS_FALLBACK=\"memory\" is not embedded, degrade or off");
}

TEST(ServiceConfigTest, EachBadUrlSaysWhatIsWrong) {
  const std::string form =
      "expected redis://[[username][:password]@]host[:port][/db] or rediss://... for TLS";
  EXPECT_EQ(ConfigError({{"REDIS_URL", "localhost:6379"}}),
            "REDIS_URL=\"localhost:6379\" is not a URL: " + form);
  EXPECT_EQ(ConfigError({{"REDIS_URL", "http://localhost"}}),
            "REDIS_URL=\"http://localhost\" has the scheme \"http\": " + form);
  EXPECT_EQ(ConfigError({{"REDIS_URL", "redis://"}}), "REDIS_URL=\"redis://\" has no host");
  EXPECT_EQ(ConfigError({{"REDIS_URL", "redis://h:port"}}),
            "REDIS_URL=\"redis://h:port\" has the port \"port\": expected a port number (1 to "
            "65535)");
  EXPECT_EQ(ConfigError({{"REDIS_URL", "redis://h:"}}),
            "REDIS_URL=\"redis://h:\" has an empty port");
  EXPECT_EQ(ConfigError({{"REDIS_URL", "redis://h/db1"}}),
            "REDIS_URL=\"redis://h/db1\" has the database \"db1\": expected an integer >= 0");
  EXPECT_EQ(ConfigError({{"REDIS_URL", "redis://h?timeout=1"}}),
            "REDIS_URL=\"redis://h?timeout=1\" has \"?timeout=1\": query parameters and fragments "
            "are not supported");
  EXPECT_EQ(ConfigError({{"REDIS_URL", "redis://u:p%zz@h"}}),
            "REDIS_URL=\"redis://u:***@h\" has a malformed %-escape in its user or password");
  EXPECT_EQ(ConfigError({{"REDIS_URL", "redis://[::1"}}),
            "REDIS_URL=\"redis://[::1\" has an unclosed '[' in its host");
}

TEST(ServiceConfigTest, ErrorsNeverShowAPassword) {
  const std::string message = ConfigError({{"REDIS_URL", "redis://app:hunter2@h:99999"}});
  EXPECT_THAT(message, HasSubstr("redis://app:***@h:99999"));
  EXPECT_THAT(message, ::testing::Not(HasSubstr("hunter2")));
}

TEST(ServiceConfigTest, ValidatesSettingsGivenInCode) {
  ServiceConfig config;
  config.port = 0;
  EXPECT_THROW(config.Validate(), Error);
  config.port = 6379;
  config.db = -2;
  try {
    config.Validate();
    FAIL() << "a negative db must be refused";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kConfig);
    EXPECT_STREQ(error.what(),
                 "the service configuration's db -2 is not a database number (an integer >= 0)");
  }
}

// ---- fallback modes, with nothing listening

// Captures what spdlog's default logger writes while it lives.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string text() {
    spdlog::default_logger()->flush();
    return stream_.str();
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream stream_;
};

ServiceConfig NothingListens(Fallback fallback) {
  auto port = understudy::testing::FreeLoopbackPort();
  EXPECT_TRUE(port.ok()) << port.status();
  ServiceConfig config;
  config.host = "127.0.0.1";
  config.port = *port;
  config.fallback = fallback;
  return config;
}

size_t Count(const std::string& text, std::string_view what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

TEST(ServiceFallbackTest, EmbeddedStartsTheEngineInProcessWithOneWarning) {
  LogCapture log;
  RedisService service(NothingListens(Fallback::kEmbedded));
  service.connect();
  EXPECT_EQ(service.mode(), Mode::kEmbedded);
  EXPECT_TRUE(service.is_connected());
  EXPECT_NE(service.engine(), nullptr);
  EXPECT_TRUE(service.set("k", "v"));
  EXPECT_EQ(service.get("k"), "v");
  EXPECT_EQ(Count(log.text(), "REDIS_FALLBACK=embedded"), 1u) << log.text();
  EXPECT_THAT(log.text(), HasSubstr("[warning] No Redis answered at 127.0.0.1:"));

  const HealthReport health = service.health_check();
  EXPECT_EQ(health.status, "embedded");
  EXPECT_EQ(health.mode, "embedded");
  EXPECT_EQ(health.host, "embedded");
  EXPECT_EQ(health.port, std::nullopt);
  EXPECT_TRUE(health.latency.has_value());
  EXPECT_TRUE(health.healthy());
  EXPECT_THAT(health.ToJson(), HasSubstr("\"port\":\"embedded\""));
}

TEST(ServiceFallbackTest, EmbeddedServesBlockingCommandsAndPubSub) {
  RedisService service(NothingListens(Fallback::kEmbedded));
  service.connect();
  std::thread pusher([&] { service.client()->rpush("jobs", "job-1"); });
  const auto popped = service.client()->blpop({"jobs"}, std::chrono::seconds(10));
  pusher.join();
  ASSERT_TRUE(popped.has_value());
  EXPECT_EQ(popped->value, "job-1");

  std::promise<std::string> received;
  service.subscribe({"news"}, [&](const Message& message) { received.set_value(message.payload); });
  EXPECT_EQ(service.publish("news", "hello"), 1);
  auto future = received.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(future.get(), "hello");
}

TEST(ServiceFallbackTest, DegradeReturnsEmptyDefaultsAndLogsTheOperation) {
  LogCapture log;
  RedisService service(NothingListens(Fallback::kDegrade));
  EXPECT_NO_THROW(service.connect());
  EXPECT_EQ(service.mode(), Mode::kServer);
  EXPECT_FALSE(service.is_connected());

  EXPECT_FALSE(service.set("k", "v"));
  EXPECT_EQ(service.get("k"), std::nullopt);
  EXPECT_FALSE(service.exists("k"));
  EXPECT_EQ(service.del("k"), 0);
  EXPECT_FALSE(service.expire("k", std::chrono::seconds(5)));
  EXPECT_EQ(service.hset("h", "f", "v"), 0);
  EXPECT_EQ(service.hget("h", "f"), std::nullopt);
  EXPECT_TRUE(service.hgetall("h").empty());
  EXPECT_EQ(service.publish("c", "m"), 0);
  EXPECT_FALSE(service.try_client().has_value());
  EXPECT_NO_THROW(service.subscribe({"c"}, [](const Message&) {}));

  const std::string text = log.text();
  for (const char* operation : {"SET", "GET", "EXISTS", "DEL", "EXPIRE", "HSET", "HGET", "HGETALL",
                                "PUBLISH", "SUBSCRIBE"}) {
    EXPECT_THAT(text, HasSubstr(std::string("[warning] Redis not connected - skipping ") +
                                operation + " operation"));
  }
  EXPECT_THAT(text, HasSubstr("REDIS_FALLBACK=degrade"));

  const HealthReport health = service.health_check();
  EXPECT_EQ(health.status, "degraded");
  EXPECT_EQ(health.mode, "server");
  EXPECT_EQ(health.host, "127.0.0.1");
  EXPECT_EQ(health.port, service.config().port);
  EXPECT_EQ(health.latency, std::nullopt);
  EXPECT_THAT(health.error, HasSubstr("Connection refused"));
  EXPECT_FALSE(health.healthy());
}

TEST(ServiceFallbackTest, DegradeBeforeConnectSkipsToo) {
  LogCapture log;
  RedisService service(NothingListens(Fallback::kDegrade));
  EXPECT_EQ(service.get("k"), std::nullopt);
  EXPECT_THAT(log.text(), HasSubstr("Redis not connected - skipping GET operation"));
  EXPECT_EQ(service.health_check().status, "disconnected");
}

TEST(ServiceFallbackTest, DegradeUsesTheServerOnceItAnswers) {
  ServiceConfig config = NothingListens(Fallback::kDegrade);
  RedisService service(config);
  service.connect();
  EXPECT_EQ(service.get("k"), std::nullopt);

  auto server = understudy::testing::ServerProcess::Start(
      UNDERSTUDY_SERVER_PATH,
      {"--port", std::to_string(config.port), "--bind", "127.0.0.1", "--loglevel", "warning"},
      config.port);
  ASSERT_TRUE(server.ok()) << server.status();
  // The service retries on its backoff (at most 2 s apart), as operations come.
  bool stored = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!stored && std::chrono::steady_clock::now() < deadline) {
    stored = service.set("k", "v");
    if (!stored) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(stored);
  EXPECT_EQ(service.get("k"), "v");
  EXPECT_EQ(service.health_check().status, "connected");
}

TEST(ServiceFallbackTest, OffThrowsTheConnectionError) {
  RedisService service(NothingListens(Fallback::kOff));
  try {
    service.connect();
    FAIL() << "connect must throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kConnectionRefused);
  }
  EXPECT_EQ(service.mode(), Mode::kNone);
  try {
    service.get("k");
    FAIL() << "GET before a connection must throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotConnected);
    EXPECT_STREQ(error.what(), "Redis not connected: call connect() before GET");
  }
  EXPECT_EQ(service.health_check().status, "disconnected");
}

// An understudy-server the test can stop, and a service configuration that names it.
void StartServer(std::optional<understudy::testing::ServerProcess>& server) {
  auto started = understudy::testing::StartUnderstudy();
  ASSERT_TRUE(started.ok()) << started.status();
  server.emplace(std::move(*started));
}

ServiceConfig ConfigFor(const understudy::testing::ServerProcess& server, Fallback fallback) {
  ServiceConfig config;
  config.host = "127.0.0.1";
  config.port = server.port();
  config.fallback = fallback;
  return config;
}

TEST(ServiceFallbackTest, ALostServerIsNeverReplacedByAnEmbeddedEngine) {
  std::optional<understudy::testing::ServerProcess> server;
  ASSERT_NO_FATAL_FAILURE(StartServer(server));
  const ServiceConfig config = ConfigFor(*server, Fallback::kEmbedded);
  RedisService service(config);
  service.connect();
  EXPECT_EQ(service.mode(), Mode::kServer);
  service.set("k", "v");

  server.reset();  // stops the server
  try {
    service.get("k");
    FAIL() << "GET with the server gone must throw";
  } catch (const Error& error) {
    EXPECT_TRUE(IsConnectionError(error.kind())) << error.what();
  }
  EXPECT_EQ(service.mode(), Mode::kServer);
  EXPECT_EQ(service.engine(), nullptr);
  EXPECT_FALSE(service.is_connected());
  EXPECT_EQ(service.health_check().status, "disconnected");
}

TEST(ServiceFallbackTest, DegradeSkipsOnceAConnectedServerIsLost) {
  std::optional<understudy::testing::ServerProcess> server;
  ASSERT_NO_FATAL_FAILURE(StartServer(server));
  const ServiceConfig config = ConfigFor(*server, Fallback::kDegrade);
  RedisService service(config);
  service.connect();
  EXPECT_TRUE(service.set("k", "v"));

  server.reset();
  LogCapture log;
  EXPECT_EQ(service.get("k"), std::nullopt);
  EXPECT_THAT(log.text(), HasSubstr("Redis not connected - skipping GET operation"));
  EXPECT_EQ(service.health_check().status, "degraded");
}

TEST(ServiceFallbackTest, ClientLeasesNeedAConnection) {
  RedisService service(NothingListens(Fallback::kOff));
  try {
    service.client();
    FAIL() << "client() before connect() must throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotConnected);
    EXPECT_STREQ(error.what(), "Redis not connected: call connect() before client()");
  }
  EXPECT_THROW(service.try_client(), Error);
  EXPECT_FALSE(service.is_connected());
}

TEST(HealthReportTest, JsonNamesEveryField) {
  HealthReport report;
  report.status = "disconnected";
  report.host = "cache.internal";
  report.port = 6380;
  report.mode = "server";
  report.error = "cannot connect to \"cache.internal\":6380\n";
  EXPECT_EQ(report.ToJson(),
            R"({"status":"disconnected","latency":null,"host":"cache.internal","port":6380,)"
            R"("mode":"server","error":"cannot connect to \"cache.internal\":6380\n"})");
  report.latency = std::chrono::microseconds(2150);
  EXPECT_EQ(report.LatencyText(), "2.150ms");
}

TEST(ServiceFallbackTest, PasswordAndDatabaseReachTheServer) {
  auto server = understudy::testing::StartUnderstudy({"--requirepass", "s3cret"});
  ASSERT_TRUE(server.ok()) << server.status();
  const ServiceConfig config = FromEnv(
      {{"REDIS_URL", "redis://:s3cret@127.0.0.1:" + std::to_string(server->port()) + "/2"}});
  RedisService service(config);
  service.connect();
  service.set("k", "in db 2");
  EXPECT_THAT(service.client()->command("CLIENT", "INFO").str, HasSubstr(" db=2 "));
  EXPECT_EQ(service.get("k"), "in db 2");
}

TEST(ServiceFallbackTest, ARefusedPasswordThrowsEvenInDegradeMode) {
  auto server = understudy::testing::StartUnderstudy({"--requirepass", "s3cret"});
  ASSERT_TRUE(server.ok()) << server.status();
  for (const Fallback fallback : {Fallback::kEmbedded, Fallback::kDegrade, Fallback::kOff}) {
    ServiceConfig config;
    config.host = "127.0.0.1";
    config.port = server->port();
    config.password = "wrong";
    config.fallback = fallback;
    RedisService service(config);
    try {
      service.connect();
      FAIL() << "a refused password must throw with fallback " << FallbackName(fallback);
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kAuth) << error.what();
    }
    EXPECT_EQ(service.mode(), Mode::kNone);
  }
}

// ---- the embedded fixture

TEST(EmbeddedRedisTest, SeedsInspectsAndMovesTime) {
  EmbeddedRedis redis;
  redis.Seed("session:1", "alice", std::chrono::seconds(60));
  redis.Seed("user:1", "bob");
  redis.SeedHash("profile:1", {{"name", "Alice"}, {"role", "admin"}});
  EXPECT_EQ(redis.Get("session:1"), "alice");
  EXPECT_THAT(redis.Keys("*:1"),
              ::testing::UnorderedElementsAre("session:1", "user:1", "profile:1"));
  EXPECT_EQ(redis.service().hget("profile:1", "role"), "admin");
  EXPECT_GT(redis.TtlMs("session:1"), 59'000);

  redis.AdvanceClock(std::chrono::seconds(61));
  EXPECT_FALSE(redis.Exists("session:1"));
  EXPECT_EQ(redis.service().get("session:1"), std::nullopt);
  EXPECT_EQ(redis.TtlMs("user:1"), -1);

  redis.FlushAll();
  EXPECT_TRUE(redis.Keys().empty());
  EXPECT_EQ(redis.service().health_check().status, "embedded");
}

// ---- every facade method, against each backend

class ServiceTest : public ClientTest {
 protected:
  std::unique_ptr<RedisService> MakeService() {
    if (embedded()) return std::make_unique<RedisService>(ServiceConfig{}, engine_);
    ServiceConfig config;
    config.host = "127.0.0.1";
    config.port = server()->port();
    return std::make_unique<RedisService>(config);
  }
};

TEST_P(ServiceTest, StringsAndKeys) {
  auto service = MakeService();
  service->connect();
  EXPECT_TRUE(service->is_connected());
  EXPECT_TRUE(service->set("user:123", R"({"name":"John Doe"})"));
  EXPECT_EQ(service->get("user:123"), R"({"name":"John Doe"})");
  EXPECT_EQ(service->get("missing"), std::nullopt);
  EXPECT_TRUE(service->exists("user:123"));
  EXPECT_FALSE(service->exists("missing"));

  EXPECT_TRUE(service->set("session:abc", "data", std::chrono::seconds(300)));
  EXPECT_GT(service->client()->ttl("session:abc"), 290);
  EXPECT_TRUE(service->expire("session:abc", std::chrono::seconds(600)));
  EXPECT_GT(service->client()->ttl("session:abc"), 590);
  EXPECT_FALSE(service->expire("missing", std::chrono::seconds(1)));

  SetOptions only_new;
  only_new.condition = SetOptions::Condition::kIfAbsent;
  EXPECT_FALSE(service->set("user:123", "other", only_new));
  EXPECT_TRUE(service->set("fresh", "v", only_new));

  EXPECT_EQ(service->del("user:123"), 1);
  EXPECT_EQ(service->del("user:123"), 0);
  EXPECT_FALSE(service->exists("user:123"));
}

TEST_P(ServiceTest, Hashes) {
  auto service = MakeService();
  service->connect();
  EXPECT_EQ(service->hset("user:123:profile", "name", "John Doe"), 1);
  EXPECT_EQ(service->hset("user:123:profile", "email", "john@example.com"), 1);
  EXPECT_EQ(service->hset("user:123:profile", "name", "Jane Doe"), 0);
  EXPECT_EQ(service->hget("user:123:profile", "name"), "Jane Doe");
  EXPECT_EQ(service->hget("user:123:profile", "missing"), std::nullopt);
  const auto profile = service->hgetall("user:123:profile");
  EXPECT_EQ(profile, (std::unordered_map<std::string, std::string>{{"name", "Jane Doe"},
                                                                   {"email", "john@example.com"}}));
  EXPECT_TRUE(service->hgetall("missing").empty());
}

TEST_P(ServiceTest, ServerErrorsThrowInEveryMode) {
  auto service = MakeService();
  service->connect();
  service->client()->lpush("list", "x");
  try {
    service->get("list");
    FAIL() << "GET of a list must throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kServer);
    EXPECT_EQ(error.server_code(), "WRONGTYPE");
  }
}

TEST_P(ServiceTest, ClientLeasesServeEverythingElse) {
  auto service = MakeService();
  service->connect();
  service->client()->lpush("notifications:user:123", "New message");
  EXPECT_EQ(service->client()->lrange("notifications:user:123", 0, 9),
            std::vector<std::string>{"New message"});
  service->client()->zadd("leaderboard", {{"player1", 100}, {"player2", 85}});
  EXPECT_EQ(service->client()->zrange("leaderboard", 0, 4, true),
            (std::vector<std::string>{"player1", "player2"}));
  auto lease = service->try_client();
  ASSERT_TRUE(lease.has_value());
  EXPECT_EQ((*lease)->sadd("active-users", {"user123", "user456"}), 2);
}

TEST_P(ServiceTest, ThreadsShareTheService) {
  auto service = MakeService();
  service->connect();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) service->client()->incr("counter");
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(service->get("counter"), "200");
}

TEST_P(ServiceTest, PubSub) {
  auto service = MakeService();
  service->connect();
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<std::string> payloads;
  std::vector<std::string> patterns;
  service->subscribe({"notifications"}, [&](const Message& message) {
    std::lock_guard lock(mutex);
    payloads.push_back(message.payload);
    arrived.notify_all();
  });
  service->psubscribe({"room:*"}, [&](const Message& message) {
    std::lock_guard lock(mutex);
    patterns.push_back(message.channel + "=" + message.payload);
    arrived.notify_all();
  });
  EXPECT_EQ(service->publish("notifications", R"({"message":"Hello!"})"), 1);
  EXPECT_EQ(service->publish("room:7", "hi"), 1);
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(arrived.wait_for(lock, std::chrono::seconds(10),
                                 [&] { return payloads.size() == 1 && patterns.size() == 1; }));
    EXPECT_EQ(payloads[0], R"({"message":"Hello!"})");
    EXPECT_EQ(patterns[0], "room:7=hi");
  }
  service->unsubscribe({"notifications"});
  service->punsubscribe();
  EXPECT_EQ(service->publish("notifications", "again"), 0);
}

TEST_P(ServiceTest, HealthCheck) {
  auto service = MakeService();
  service->connect();
  const HealthReport health = service->health_check();
  ASSERT_TRUE(health.latency.has_value());
  EXPECT_THAT(health.LatencyText(), ::testing::EndsWith("ms"));
  EXPECT_TRUE(health.healthy());
  if (embedded()) {
    EXPECT_EQ(health.status, "embedded");
    EXPECT_EQ(health.host, "embedded");
    EXPECT_EQ(health.port, std::nullopt);
  } else {
    EXPECT_EQ(health.status, "connected");
    EXPECT_EQ(health.mode, "server");
    EXPECT_EQ(health.host, "127.0.0.1");
    EXPECT_EQ(health.port, server()->port());
    EXPECT_THAT(health.ToJson(),
                HasSubstr("\"host\":\"127.0.0.1\",\"port\":" + std::to_string(server()->port())));
  }
}

TEST_P(ServiceTest, DisconnectAndConnectAgain) {
  auto service = MakeService();
  service->connect();
  service->set("k", "v");
  auto lease = service->client();  // a lease outlives disconnect safely
  service->disconnect();
  EXPECT_FALSE(service->is_connected());
  EXPECT_EQ(service->mode(), Mode::kNone);
  EXPECT_EQ(service->health_check().status, "disconnected");
  EXPECT_THROW(service->get("k"), Error);
  EXPECT_EQ(lease->get("k"), "v");
  service->connect();
  EXPECT_TRUE(service->is_connected());
  EXPECT_EQ(service->get("k"), "v");
}

UNDERSTUDY_CLIENT_BACKENDS(ServiceTest);

}  // namespace
}  // namespace understudy::client::service
