#include "client/command.h"

#include <cmath>

#include "client/detail/text.h"

namespace understudy::client {

Command& Command::arg(std::string_view value) {
  if (argc_ == 0) {
    name_ = std::string(value);
  } else if (argc_ == 1 && name_.size() == 6 && detail::EqualsIgnoreCase(name_, "CLIENT")) {
    subcommand_ = std::string(value);
  }
  char header[24];
  header[0] = '$';
  const auto end = std::to_chars(header + 1, header + sizeof header, value.size()).ptr;
  body_.reserve(body_.size() + (end - header) + value.size() + 4);
  body_.append(header, end - header).append("\r\n").append(value).append("\r\n");
  ++argc_;
  return *this;
}

Command& Command::arg(double value) {
  if (std::isinf(value)) return arg(value > 0 ? std::string_view("+inf") : "-inf");
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  return arg(std::string_view(text, end - text));
}

void Command::AppendTo(std::string* out) const {
  char header[24];
  header[0] = '*';
  const auto end = std::to_chars(header + 1, header + sizeof header, argc_).ptr;
  out->append(header, end - header).append("\r\n").append(body_);
}

}  // namespace understudy::client
