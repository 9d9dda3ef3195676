#include "server/engine/acl.h"

#include <algorithm>
#include <array>
#include <climits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/engine/arg_parser.h"
#include "server/engine/glob.h"
#include "store/value.h"

namespace understudy::engine {
namespace {

// SHA-256 (FIPS 180-4).
class Sha256 {
 public:
  void Update(std::string_view data) {
    for (char c : data) {
      block_[filled_++] = static_cast<uint8_t>(c);
      if (filled_ == 64) {
        Compress();
        filled_ = 0;
      }
    }
    length_bits_ += static_cast<uint64_t>(data.size()) * 8;
  }

  std::array<uint8_t, 32> Finish() {
    const uint64_t bits = length_bits_;
    block_[filled_++] = 0x80;
    if (filled_ > 56) {
      std::fill(block_.begin() + filled_, block_.end(), 0);
      Compress();
      filled_ = 0;
    }
    std::fill(block_.begin() + filled_, block_.begin() + 56, 0);
    for (int i = 0; i < 8; ++i) block_[56 + i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
    Compress();
    std::array<uint8_t, 32> digest;
    for (int i = 0; i < 8; ++i) {
      for (int b = 0; b < 4; ++b)
        digest[4 * i + b] = static_cast<uint8_t>(state_[i] >> (24 - 8 * b));
    }
    return digest;
  }

 private:
  static uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

  void Compress() {
    static constexpr uint32_t kRound[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2};
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      w[i] = (uint32_t{block_[4 * i]} << 24) | (uint32_t{block_[4 * i + 1]} << 16) |
             (uint32_t{block_[4 * i + 2]} << 8) | uint32_t{block_[4 * i + 3]};
    }
    for (int i = 16; i < 64; ++i) {
      const uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
    for (int i = 0; i < 64; ++i) {
      const uint32_t t1 =
          h + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + kRound[i] + w[i];
      const uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    state_[5] += f;
    state_[6] += g;
    state_[7] += h;
  }

  std::array<uint32_t, 8> state_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<uint8_t, 64> block_ = {};
  size_t filled_ = 0;
  uint64_t length_bits_ = 0;
};

constexpr std::string_view kCategoryNames[] = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting"};

bool IsPasswordHash(std::string_view hash) {
  return hash.size() == 64 && std::all_of(hash.begin(), hash.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

absl::Status RuleError(std::string_view reason) {
  return absl::InvalidArgumentError(store::AbslView(reason));
}

constexpr std::string_view kUnknownCommandReason = "Unknown command or category name in ACL";
constexpr std::string_view kSyntaxReason = "Syntax error";
constexpr std::string_view kNoSuchPasswordReason =
    "The password you are trying to remove from the user does not exist";
constexpr std::string_view kBadHashReason =
    "The password hash must be exactly 64 characters and contain only lowercase hexadecimal "
    "characters";
constexpr std::string_view kKeyAfterAllKeysReason =
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have "
    "any effect. Try 'resetkeys' to start with an empty list of patterns";
constexpr std::string_view kChannelAfterAllChannelsReason =
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not "
    "have any effect. Try 'resetchannels' to start with an empty list of channels";

void AddUnique(std::vector<std::string>& list, std::string value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

// A key's flags for this request: SET without GET only writes its key, BITFIELD with only GET
// operations only reads it (Redis's key-finding functions say so), the others as declared.
std::string_view RequestKeyFlags(const RegisteredCommand& command, std::string_view flags,
                                 std::span<const std::string_view> args) {
  if (flags.find("variable_flags") == std::string_view::npos) return flags;
  const auto has = [&](std::string_view word) {
    return std::any_of(args.begin() + 2, args.end(),
                       [&](std::string_view arg) { return EqualsIgnoreCase(arg, word); });
  };
  if (command.full_name == "set" && !has("get")) return "OW update";
  if (command.full_name == "bitfield" && !has("set") && !has("incrby")) return "RO access";
  return flags;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  Sha256 sha;
  sha.Update(data);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (uint8_t byte : sha.Finish()) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 15];
  }
  return hex;
}

Acl::Acl(const CommandTable& commands) : commands_(commands) {
  for (const auto& command : commands_.commands()) {
    index_[command.get()] = command_count_++;
    for (const RegisteredCommand& sub : command->subcommands) index_[&sub] = command_count_++;
  }
  AclUser user = NewUser(kDefaultUser);
  user.enabled = true;
  user.nopass = true;
  user.all_keys = true;
  user.all_channels = true;
  user.all_commands = true;
  user.allowed.assign(command_count_, true);
  users_.emplace(std::string(kDefaultUser), std::move(user));
}

AclUser Acl::NewUser(std::string_view name) const {
  AclUser user;
  user.name = name;
  user.all_channels = new_users_get_all_channels_;
  user.allowed.assign(command_count_, false);
  return user;
}

const AclUser* Acl::Find(std::string_view name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : &it->second;
}

std::span<const std::string_view> Acl::CategoryNames() { return kCategoryNames; }

uint32_t Acl::CategoryFlag(std::string_view name) {
  for (size_t i = 0; i < std::size(kCategoryNames); ++i) {
    if (EqualsIgnoreCase(kCategoryNames[i], name)) return 1u << i;
  }
  return 0;
}

void Acl::SetCommand(AclUser& user, const RegisteredCommand& command, bool allow) const {
  user.allowed[IndexOf(command)] = allow;
  for (const RegisteredCommand& sub : command.subcommands) user.allowed[IndexOf(sub)] = allow;
}

void Acl::SetCategory(AclUser& user, uint32_t category, bool allow) const {
  for (const auto& command : commands_.commands()) {
    if (command->acl_categories() & category) SetCommand(user, *command, allow);
    for (const RegisteredCommand& sub : command->subcommands) {
      if (sub.acl_categories() & category) user.allowed[IndexOf(sub)] = allow;
    }
  }
}

absl::Status Acl::ApplyRule(AclUser& user, std::string_view rule) const {
  const auto is = [&](std::string_view word) { return EqualsIgnoreCase(rule, word); };
  if (is("on")) {
    user.enabled = true;
  } else if (is("off")) {
    user.enabled = false;
  } else if (is("nopass")) {
    user.nopass = true;
    user.password_hashes.clear();
  } else if (is("resetpass")) {
    user.nopass = false;
    user.password_hashes.clear();
  } else if (is("sanitize-payload")) {
    user.sanitize = AclUser::Sanitize::kSanitize;
  } else if (is("skip-sanitize-payload")) {
    user.sanitize = AclUser::Sanitize::kSkip;
  } else if (is("allkeys") || rule == "~*") {
    user.all_keys = true;
    user.keys.clear();
  } else if (is("resetkeys")) {
    user.all_keys = false;
    user.keys.clear();
  } else if (is("allchannels") || rule == "&*") {
    user.all_channels = true;
    user.channels.clear();
  } else if (is("resetchannels")) {
    user.all_channels = false;
    user.channels.clear();
  } else if (is("allcommands") || is("+@all")) {
    user.all_commands = true;
    user.allowed.assign(command_count_, true);
  } else if (is("nocommands") || is("-@all")) {
    user.all_commands = false;
    user.allowed.assign(command_count_, false);
  } else if (is("reset")) {
    for (std::string_view step :
         {"resetpass", "resetkeys", "resetchannels", "off", "sanitize-payload", "-@all"}) {
      if (absl::Status status = ApplyRule(user, step); !status.ok()) return status;
    }
    if (new_users_get_all_channels_) user.all_channels = true;
  } else if (rule.empty()) {
    // Redis ignores an empty rule.
  } else if (rule[0] == '>' || rule[0] == '<' || rule[0] == '#' || rule[0] == '!') {
    const bool hashed = rule[0] == '#' || rule[0] == '!';
    const std::string hash = hashed ? std::string(rule.substr(1)) : Sha256Hex(rule.substr(1));
    if (hashed && !IsPasswordHash(hash)) return RuleError(kBadHashReason);
    auto& hashes = user.password_hashes;
    if (rule[0] == '>' || rule[0] == '#') {
      AddUnique(hashes, hash);
    } else {
      auto it = std::find(hashes.begin(), hashes.end(), hash);
      if (it == hashes.end()) return RuleError(kNoSuchPasswordReason);
      hashes.erase(it);
    }
    user.nopass = false;
  } else if (rule[0] == '~' || rule[0] == '%') {
    AclKeyPattern pattern;
    if (rule[0] == '%') {
      const size_t tilde = rule.find('~');
      if (tilde == std::string_view::npos || tilde == 1) return RuleError(kSyntaxReason);
      pattern.read = pattern.write = false;
      for (char c : rule.substr(1, tilde - 1)) {
        if (c == 'R' || c == 'r') {
          pattern.read = true;
        } else if (c == 'W' || c == 'w') {
          pattern.write = true;
        } else {
          return RuleError(kSyntaxReason);
        }
      }
      pattern.pattern = rule.substr(tilde + 1);
    } else {
      pattern.pattern = rule.substr(1);
    }
    if (user.all_keys) return RuleError(kKeyAfterAllKeysReason);
    auto same = std::find_if(user.keys.begin(), user.keys.end(),
                             [&](const AclKeyPattern& p) { return p.pattern == pattern.pattern; });
    if (same == user.keys.end()) {
      user.keys.push_back(std::move(pattern));
    } else {
      same->read = same->read || pattern.read;
      same->write = same->write || pattern.write;
    }
  } else if (rule[0] == '&') {
    if (user.all_channels) return RuleError(kChannelAfterAllChannelsReason);
    AddUnique(user.channels, std::string(rule.substr(1)));
  } else if (rule[0] == '+' || rule[0] == '-') {
    const bool allow = rule[0] == '+';
    const std::string_view name = rule.substr(1);
    if (!name.empty() && name[0] == '@') {
      const uint32_t category = CategoryFlag(name.substr(1));
      if (category == 0) return RuleError(kUnknownCommandReason);
      SetCategory(user, category, allow);
      return absl::OkStatus();
    }
    const size_t bar = name.find('|');
    const RegisteredCommand* command = commands_.Find(name.substr(0, bar));
    if (command == nullptr) return RuleError(kUnknownCommandReason);
    if (bar != std::string_view::npos) {
      // Redis also takes a first argument of a command without subcommands (+select|0);
      // understudy does not.
      if (command->subcommands.empty()) return RuleError(kUnknownCommandReason);
      command = command->FindSubcommand(name.substr(bar + 1));
      if (command == nullptr) return RuleError(kUnknownCommandReason);
    }
    SetCommand(user, *command, allow);
  } else {
    return RuleError(kSyntaxReason);
  }
  return absl::OkStatus();
}

absl::Status Acl::SetUser(std::string_view name, std::span<const std::string_view> rules) {
  auto it = users_.find(name);
  AclUser user = it != users_.end() ? it->second : NewUser(name);
  for (std::string_view rule : rules) {
    if (absl::Status status = ApplyRule(user, rule); !status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ERR Error in ACL SETUSER modifier '", store::AbslView(rule), "': ", status.message()));
    }
  }
  if (it != users_.end()) {
    it->second = std::move(user);
  } else {
    users_.emplace(std::string(name), std::move(user));
  }
  return absl::OkStatus();
}

bool Acl::DeleteUser(std::string_view name) {
  auto it = users_.find(name);
  if (it == users_.end()) return false;
  users_.erase(it);
  return true;
}

void Acl::SetRequirePass(std::string_view password) {
  AclUser& user = users_.find(kDefaultUser)->second;
  user.password_hashes.clear();
  user.nopass = password.empty();
  if (!password.empty()) user.password_hashes.push_back(Sha256Hex(password));
}

bool Acl::Authenticate(std::string_view name, std::string_view password) const {
  const AclUser* user = Find(name);
  if (user == nullptr || !user->enabled) return false;
  if (user->nopass) return true;
  // Every stored hash is compared in full, so the time says nothing about how close a guess was.
  const std::string hash = Sha256Hex(password);
  bool match = false;
  for (const std::string& stored : user->password_hashes) {
    unsigned char difference = 0;
    for (size_t i = 0; i < hash.size(); ++i) difference |= stored[i] ^ hash[i];
    match |= difference == 0;
  }
  return match;
}

AclDenial Acl::Check(const AclUser& user, const RegisteredCommand& command,
                     std::span<const std::string_view> args, std::string_view* denied_key) const {
  // Commands that need no authentication are allowed to everyone, as in Redis.
  if (command.spec->flags & kNoAuth) return AclDenial::kNone;
  if (!user.allowed[IndexOf(command)]) return AclDenial::kCommand;
  if (user.all_keys) return CheckChannels(user, command, args, denied_key);
  const std::optional<std::vector<RequestKey>> keys = RequestKeys(command.spec->keys, args);
  if (!keys) return AclDenial::kNone;  // the command answers the bad key count itself
  for (const RequestKey& key : *keys) {
    bool read = false, write = false;
    for (absl::string_view word :
         absl::StrSplit(store::AbslView(RequestKeyFlags(command, key.flags, args)), ' ')) {
      read = read || word == "access";
      write = write || word == "insert" || word == "delete" || word == "update";
    }
    const bool permitted = std::any_of(user.keys.begin(), user.keys.end(), [&](const auto& p) {
      return (p.read || !read) && (p.write || !write) && GlobMatch(p.pattern, key.key);
    });
    if (!permitted) {
      if (denied_key != nullptr) *denied_key = key.key;
      return AclDenial::kKey;
    }
  }
  return CheckChannels(user, command, args, denied_key);
}

AclDenial Acl::CheckChannels(const AclUser& user, const RegisteredCommand& command,
                             std::span<const std::string_view> args,
                             std::string_view* denied_channel) const {
  if (user.all_channels) return AclDenial::kNone;
  const std::string_view name = command.full_name;
  const bool publish = name == "publish" || name == "spublish";
  const bool patterns = name == "psubscribe";
  if (!publish && !patterns && name != "subscribe" && name != "ssubscribe") {
    return AclDenial::kNone;
  }
  const size_t end = publish ? std::min<size_t>(args.size(), 2) : args.size();
  for (size_t i = 1; i < end; ++i) {
    const bool permitted = std::any_of(
        user.channels.begin(), user.channels.end(),
        [&](const std::string& p) { return patterns ? p == args[i] : GlobMatch(p, args[i]); });
    if (!permitted) {
      if (denied_channel != nullptr) *denied_channel = args[i];
      return AclDenial::kChannel;
    }
  }
  return AclDenial::kNone;
}

std::vector<std::string_view> Acl::Flags(const AclUser& user) const {
  std::vector<std::string_view> flags = {user.enabled ? "on" : "off"};
  if (user.nopass) flags.push_back("nopass");
  if (user.sanitize == AclUser::Sanitize::kSkip) flags.push_back("skip-sanitize-payload");
  if (user.sanitize == AclUser::Sanitize::kSanitize) flags.push_back("sanitize-payload");
  return flags;
}

// Redis's approximation: start from +@all or -@all, take categories greedily while one has more
// commands in common with the user's than different, then name the commands that still differ.
std::string Acl::DescribeCommands(const AclUser& user) const {
  const bool additive = !user.all_commands;
  std::string rules = additive ? "-@all" : "+@all";
  AclUser described = NewUser(user.name);  // what the rules emitted so far permit
  if (!additive) ApplyRule(described, "+@all").IgnoreError();
  AclUser remaining = user;  // the user with the emitted categories taken back
  std::vector<bool> applied(std::size(kCategoryNames), false);
  while (true) {
    int best = -1;
    size_t min_diff = INT_MAX, max_same = 0;
    for (size_t j = 0; j < std::size(kCategoryNames); ++j) {
      if (applied[j]) continue;
      size_t on = 0, off = 0;
      for (const auto& command : commands_.commands()) {
        if (!(command->acl_categories() & (1u << j))) continue;
        (remaining.allowed[IndexOf(*command)] ? on : off)++;
      }
      const size_t diff = additive ? off : on, same = additive ? on : off;
      if (same > diff && (diff < min_diff || (diff == min_diff && same > max_same))) {
        best = static_cast<int>(j);
        min_diff = diff;
        max_same = same;
      }
    }
    if (best < 0) break;
    SetCategory(described, 1u << best, additive);
    SetCategory(remaining, 1u << best, !additive);
    absl::StrAppend(&rules, additive ? " +@" : " -@", store::AbslView(kCategoryNames[best]));
    applied[best] = true;
  }
  for (const auto& command : commands_.commands()) {
    const int index = IndexOf(*command);
    if (user.allowed[index] != described.allowed[index]) {
      absl::StrAppend(&rules, user.allowed[index] ? " +" : " -", command->full_name);
      SetCommand(described, *command, user.allowed[index]);
    }
    for (const RegisteredCommand& sub : command->subcommands) {
      const int sub_index = IndexOf(sub);
      if (user.allowed[sub_index] != described.allowed[sub_index]) {
        absl::StrAppend(&rules, user.allowed[sub_index] ? " +" : " -", sub.full_name);
        described.allowed[sub_index] = user.allowed[sub_index];
      }
    }
  }
  return rules;
}

std::string Acl::DescribeKeys(const AclUser& user) const {
  if (user.all_keys) return "~*";
  std::vector<std::string> parts;
  for (const AclKeyPattern& key : user.keys) {
    const std::string_view prefix = key.read && key.write ? "~" : key.read ? "%R~" : "%W~";
    parts.push_back(absl::StrCat(store::AbslView(prefix), key.pattern));
  }
  return absl::StrJoin(parts, " ");
}

std::string Acl::DescribeChannels(const AclUser& user) const {
  if (user.all_channels) return "&*";
  std::vector<std::string> parts;
  for (const std::string& channel : user.channels) parts.push_back(absl::StrCat("&", channel));
  return absl::StrJoin(parts, " ");
}

std::string Acl::Describe(const AclUser& user) const {
  std::string text;
  for (std::string_view flag : Flags(user)) {
    absl::StrAppend(&text, text.empty() ? "" : " ", store::AbslView(flag));
  }
  for (const std::string& hash : user.password_hashes) absl::StrAppend(&text, " #", hash);
  if (const std::string keys = DescribeKeys(user); !keys.empty()) absl::StrAppend(&text, " ", keys);
  if (!user.all_channels) absl::StrAppend(&text, " resetchannels");
  if (const std::string channels = DescribeChannels(user); !channels.empty()) {
    absl::StrAppend(&text, " ", channels);
  }
  absl::StrAppend(&text, " ", DescribeCommands(user));
  return text;
}

absl::Status Acl::LoadFile(std::string_view path, std::string_view text) {
  Acl loaded(commands_);
  absl::flat_hash_set<std::string> seen;
  int line_number = 0;
  const auto refuse = [](std::string message) {
    return absl::InvalidArgumentError(absl::StrCat(
        message,
        " WARNING: ACL errors detected, no change to the previously active ACL rules was "
        "performed"));
  };
  for (absl::string_view line : absl::StrSplit(store::AbslView(text), '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    std::vector<std::string_view> words;
    for (absl::string_view word : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
      words.emplace_back(word.data(), word.size());
    }
    if (words[0] != "user" || words.size() < 2) {
      return refuse(absl::StrCat(store::AbslView(path), ":", line_number,
                                 " should start with user keyword followed by the username."));
    }
    // A user the file names starts from nothing, the default user included; one line each.
    if (!seen.insert(std::string(words[1])).second) {
      return refuse(absl::StrCat("WARNING: Duplicate user '", store::AbslView(words[1]),
                                 "' found on line ", line_number, "."));
    }
    AclUser user = loaded.NewUser(words[1]);
    for (std::string_view rule : std::span<const std::string_view>(words).subspan(2)) {
      if (absl::Status status = loaded.ApplyRule(user, rule); !status.ok()) {
        return refuse(absl::StrCat(store::AbslView(path), ":", line_number,
                                   ": Error in applying operation '", store::AbslView(rule),
                                   "': ", status.message(), "."));
      }
    }
    loaded.users_.insert_or_assign(std::string(words[1]), std::move(user));
  }
  // The default user keeps its address: clients point to it.
  auto default_node = users_.extract(users_.find(kDefaultUser));
  auto fresh_default = loaded.users_.find(kDefaultUser);
  default_node.mapped() = std::move(fresh_default->second);
  loaded.users_.erase(fresh_default);
  users_ = std::move(loaded.users_);
  users_.insert(std::move(default_node));
  return absl::OkStatus();
}

std::string Acl::SaveFile() const {
  std::string text;
  for (const auto& [name, user] : users_)
    absl::StrAppend(&text, "user ", name, " ", Describe(user), "\n");
  return text;
}

}  // namespace understudy::engine
