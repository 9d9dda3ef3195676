#include "tests/support/run_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace understudy::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

void CloseIfOpen(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

}  // namespace

int ReadExecErrno(int exec_pipe_read_end) {
  int exec_errno = 0;
  ssize_t n;
  do {
    n = read(exec_pipe_read_end, &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  close(exec_pipe_read_end);
  return n > 0 ? exec_errno : 0;
}

absl::StatusOr<ProcessResult> RunProcess(std::vector<std::string> argv, std::string_view input,
                                         std::chrono::milliseconds timeout) {
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { signal(SIGPIPE, SIG_IGN); });
  if (argv.empty()) return absl::InvalidArgumentError("RunProcess: empty argv");

  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);

  // [0] is the read end, [1] the write end.
  int in_pipe[2], out_pipe[2], err_pipe[2], exec_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0 || pipe2(exec_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == parent && dup2(in_pipe[0], 0) >= 0 && dup2(out_pipe[1], 1) >= 0 &&
        dup2(err_pipe[1], 2) >= 0) {
      signal(SIGPIPE, SIG_DFL);
      execvp(args[0], args.data());
    }
    int error = errno;
    (void)!write(exec_pipe[1], &error, sizeof error);
    _exit(127);
  }
  for (int fd : {in_pipe[0], out_pipe[1], err_pipe[1], exec_pipe[1]}) close(fd);
  const int exec_errno = ReadExecErrno(exec_pipe[0]);
  int to_child = in_pipe[1], from_out = out_pipe[0], from_err = err_pipe[0];
  if (exec_errno != 0) {
    for (int fd : {to_child, from_out, from_err}) close(fd);
    waitpid(pid, nullptr, 0);
    return absl::NotFoundError(
        absl::StrCat("cannot execute ", argv[0], ": ", std::strerror(exec_errno)));
  }

  ProcessResult result;
  fcntl(to_child, F_SETFL, O_NONBLOCK);
  if (input.empty()) CloseIfOpen(to_child);
  SteadyClock::time_point deadline = SteadyClock::now() + timeout;
  std::array<char, 16 * 1024> chunk;
  while (from_out >= 0 || from_err >= 0) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    std::array<pollfd, 3> fds = {pollfd{to_child, POLLOUT, 0}, pollfd{from_out, POLLIN, 0},
                                 pollfd{from_err, POLLIN, 0}};
    if (poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0 && errno != EINTR) {
      break;
    }
    if (fds[0].revents != 0) {
      ssize_t written = write(to_child, input.data(), input.size());
      if (written > 0) input.remove_prefix(written);
      if ((written < 0 && errno != EAGAIN) || input.empty()) CloseIfOpen(to_child);
    }
    for (auto [pfd, fd, out] :
         {std::tuple{fds[1], &from_out, &result.out}, std::tuple{fds[2], &from_err, &result.err}}) {
      if (pfd.revents == 0) continue;
      ssize_t got = read(*fd, chunk.data(), chunk.size());
      if (got > 0) {
        out->append(chunk.data(), got);
      } else if (got == 0 || errno != EINTR) {
        CloseIfOpen(*fd);
      }
    }
  }
  for (int* fd : {&to_child, &from_out, &from_err}) CloseIfOpen(*fd);
  // The child may outlive its output streams; it gets the rest of the timeout to exit.
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (SteadyClock::now() >= deadline) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace understudy::testing
