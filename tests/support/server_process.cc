#include "tests/support/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/support/run_process.h"

namespace understudy::testing {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr milliseconds kPollInterval(10);
constexpr milliseconds kStopTimeout(5000);
constexpr int kStartAttempts = 3;

std::string ErrnoText() { return std::strerror(errno); }

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

bool AcceptsConnections(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr = Loopback(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exited with code ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return absl::StrCat("was killed by signal ", WTERMSIG(status), " (",
                        strsignal(WTERMSIG(status)), ")");
  }
  return absl::StrCat("ended with wait status ", status);
}

bool IsExecutable(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

// What the free port is for: the plain port, or the TLS port with the plain one off (Redis's
// --port 0), so that the server is reachable only through TLS.
enum class Listen { kPlain, kTlsOnly };

// Starts path on a fresh free port, retrying when the child exits early: another process
// may have taken the port between FreeLoopbackPort() and the child's bind.
// `leading` goes before the port flags: a config file must be the first argument.
absl::StatusOr<ServerProcess> StartOnFreePort(const std::string& path,
                                              std::vector<std::string> args,
                                              std::vector<std::string> leading = {},
                                              Listen listen = Listen::kPlain) {
  absl::Status last;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    absl::StatusOr<uint16_t> port = FreeLoopbackPort();
    if (!port.ok()) return port.status();
    std::vector<std::string> full_args = leading;
    if (listen == Listen::kTlsOnly) {
      full_args.insert(full_args.end(), {"--port", "0", "--tls-port"});
    } else {
      full_args.push_back("--port");
    }
    full_args.insert(full_args.end(), {std::to_string(*port), "--bind", "127.0.0.1"});
    full_args.insert(full_args.end(), args.begin(), args.end());
    absl::StatusOr<ServerProcess> server = ServerProcess::Start(path, full_args, *port);
    if (server.ok() || !absl::IsAborted(server.status())) return server;
    last = server.status();
  }
  return last;
}

}  // namespace

absl::StatusOr<uint16_t> FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", ErrnoText()));
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::string error = ErrnoText();
    close(fd);
    return absl::InternalError(absl::StrCat("cannot bind 127.0.0.1:0: ", error));
  }
  close(fd);
  return ntohs(addr.sin_port);
}

absl::StatusOr<std::string> FindExecutable(std::string_view name) {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) {
    for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
      dirs.emplace_back(dir);
    }
  }
  for (const char* dir : {"/usr/bin", "/usr/sbin", "/usr/local/bin"}) dirs.emplace_back(dir);
  for (const std::string& dir : dirs) {
    std::string candidate = absl::StrCat(dir, "/", absl::string_view(name.data(), name.size()));
    if (IsExecutable(candidate)) return candidate;
  }
  return absl::NotFoundError(absl::StrCat(absl::string_view(name.data(), name.size()),
                                          " not found in PATH, /usr/bin, /usr/sbin or "
                                          "/usr/local/bin"));
}

absl::StatusOr<ServerProcess> ServerProcess::Start(std::string path, std::vector<std::string> args,
                                                   uint16_t port, milliseconds startup_timeout) {
  if (!IsExecutable(path)) return absl::NotFoundError(absl::StrCat(path, " is not executable"));
  const char* tmp = std::getenv("TMPDIR");
  std::string dir_template =
      absl::StrCat(tmp != nullptr && *tmp ? tmp : "/tmp", "/understudy-test-XXXXXX");
  if (mkdtemp(dir_template.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", dir_template, ": ", ErrnoText()));
  }
  std::string dir = dir_template;
  std::string log_path = dir + "/output.log";

  // Everything the child needs is prepared before fork: only async-signal-safe calls after.
  std::string exec_path = path;
  std::vector<std::string> exec_args = args;
  std::vector<char*> argv;
  argv.push_back(exec_path.data());
  for (std::string& arg : exec_args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t parent = getpid();
  // Tells the parent why exec failed: the child writes errno here; exec closes it.
  int exec_pipe[2];
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", ErrnoText()));
  }

  pid_t pid = fork();
  if (pid < 0) {
    close(exec_pipe[0]);
    close(exec_pipe[1]);
    return absl::InternalError(absl::StrCat("fork: ", ErrnoText()));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    signal(SIGPIPE, SIG_DFL);  // as a shell would start it, whatever this process ignores
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null = open("/dev/null", O_RDONLY);
    if (log < 0 || null < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0 ||
        chdir(dir.c_str()) != 0) {
      int error = errno;
      (void)!write(exec_pipe[1], &error, sizeof error);
      _exit(127);
    }
    execv(exec_path.c_str(), argv.data());
    int error = errno;
    (void)!write(exec_pipe[1], &error, sizeof error);
    _exit(127);
  }
  close(exec_pipe[1]);
  const int exec_errno = ReadExecErrno(exec_pipe[0]);

  ServerProcess server(std::move(path), std::move(args), pid, port, dir);
  if (exec_errno != 0) {
    return absl::InternalError(
        absl::StrCat("cannot execute ", server.path_, ": ", std::strerror(exec_errno)));
  }
  if (absl::Status status = server.WaitUntilListening(startup_timeout); !status.ok()) {
    return status;
  }
  return server;
}

absl::Status ServerProcess::WaitUntilListening(milliseconds timeout) {
  SteadyClock::time_point deadline = SteadyClock::now() + timeout;
  while (true) {
    bool listening = AcceptsConnections(port_);
    // Checked after connecting: a connection could reach another process on the same port.
    if (absl::Status alive = Alive(); !alive.ok()) {
      // Aborted lets the launch helpers retry on another port.
      return absl::AbortedError(alive.message());
    }
    if (listening) return absl::OkStatus();
    if (SteadyClock::now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat(name_, " (pid ", pid_, ") did not accept connections on 127.0.0.1:", port_,
                       " within ", timeout.count(), " ms; its output:\n", OutputTail()));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

ServerProcess::ServerProcess(std::string path, std::vector<std::string> args, pid_t pid,
                             uint16_t port, std::string dir)
    : path_(std::move(path)),
      args_(std::move(args)),
      name_(std::filesystem::path(path_).filename()),
      pid_(pid),
      port_(port),
      dir_(std::move(dir)) {}

ServerProcess::ServerProcess(ServerProcess&& other) noexcept
    : path_(std::move(other.path_)),
      args_(std::move(other.args_)),
      name_(std::move(other.name_)),
      pid_(std::exchange(other.pid_, -1)),
      exit_status_(other.exit_status_),
      port_(other.port_),
      dir_(std::exchange(other.dir_, "")) {}

ServerProcess& ServerProcess::operator=(ServerProcess&& other) noexcept {
  if (this != &other) {
    Stop();
    path_ = std::move(other.path_);
    args_ = std::move(other.args_);
    name_ = std::move(other.name_);
    pid_ = std::exchange(other.pid_, -1);
    exit_status_ = other.exit_status_;
    port_ = other.port_;
    dir_ = std::exchange(other.dir_, "");
  }
  return *this;
}

ServerProcess::~ServerProcess() { Stop(); }

void ServerProcess::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    SteadyClock::time_point deadline = SteadyClock::now() + kStopTimeout;
    while (waitpid(pid_, &exit_status_, WNOHANG) == 0) {
      if (SteadyClock::now() >= deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &exit_status_, 0);
        break;
      }
      std::this_thread::sleep_for(kPollInterval);
    }
    pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    dir_.clear();
  }
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, &exit_status_, 0);
  pid_ = -1;
}

