#pragma once

#include <charconv>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace understudy::client {

// One command's arguments, encoded as RESP as they are added. Arguments are bytes: strings are
// taken as they are, numbers are written in the decimal form Redis parses (doubles in the
// shortest form that reads back exactly).
class Command {
 public:
  Command() = default;
  template <typename... Args>
  explicit Command(Args&&... args) {
    (arg(std::forward<Args>(args)), ...);
  }

  Command& arg(std::string_view value);
  Command& arg(const char* value) { return arg(std::string_view(value)); }
  Command& arg(const std::string& value) { return arg(std::string_view(value)); }
  template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char>)
  Command& arg(T value) {
    char text[24];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    return arg(std::string_view(text, end - text));
  }
  Command& arg(double value);
  template <typename Range>
    requires requires(const Range& r) { std::begin(r); std::end(r); } &&
             (!std::convertible_to<const Range&, std::string_view>)
  Command& args(const Range& values) {
    for (const auto& value : values) arg(value);
    return *this;
  }

  size_t size() const { return argc_; }
  bool empty() const { return argc_ == 0; }
  // The command's name as given (its first argument).
  std::string_view name() const { return name_; }
  // CLIENT's second argument ("SETNAME"), which decides what it does to the connection; empty
  // for other commands.
  std::string_view subcommand() const { return subcommand_; }
  // Appends the command as RESP: the header "*N\r\n", then the arguments.
  void AppendTo(std::string* out) const;

 private:
  std::string body_;
  std::string name_;
  std::string subcommand_;
  size_t argc_ = 0;
};

}  // namespace understudy::client
