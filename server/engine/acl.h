#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "server/engine/command_table.h"

namespace understudy::engine {

// SHA-256 of data as 64 lowercase hex digits: how ACL users keep their passwords.
std::string Sha256Hex(std::string_view data);

// A key pattern of an ACL user (~pattern, %R~pattern, %W~pattern) and what it permits.
struct AclKeyPattern {
  std::string pattern;
  bool read = true;
  bool write = true;
};

// One ACL user: its flags, password hashes, permitted commands, key and channel patterns.
struct AclUser {
  enum class Sanitize : uint8_t { kUnset, kSanitize, kSkip };

  std::string name;
  bool enabled = false;
  bool nopass = false;
  Sanitize sanitize = Sanitize::kUnset;
  std::vector<std::string> password_hashes;  // Sha256Hex, in the order they were added
  // Indexed by Acl's command index (top-level commands and subcommands alike).
  std::vector<bool> allowed;
  // Set by +@all (allcommands) and cleared only by -@all (nocommands): the user may run every
  // command, present or future. How Redis tells "+@all -x" from "-@all +a +b ...".
  bool all_commands = false;
  bool all_keys = false;
  std::vector<AclKeyPattern> keys;
  bool all_channels = false;
  std::vector<std::string> channels;
};

// Why a user may not run a request.
enum class AclDenial : uint8_t { kNone, kCommand, kKey, kChannel };

// The users of ACL and the checks of requests against their rules. `default` always exists and
// mirrors requirepass.
class Acl {
 public:
  explicit Acl(const CommandTable& commands);

  static constexpr std::string_view kDefaultUser = "default";

  const AclUser& default_user() const { return users_.find(kDefaultUser)->second; }
  const AclUser* Find(std::string_view name) const;
  // acl-pubsub-default: new users, and the `reset` rule, get every channel (allchannels) or
  // none (resetchannels, Redis 7.0's default).
  void set_new_users_get_all_channels(bool all) { new_users_get_all_channels_ = all; }
  // By name, in name order (ACL LIST, ACL USERS). A user's address stays the same until it is
  // deleted: clients point to theirs.
  const std::map<std::string, AclUser, std::less<>>& users() const { return users_; }

  // ACL SETUSER name rule...: creates the user if needed and applies the rules in order, all or
  // nothing. On failure the message is Redis's whole error reply.
  absl::Status SetUser(std::string_view name, std::span<const std::string_view> rules);
  // False if there is no such user. The default user cannot be deleted (the caller refuses).
  bool DeleteUser(std::string_view name);
  // requirepass: the default user gets this one password, or nopass if it is empty.
  void SetRequirePass(std::string_view password);

  // Whether name/password authenticates: the user exists, is on, and is nopass or has the
  // password. Takes the same time whichever stored hash matches, or none.
  bool Authenticate(std::string_view name, std::string_view password) const;

  // Whether the user may run the request (a looked-up command; args[0] is its name). On
  // kKey and kChannel, *denied_key (if given) is the first key or channel the user may not
  // touch. Channels are those PUBLISH, SPUBLISH, SUBSCRIBE, SSUBSCRIBE and PSUBSCRIBE name; a
  // PSUBSCRIBE pattern must be one of the user's patterns as it is, as in Redis.
  AclDenial Check(const AclUser& user, const RegisteredCommand& command,
                  std::span<const std::string_view> args,
                  std::string_view* denied_key = nullptr) const;

  // The user's rules as ACL LIST shows them, after "user <name> ".
  std::string Describe(const AclUser& user) const;
  // ACL GETUSER's fields: the flags, the command rules, the key and channel patterns.
  std::vector<std::string_view> Flags(const AclUser& user) const;
  std::string DescribeCommands(const AclUser& user) const;
  std::string DescribeKeys(const AclUser& user) const;
  std::string DescribeChannels(const AclUser& user) const;

  // Category names without '@' in Redis's order, and a category's bit; 0 if unknown.
  static std::span<const std::string_view> CategoryNames();
  static uint32_t CategoryFlag(std::string_view name);

  // Replaces the users with those of aclfile text ("user <name> <rule> ..." lines), all or
  // nothing; the message of a failure is Redis's (without "ERR "), naming path and line. Users
  // other than default are new objects: their clients must be closed first.
  absl::Status LoadFile(std::string_view path, std::string_view text);
  // The users as aclfile text, in name order.
  std::string SaveFile() const;

 private:
  // Applies one rule to a user being edited; the error is the reason alone.
  absl::Status ApplyRule(AclUser& user, std::string_view rule) const;
  void SetCategory(AclUser& user, uint32_t category, bool allow) const;
  // Sets a command's bit, and its subcommands' bits for a container.
  void SetCommand(AclUser& user, const RegisteredCommand& command, bool allow) const;
  AclUser NewUser(std::string_view name) const;
  bool new_users_get_all_channels_ = false;
  AclDenial CheckChannels(const AclUser& user, const RegisteredCommand& command,
                          std::span<const std::string_view> args,
                          std::string_view* denied_channel) const;
  int IndexOf(const RegisteredCommand& command) const { return index_.at(&command); }

  const CommandTable& commands_;
  absl::flat_hash_map<const RegisteredCommand*, int> index_;
  int command_count_ = 0;
  std::map<std::string, AclUser, std::less<>> users_;
};

}  // namespace understudy::engine
