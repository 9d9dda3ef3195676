#include "server/engine/errors.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "store/value.h"

namespace understudy::engine::errors {
namespace {

// User input quoted into an error as Redis formats it with %s: up to the first NUL byte.
absl::string_view CString(std::string_view s, size_t limit = std::string_view::npos) {
  return store::AbslView(s.substr(0, std::min(s.find('\0'), limit)));
}

}  // namespace

std::string InvalidExpireTime(std::string_view command) {
  return absl::StrCat("ERR invalid expire time in '", store::AbslView(command), "' command");
}

std::string UnknownCommand(std::span<const std::string_view> argv) {
  // Redis quotes the name and then arguments while the list is shorter than 128 bytes,
  // each cut to what is left of those 128.
  constexpr size_t kLimit = 128;
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < kLimit; ++i) {
    absl::StrAppend(&args, "'", CString(argv[i], kLimit - args.size()), "' ");
  }
  return absl::StrCat("ERR unknown command '", CString(argv[0], kLimit),
                      "', with args beginning with: ", args);
}

std::string WrongArity(std::string_view full_name) {
  return absl::StrCat("ERR wrong number of arguments for '", store::AbslView(full_name),
                      "' command");
}

std::string UnknownSubcommand(std::string_view sub, std::string_view parent) {
  return absl::StrCat("ERR unknown subcommand '", CString(sub, 128), "'. Try ",
                      absl::AsciiStrToUpper(CString(parent)), " HELP.");
}

std::string UnexpectedStatus(int status) {
  return absl::StrCat("ERR internal error: unexpected operation status ", status);
}

std::string HelloSyntax(std::string_view option) {
  return absl::StrCat("ERR Syntax error in HELLO option '", CString(option), "'");
}

std::string UnknownClientType(std::string_view type) {
  return absl::StrCat("ERR Unknown client type '", CString(type), "'");
}

std::string NoSuchUser(std::string_view user) {
  return absl::StrCat("ERR No such user '", CString(user), "'");
}

std::string UnsupportedOption(std::string_view option) {
  return absl::StrCat("ERR Unsupported option ", CString(option));
}

std::string ExecAbortBecause(std::string_view error) {
  std::string_view reason = error;
  if (reason.substr(0, 4) == "ERR ") reason.remove_prefix(4);
  return absl::StrCat("EXECABORT Transaction discarded because of: ", store::AbslView(reason));
}

// Sorted sets.
std::string NoInputKeys(std::string_view command) {
  return absl::StrCat("ERR at least 1 input key is needed for '", CString(command), "' command");
}

std::string NotAllowedWhileSubscribed(std::string_view full_name) {
  return absl::StrCat("ERR Can't execute '", store::AbslView(full_name),
                      "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed "
                      "in this context");
}

// AUTH and ACL.
std::string UnknownSubcommandOrArity(std::string_view sub, std::string_view parent) {
  // As Redis's reply for any container, the subcommand cut at 128 bytes.
  return absl::StrCat("ERR unknown subcommand or wrong number of arguments for '",
                      CString(sub, 128), "'. Try ", CString(parent), " HELP.");
}

std::string NoPermCommand(std::string_view full_name) {
  return absl::StrCat("NOPERM this user has no permissions to run the '", CString(full_name),
                      "' command");
}

std::string DryRunNoPermCommand(std::string_view full_name) {
  return absl::StrCat("This user has no permissions to run the '", CString(full_name), "' command");
}

std::string DryRunNoPermKey(std::string_view key) {
  return absl::StrCat("This user has no permissions to access the '", CString(key), "' key");
}

std::string UnknownAclCategory(std::string_view name) {
  return absl::StrCat("ERR Unknown category '", CString(name), "'");
}

std::string AclUserNotFound(std::string_view name) {
  return absl::StrCat("ERR User '", CString(name), "' not found");
}

std::string AclCommandNotFound(std::string_view name) {
  return absl::StrCat("ERR Command '", CString(name), "' not found");
}

std::string ConfigRewriteFailed(std::string_view reason) {
  return absl::StrCat("ERR Rewriting config file: ", store::AbslView(reason));
}

std::string DryRunNoPermChannel(std::string_view channel) {
  return absl::StrCat("This user has no permissions to access the '", CString(channel),
                      "' channel");
}

std::string TrackingPrefixOverlap(std::string_view prefix, std::string_view other, bool existing) {
  return absl::StrCat("ERR Prefix '", store::AbslView(prefix), "' overlaps with ",
                      existing ? "an existing" : "another provided", " prefix '",
                      store::AbslView(other), "'. Prefixes for a single client must not overlap.");
}

std::string NoLatencySamples(std::string_view event) {
  return absl::StrCat("ERR No samples available for event '", store::AbslView(event), "'");
}

// Scripting.
std::string ScriptCompileError(std::string_view message) {
  return absl::StrCat("ERR Error compiling script (new function): ", store::AbslView(message));
}
std::string ShebangUnknownEngine(std::string_view engine) {
  return absl::StrCat("Unexpected engine in script shebang: ", store::AbslView(engine));
}
std::string ShebangUnknownOption(std::string_view option) {
  return absl::StrCat("Unknown lua shebang option: ", store::AbslView(option));
}
std::string ShebangUnknownFlag(std::string_view flag) {
  return absl::StrCat("Unexpected flag in script shebang: ", store::AbslView(flag));
}

// Functions.
std::string FunctionUnknownOption(std::string_view option) {
  return absl::StrCat("ERR Unknown option given: ", store::AbslView(option));
}
std::string FunctionListUnknownArgument(std::string_view argument) {
  return absl::StrCat("ERR Unknown argument ", store::AbslView(argument));
}

}  // namespace understudy::engine::errors
