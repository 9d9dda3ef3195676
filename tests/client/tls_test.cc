// The client over TLS against a real redis-server listening only on its TLS port, with
// certificates made by the openssl CLI when the suite starts.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "asio/co_spawn.hpp"
#include "asio/io_context.hpp"
#include "asio/ip/tcp.hpp"
#include "asio/ssl/context.hpp"
#include "asio/ssl/stream.hpp"
#include "asio/use_awaitable.hpp"
#include "client/async_client.h"
#include "client/client.h"
#include "client/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spdlog/sinks/ringbuffer_sink.h"
#include "spdlog/spdlog.h"
#include "tests/support/run_process.h"
#include "tests/support/server_process.h"

namespace understudy::client {
namespace {

using ::testing::HasSubstr;
using understudy::testing::RunProcess;
using understudy::testing::ServerProcess;

// A temporary directory of PEM files: a CA, a server certificate it signed for localhost and
// 127.0.0.1, a client certificate it signed, and a second, unrelated CA with a client
// certificate of its own ("stranger").
class Certificates {
 public:
  // When openssl is missing or fails, error() says why.
  static std::unique_ptr<Certificates> Make() {
    auto certs = std::unique_ptr<Certificates>(new Certificates());
    certs->Generate();
    return certs;
  }
  ~Certificates() {
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  const std::string& error() const { return error_; }
  std::string path(std::string_view name) const { return dir_ + "/" + std::string(name); }

 private:
  Certificates() = default;

  void Generate() {
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = std::string(tmp != nullptr && *tmp ? tmp : "/tmp") + "/understudy-tls-XXXXXX";
    if (mkdtemp(dir.data()) == nullptr) {
      error_ = "mkdtemp " + dir + " failed";
      return;
    }
    dir_ = dir;
    WriteFile("server.ext",
              "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    WriteFile("client.ext", "extendedKeyUsage=clientAuth\n");
    WriteFile("stranger.ext", "extendedKeyUsage=clientAuth\n");
    MakeCa("ca", "understudy test CA") && MakeCa("other-ca", "unrelated test CA") &&
        MakeSigned("server", "localhost", "ca") && MakeSigned("client", "understudy test client", "ca") &&
        MakeSigned("stranger", "unknown client", "other-ca");
  }

  void WriteFile(std::string_view name, std::string_view text) {
    std::ofstream(path(name)) << text;
  }

  // EC P-256 keys: generated in milliseconds, and Redis 7.0 serves them.
  static std::vector<std::string> NewKey(const std::string& key_file) {
    return {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            key_file};
  }

  bool MakeCa(const std::string& name, const std::string& common_name) {
    std::vector<std::string> argv = {"openssl", "req", "-x509", "-days", "2"};
    for (const std::string& arg : NewKey(path(name + ".key"))) argv.push_back(arg);
    for (const std::string& arg : {std::string("-subj"), "/CN=" + common_name, std::string("-out"),
                                   path(name + ".crt")}) {
      argv.push_back(arg);
    }
    return Run(argv);
  }

  bool MakeSigned(const std::string& name, const std::string& common_name, const std::string& ca) {
    std::vector<std::string> request = {"openssl", "req", "-new"};
    for (const std::string& arg : NewKey(path(name + ".key"))) request.push_back(arg);
    for (const std::string& arg : {std::string("-subj"), "/CN=" + common_name, std::string("-out"),
                                   path(name + ".csr")}) {
      request.push_back(arg);
    }
    return Run(request) &&
           Run({"openssl", "x509", "-req", "-days", "2", "-in", path(name + ".csr"), "-CA",
                path(ca + ".crt"), "-CAkey", path(ca + ".key"), "-CAcreateserial", "-extfile",
                path(name + ".ext"), "-out", path(name + ".crt")});
  }

  bool Run(const std::vector<std::string>& argv) {
    auto result = RunProcess(argv);
    if (!result.ok()) {
      error_ = std::string(result.status().message());
      return false;
    }
    if (result->exit_code != 0) {
      error_ = argv[0] + " " + argv[1] + " failed: " + result->err;
      return false;
    }
    return true;
  }

  std::string dir_;
  std::string error_;
};

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { certs_ = Certificates::Make().release(); }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }

