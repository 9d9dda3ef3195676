#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/support/sync_connection.h"

namespace understudy::testing {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, read back, released).
absl::StatusOr<uint16_t> FreeLoopbackPort();

// The full path of an executable found in PATH, /usr/bin, /usr/sbin or /usr/local/bin, or
// NotFound naming the places searched.
absl::StatusOr<std::string> FindExecutable(std::string_view name);

// A server running as a child process for the lifetime of this object.
//
// The child runs in a fresh temporary directory that also holds its combined stdout and
// stderr; the directory is removed on destruction. The child is killed when the thread that
// started it exits (PR_SET_PDEATHSIG), so a crashed test leaves no server behind: start
// servers from the main thread or another that outlives them.
class ServerProcess {
 public:
  // Starts `path args...` and waits up to startup_timeout until 127.0.0.1:port accepts
  // connections. Fails with the child's output if it exits or does not listen in time.
  static absl::StatusOr<ServerProcess> Start(
      std::string path, std::vector<std::string> args, uint16_t port,
      std::chrono::milliseconds startup_timeout = std::chrono::seconds(10));

  ServerProcess(ServerProcess&& other) noexcept;
  ServerProcess& operator=(ServerProcess&& other) noexcept;
  // Stops the server: SIGTERM, then SIGKILL if it has not exited within 5 seconds.
  ~ServerProcess();

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }

  // Kills the server with SIGKILL and reaps it: it says goodbye to nobody, as in a crash.
  void Kill();
  // Starts the same executable with the same arguments on the same port again (after Kill, or
  // stopping it first) and waits until it accepts connections: a server restarted in place.
  absl::Status Restart(std::chrono::milliseconds startup_timeout = std::chrono::seconds(10));

  // OK while the process runs; otherwise how it ended and the end of its output.
  absl::Status Alive();

  // What the server printed so far (stdout and stderr).
  std::string Output() const;

  // The server's memory as the kernel counts it (/proc/<pid>/status), in bytes: resident now
  // (VmRSS) and its peak so far (VmHWM).
  struct Memory {
    int64_t resident = 0;
    int64_t peak_resident = 0;
  };
  absl::StatusOr<Memory> ReadMemory() const;

  // A new connection to the server.
  absl::StatusOr<testing::SyncConnection> Connect(
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

 private:
  ServerProcess(std::string path, std::vector<std::string> args, pid_t pid, uint16_t port,
                std::string dir);
  void Stop();
  absl::Status WaitUntilListening(std::chrono::milliseconds timeout);
  std::string OutputTail() const;

  std::string path_;  // what was started, for Restart
  std::vector<std::string> args_;
  std::string name_;  // file name of the executable, for messages
  pid_t pid_ = -1;    // -1 once reaped or moved from
  int exit_status_ = 0;
  uint16_t port_ = 0;
  std::string dir_;  // temporary working directory; empty when moved from
};

// understudy-server from this build tree with `--port N --bind 127.0.0.1 --loglevel warning`
// and extra_args, on a free loopback port.
absl::StatusOr<ServerProcess> StartUnderstudy(std::vector<std::string> extra_args = {});
// The same, started with a config file (the first argument, as the server wants it).
absl::StatusOr<ServerProcess> StartUnderstudyWithConfigFile(
    const std::string& config_file, std::vector<std::string> extra_args = {});

// The installed redis-server (the oracle) on a free loopback port, with persistence and
// protected mode off. NotFound if redis-server is not installed, so tests can skip.
absl::StatusOr<ServerProcess> StartRedis(std::vector<std::string> extra_args = {});

// The installed redis-server listening only for TLS (`--port 0 --tls-port N`) on a free
// loopback port; port() is the TLS port. tls_args name its certificate files
// (--tls-cert-file, --tls-key-file, --tls-ca-cert-file) and settings (--tls-auth-clients).
// Ready once the port accepts TCP connections; Connect() does not speak TLS, so it cannot reach
// it.
absl::StatusOr<ServerProcess> StartRedisTls(std::vector<std::string> tls_args);

}  // namespace understudy::testing
