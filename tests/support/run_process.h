#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace understudy::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 if the process was killed by a signal
  int signal = 0;      // the killing signal, else 0
  bool timed_out = false;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs argv (argv[0] is a path, or a name looked up in PATH) to completion, feeding it
// `input` on stdin and capturing stdout and stderr. A process still running after `timeout`
// is killed and reported with timed_out. Fails only if the process cannot be started.
//
// Ignores SIGPIPE for the whole test process so that a child that stops reading its stdin
// cannot kill the test.
absl::StatusOr<ProcessResult> RunProcess(
    std::vector<std::string> argv, std::string_view input = {},
    std::chrono::milliseconds timeout = std::chrono::seconds(30));

// After fork: the child writes its errno to a close-on-exec pipe if exec fails, so the parent
// learns of the failure. Reads that pipe (and closes it): the child's exec errno, or 0 once
// exec succeeded.
int ReadExecErrno(int exec_pipe_read_end);

}  // namespace understudy::testing