  void SetUp() override {
    if (!certs_->error().empty()) GTEST_SKIP() << "no test certificates: " << certs_->error();
    if (auto redis = understudy::testing::FindExecutable("redis-server"); !redis.ok()) {
      GTEST_SKIP() << redis.status();
    }
  }

  // redis-server on a TLS-only port with the server certificate the test CA signed, trusting
  // that CA for client certificates. Throws if it does not start, which ends the test.
  void StartServer(bool require_client_certificate = false) {
    auto server = understudy::testing::StartRedisTls(
        {"--tls-cert-file", certs_->path("server.crt"), "--tls-key-file",
         certs_->path("server.key"), "--tls-ca-cert-file", certs_->path("ca.crt"),
         "--tls-auth-clients", require_client_certificate ? "yes" : "no"});
    if (!server.ok()) throw std::runtime_error(server.status().ToString());
    server_.emplace(std::move(*server));
  }

  // Trusts the test CA, and fails the first connect fast rather than reconnecting.
  Options TlsOptions() const {
    Options options;
    options.port = server_->port();
    options.tls.enabled = true;
    options.tls.ca_file = certs_->path("ca.crt");
    options.reconnect.enabled = false;
    return options;
  }

  // The Error the first command throws, or a failure naming what came instead.
  static Error ConnectError(const Options& options) {
    Client client(options);
    try {
      client.ping();
    } catch (const Error& error) {
      return error;
    }
    ADD_FAILURE() << "connected to " << options.Endpoint() << " although it must not";
    return Error(ErrorKind::kConfig, "connected");
  }

