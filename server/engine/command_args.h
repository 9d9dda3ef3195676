#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace understudy::engine {

// The kinds of argument COMMAND DOCS names, in Redis's words.
enum class ArgType : uint8_t {
  kString,
  kInteger,
  kDouble,
  kKey,
  kPattern,
  kUnixTime,
  kPureToken,
  kOneOf,
  kBlock,
};

std::string_view ArgTypeName(ArgType type);  // "unix-time", "pure-token", "oneof", ...

// One argument of a command as COMMAND DOCS describes it.
struct CommandArg {
  std::string name;
  ArgType type = ArgType::kString;
  std::optional<std::string> token;  // the keyword before it (may be empty: MIGRATE's "")
  int key_spec_index = -1;           // -1: not a key
  std::string since;
  std::string deprecated_since;
  bool optional = false;
  bool multiple = false;
  bool multiple_token = false;   // repeated with its token each time
  std::vector<CommandArg> args;  // the alternatives of a oneof, the parts of a block
};

// Parses a command's arguments written close to the usage line of Redis's documentation:
//
//   value             a string argument         count:integer   with a type: integer, double,
//                                                               key, pattern, unix-time
//   TOKEN             a pure token named token  change=CH       a pure token with its own name
//   TOKEN name:type   an argument after a token equal='='       a token in quotes (= ~ * $ '')
//   where:(A | B)     one of the alternatives   pair:{a b}      the parts of a block
//   [item]            optional                  item...         repeated
//   [TOKEN item]...   optional, repeated with its token each time
//   item@6.2.0        since                     item!2.8.12     deprecated since
//   item#1            key_spec_index; a key without one takes the next index (0 at first)
//
// Words without a lower-case letter are tokens. A name may hold ':' when what follows the last
// one is not a type ("ip:port").
absl::StatusOr<std::vector<CommandArg>> ParseCommandArgs(std::string_view syntax);

}  // namespace understudy::engine