absl::Status ServerProcess::Restart(milliseconds startup_timeout) {
  Stop();
  absl::StatusOr<ServerProcess> restarted = Start(path_, args_, port_, startup_timeout);
  if (!restarted.ok()) return restarted.status();
  *this = std::move(*restarted);
  return absl::OkStatus();
}

absl::Status ServerProcess::Alive() {
  if (pid_ > 0 && waitpid(pid_, &exit_status_, WNOHANG) == pid_) pid_ = -1;
  if (pid_ > 0) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(
      name_, " on port ", port_, " ", DescribeExit(exit_status_), "; its output:\n", OutputTail()));
}

std::string ServerProcess::Output() const {
  std::ifstream in(dir_ + "/output.log", std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

absl::StatusOr<ServerProcess::Memory> ServerProcess::ReadMemory() const {
  std::ifstream status(absl::StrCat("/proc/", pid_, "/status"));
  if (pid_ <= 0 || !status) return absl::UnavailableError(absl::StrCat(name_, " is not running"));
  Memory memory;
  std::string line;
  while (std::getline(status, line)) {
    // "VmRSS:     12345 kB"
    int64_t kb = 0;
    if (std::sscanf(line.c_str(), "VmRSS: %" SCNd64 " kB", &kb) == 1) memory.resident = kb * 1024;
    if (std::sscanf(line.c_str(), "VmHWM: %" SCNd64 " kB", &kb) == 1) {
      memory.peak_resident = kb * 1024;
    }
  }
  if (memory.resident == 0) return absl::InternalError("no VmRSS in /proc/<pid>/status");
  return memory;
}

std::string ServerProcess::OutputTail() const {
  constexpr size_t kTail = 4000;
  std::string output = Output();
  if (output.size() > kTail) output = "..." + output.substr(output.size() - kTail);
  return output;
}

absl::StatusOr<testing::SyncConnection> ServerProcess::Connect(milliseconds timeout) const {
  return testing::SyncConnection::Connect("127.0.0.1", port_, timeout);
}

absl::StatusOr<ServerProcess> StartUnderstudy(std::vector<std::string> extra_args) {
  std::vector<std::string> args = {"--loglevel", "warning"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return StartOnFreePort(UNDERSTUDY_SERVER_PATH, std::move(args));
}

absl::StatusOr<ServerProcess> StartUnderstudyWithConfigFile(const std::string& config_file,
                                                            std::vector<std::string> extra_args) {
  std::vector<std::string> args = {"--loglevel", "warning"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return StartOnFreePort(UNDERSTUDY_SERVER_PATH, std::move(args), {config_file});
}

namespace {

absl::StatusOr<ServerProcess> StartRedisListening(std::vector<std::string> extra_args,
                                                  Listen listen) {
  absl::StatusOr<std::string> path = FindExecutable("redis-server");
  if (!path.ok()) return path.status();
  // Redis acts on SIGTERM in its cron, every 1/hz s: hz 100 makes each test's stop 10 ms.
  std::vector<std::string> args = {
      "--save", "",           "--appendonly", "no",   "--protected-mode",
      "no",     "--loglevel", "warning",      "--hz", "100"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return StartOnFreePort(*path, std::move(args), {}, listen);
}

}  // namespace

absl::StatusOr<ServerProcess> StartRedis(std::vector<std::string> extra_args) {
  return StartRedisListening(std::move(extra_args), Listen::kPlain);
}

absl::StatusOr<ServerProcess> StartRedisTls(std::vector<std::string> tls_args) {
  return StartRedisListening(std::move(tls_args), Listen::kTlsOnly);
}

}  // namespace understudy::testing
