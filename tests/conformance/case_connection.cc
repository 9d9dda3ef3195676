#include "tests/conformance/case_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "tests/support/sync_connection.h"
#include "resp/base/strings.h"

namespace understudy::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

milliseconds Left(steady_clock::time_point deadline) {
  return std::max(milliseconds(0), std::chrono::ceil<milliseconds>(deadline - steady_clock::now()));
}

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

absl::StatusOr<CaseConnection> CaseConnection::Open(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", ErrnoText()));
  CaseConnection conn(fd);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    if (errno != EINPROGRESS) {
      return absl::UnavailableError(
          absl::StrCat("cannot connect to 127.0.0.1:", port, ": ", ErrnoText()));
    }
    if (absl::Status ready = conn.Poll(POLLOUT, kTimeout); !ready.ok()) return ready;
    int error = 0;
    socklen_t length = sizeof(error);
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot connect to 127.0.0.1:", port, ": ", std::strerror(error)));
    }
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return conn;
}

CaseConnection::CaseConnection(CaseConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      parser_(std::move(other.parser_)),
      closed_(other.closed_) {}

CaseConnection& CaseConnection::operator=(CaseConnection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    buffer_ = std::move(other.buffer_);
    parser_ = std::move(other.parser_);
    closed_ = other.closed_;
  }
  return *this;
}

CaseConnection::~CaseConnection() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status CaseConnection::Write(std::string_view bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    // MSG_NOSIGNAL: a server that closed early is a reply to check, not a SIGPIPE.
    ssize_t n = ::send(fd_, bytes.data() + written, bytes.size() - written, MSG_NOSIGNAL);
    if (n > 0) {
      written += n;
    } else if (n < 0 && errno == EAGAIN) {
      if (absl::Status ready = Poll(POLLOUT, kTimeout); !ready.ok()) return ready;
    } else if (n < 0 && errno != EINTR) {
      return absl::UnavailableError(absl::StrCat("write failed after ", written, " of ",
                                                 bytes.size(), " bytes: ", ErrnoText()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<resp::Reply> CaseConnection::Read(milliseconds timeout) {
  steady_clock::time_point deadline = steady_clock::now() + timeout;
  while (true) {
    if (!buffer_.empty()) {
      switch (parser_.Parse(buffer_)) {
        case resp::ReplyParser::Status::kReply: {
          resp::Reply reply = parser_.TakeReply();
          buffer_.erase(0, parser_.consumed());
          return reply;
        }
        case resp::ReplyParser::Status::kError:
          return absl::DataLossError(
              absl::StrCat("malformed reply: ", base::AbslView(parser_.error())));
        case resp::ReplyParser::Status::kNeedMore:
          break;
      }
    }
    if (closed_) {
      return absl::UnavailableError(absl::StrCat(
          "the server closed the connection", buffer_.empty() ? "" : " in the middle of a reply"));
    }
    if (absl::Status ready = Poll(POLLIN, Left(deadline)); !ready.ok()) return ready;
    if (absl::Status received = Receive(); !received.ok()) return received;
  }
}

absl::StatusOr<resp::Reply> CaseConnection::Command(const std::vector<std::string>& args) {
  std::vector<std::string_view> views(args.begin(), args.end());
  if (absl::Status sent = Write(testing::EncodeCommand(views)); !sent.ok()) return sent;
  return Read();
}

std::optional<std::string> CaseConnection::Arrived(milliseconds period) {
  steady_clock::time_point deadline = steady_clock::now() + period;
  while (buffer_.empty() && !closed_) {
    if (!Poll(POLLIN, Left(deadline)).ok()) return std::nullopt;
    if (absl::Status received = Receive(); !received.ok()) return received.ToString();
  }
  absl::StatusOr<resp::Reply> reply = Read(milliseconds(0));
  if (reply.ok()) return resp::ToString(*reply);
  if (buffer_.empty()) return "(closed)";
  return absl::StrCat("\"", absl::CHexEscape(buffer_), "\" (the start of a reply)");
}

absl::Status CaseConnection::Poll(short events, milliseconds timeout) {
  pollfd entry{fd_, events, 0};
  steady_clock::time_point deadline = steady_clock::now() + timeout;
  while (true) {
    int n = ::poll(&entry, 1, static_cast<int>(Left(deadline).count()));
    if (n > 0) return absl::OkStatus();
    if (n == 0) {
      return absl::DeadlineExceededError(absl::StrCat(
          "nothing ", events == POLLIN ? "received" : "sent", " within ", timeout.count(), " ms"));
    }
    if (errno != EINTR) return absl::InternalError(absl::StrCat("poll: ", ErrnoText()));
  }
}

absl::Status CaseConnection::Receive() {
  char chunk[16 * 1024];
  ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
  if (n > 0) {
    buffer_.append(chunk, n);
  } else if (n == 0 || errno == ECONNRESET) {
    closed_ = true;
  } else if (errno != EAGAIN && errno != EINTR) {
    return absl::UnavailableError(absl::StrCat("read failed: ", ErrnoText()));
  }
  return absl::OkStatus();
}

}  // namespace understudy::testing