  static Certificates* certs_;
  std::optional<ServerProcess> server_;
};

Certificates* TlsTest::certs_ = nullptr;

// A TLS server in the test, for one connection: it records the server name (SNI) the client's
// handshake carried, then hangs up. Redis does not tell which name a client sent.
class ServerNameRecorder {
 public:
  explicit ServerNameRecorder(const Certificates& certs)
      : context_(asio::ssl::context::tls_server),
        acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    context_.use_certificate_chain_file(certs.path("server.crt"));
    context_.use_private_key_file(certs.path("server.key"), asio::ssl::context::pem);
    acceptor_.async_accept([this](std::error_code error, asio::ip::tcp::socket socket) {
      if (error) return;
      stream_.emplace(std::move(socket), context_);
      stream_->async_handshake(asio::ssl::stream_base::server, [this](std::error_code error) {
        {
          std::lock_guard lock(mutex_);
          handshake_error_ = error;
          handshake_done_ = true;
          const char* name =
              SSL_get_servername(stream_->native_handle(), TLSEXT_NAMETYPE_host_name);
          if (name != nullptr) server_name_ = name;
        }
        std::error_code ignored;
        stream_->lowest_layer().close(ignored);
      });
    });
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ServerNameRecorder() {
    io_.stop();
    thread_.join();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  // Whether a handshake completed, and the name it carried (nullopt: none).
  bool handshake_done() {
    std::lock_guard lock(mutex_);
    return handshake_done_ && !handshake_error_;
  }
  std::optional<std::string> server_name() {
    std::lock_guard lock(mutex_);
    return server_name_;
  }

 private:
  asio::io_context io_;
  asio::ssl::context context_;
  asio::ip::tcp::acceptor acceptor_;
  std::optional<asio::ssl::stream<asio::ip::tcp::socket>> stream_;
  std::thread thread_;
  std::mutex mutex_;
  bool handshake_done_ = false;
  std::error_code handshake_error_;
  std::optional<std::string> server_name_;
};

// The client's handshake with the recorder completes; the recorder then hangs up, so the
// connection's setup fails after it (a TLS error, which the test does not look at).
std::optional<std::string> ServerNameSent(const Certificates& certs, Options options) {
  ServerNameRecorder recorder(certs);
  options.port = recorder.port();
  options.tls.enabled = true;
  options.tls.ca_file = certs.path("ca.crt");
  options.reconnect.enabled = false;
  try {
    Client(options).ping();
  } catch (const Error&) {
    // Expected: the recorder hangs up after the handshake.
  }
  EXPECT_TRUE(recorder.handshake_done());
  return recorder.server_name();
}

TEST_F(TlsTest, ServerNameIsSentAsSni) {
  Options options;
  options.tls.server_name = "localhost";
  EXPECT_EQ(ServerNameSent(*certs_, options), "localhost");
}

TEST_F(TlsTest, HostNameIsSentAsSniWhenNoServerNameIsGiven) {
  Options options;
  options.host = "localhost";
  EXPECT_EQ(ServerNameSent(*certs_, options), "localhost");
}

// RFC 6066: SNI carries host names, never address literals.
TEST_F(TlsTest, NoSniForAnAddress) {
  Options options;
  options.host = "127.0.0.1";
  EXPECT_EQ(ServerNameSent(*certs_, options), std::nullopt);
}

TEST_F(TlsTest, SetGetTrustingTheCaFile) {
  StartServer();
  Client client(TlsOptions());
  EXPECT_TRUE(client.set("greeting", "over TLS"));
  EXPECT_EQ(client.get("greeting"), "over TLS");
  // A value larger than one TLS record (16 KB) comes back whole.
  const std::string large(100'000, 'x');
  client.set("large", large);
  EXPECT_EQ(client.get("large"), large);
}

TEST_F(TlsTest, ServerNameMatchingTheCertificateIsAccepted) {
  StartServer();
  Options options = TlsOptions();
  options.tls.server_name = "localhost";
  Client client(options);
  EXPECT_EQ(client.ping(), "PONG");
}

TEST_F(TlsTest, ServerNameTheCertificateLacksFailsVerification) {
  StartServer();
  Options options = TlsOptions();
  options.tls.server_name = "db.example.com";
  const Error error = ConnectError(options);
  EXPECT_EQ(error.kind(), ErrorKind::kTls) << error.what();
  EXPECT_THAT(error.what(), HasSubstr("certificate verification failed"));
  EXPECT_THAT(error.what(), HasSubstr("hostname mismatch"));
}

TEST_F(TlsTest, HostAddressTheCertificateLacksFailsVerification) {
  StartServer();
  Options options = TlsOptions();
  options.tls.server_name = "127.0.0.2";
  const Error error = ConnectError(options);
  EXPECT_EQ(error.kind(), ErrorKind::kTls) << error.what();
  EXPECT_THAT(error.what(), HasSubstr("IP address mismatch"));
}

TEST_F(TlsTest, CertificateFromAnotherCaFailsVerification) {
  StartServer();
  Options options = TlsOptions();
  options.tls.ca_file = certs_->path("other-ca.crt");
  const Error error = ConnectError(options);
  EXPECT_EQ(error.kind(), ErrorKind::kTls) << error.what();
  // Redis sends its CA with its certificate, so the chain ends in a root the client lacks.
  EXPECT_THAT(error.what(), HasSubstr("certificate verification failed"));
  EXPECT_THAT(error.what(), ::testing::ContainsRegex("self.signed certificate in certificate chain"));
  EXPECT_FALSE(error.retry_safe());
}

TEST_F(TlsTest, MissingCaFileIsAConfigError) {
  StartServer();
  Options options = TlsOptions();
  options.tls.ca_file = certs_->path("no-such-ca.crt");
  const Error error = ConnectError(options);
  EXPECT_EQ(error.kind(), ErrorKind::kConfig) << error.what();
  EXPECT_THAT(error.what(), HasSubstr("no-such-ca.crt"));
}

// With TLS 1.3 the client's side of the handshake completes before the server checks the
// client certificate: the refusal shows as the first write (HELLO) failing with a reset, or a
// read failing with the server's alert. Either way it is reported as TLS, not as a lost
// connection a retry could cure.
TEST_F(TlsTest, ServerRequiringAClientCertificateRefusesOneWithout) {
  StartServer(/*require_client_certificate=*/true);
  const Error error = ConnectError(TlsOptions());
  EXPECT_EQ(error.kind(), ErrorKind::kTls) << error.what();
  EXPECT_THAT(error.what(), HasSubstr("right after the handshake"));
  EXPECT_THAT(error.what(), HasSubstr("client certificate"));
  EXPECT_FALSE(error.retry_safe());
}

TEST_F(TlsTest, ServerRequiringAClientCertificateRefusesOneFromAnotherCa) {
  StartServer(/*require_client_certificate=*/true);
  Options options = TlsOptions();
  options.tls.cert_file = certs_->path("stranger.crt");
  options.tls.key_file = certs_->path("stranger.key");
  const Error error = ConnectError(options);
  EXPECT_EQ(error.kind(), ErrorKind::kTls) << error.what();
  EXPECT_THAT(error.what(), HasSubstr("client certificate"));
}

TEST_F(TlsTest, ServerRequiringAClientCertificateAcceptsTheCaSignedOne) {
  StartServer(/*require_client_certificate=*/true);
  Options options = TlsOptions();
  options.tls.cert_file = certs_->path("client.crt");
  options.tls.key_file = certs_->path("client.key");
  Client client(options);
  client.set("k", "v");
  EXPECT_EQ(client.get("k"), "v");
}

TEST_F(TlsTest, VerificationOffAcceptsAnUnknownCaAndSaysSo) {
  StartServer();
  auto log = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(16);
  spdlog::default_logger()->sinks().push_back(log);
  Options options = TlsOptions();
  options.tls.ca_file = certs_->path("other-ca.crt");
  options.tls.verify = false;
  {
    Client client(options);
    EXPECT_EQ(client.ping(), "PONG");
  }
  spdlog::default_logger()->sinks().pop_back();
  const std::vector<std::string> lines = log->last_formatted();
  EXPECT_THAT(lines, ::testing::Contains(HasSubstr("TLS certificate verification is OFF")));
}

TEST_F(TlsTest, AsyncClientPipelinesOverTls) {
  StartServer();
  asio::io_context io;
  AsyncClient client(io.get_executor(), TlsOptions());
  constexpr int kCoroutines = 20;
  int done = 0;
  int running = kCoroutines;
  std::exception_ptr failure;
  const auto note_failure = [&failure](std::exception_ptr error) {
    if (error && !failure) failure = error;
  };
  // Connects, then lets 20 coroutines share the connection; closing it at the end lets
  // io.run() return (the connection keeps reading until closed).
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await client.async_connect(asio::use_awaitable);
        for (int i = 0; i < kCoroutines; ++i) {
          asio::co_spawn(
              io,
              [&client, &done, i]() -> asio::awaitable<void> {
                const std::string key = "key" + std::to_string(i);
                co_await client.async_command(Command("SET", key, std::to_string(i)),
                                              asio::use_awaitable);
                const resp::Reply reply =
                    co_await client.async_command(Command("GET", key), asio::use_awaitable);
                EXPECT_EQ(reply.str, std::to_string(i));
                ++done;
              },
              [&, note_failure](std::exception_ptr error) {
                note_failure(error);
                if (--running == 0) client.close();
              });
        }
      },
      [&](std::exception_ptr error) {
        note_failure(error);
        if (error) client.close();
      });
  io.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& error) {
      FAIL() << error.what();
    }
  }
  EXPECT_EQ(done, kCoroutines);
}

}  // namespace
}  // namespace understudy::client
