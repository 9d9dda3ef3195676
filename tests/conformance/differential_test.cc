// Differential test: random sequences of string, key, list, hash, set and sorted set commands
// go to a real redis-server and to understudy-server, and every reply must be the same.
//
// Each seed drives a deterministic generator (mt19937_64, whose output the standard fixes)
// over a few keys in two databases. Nothing may depend on timing:
// - A relative TTL is either not positive (the key is deleted at once) or comes from a serial
//   that makes every new relative deadline at least 99 s apart from every earlier one (see
//   Generator::FutureSeconds), so NX/XX/GT/LT give the same answer however long the run takes.
// - Absolute deadlines are fixed constants, either in the past or decades ahead.
// - TTL/PTTL and EXPIRETIME/PEXPIRETIME of relative deadlines are compared with a tolerance.
// - Redis keeps a key written by SET with a past EXAT/PXAT until it is looked up or actively
//   expired, so DBSIZE would depend on timing; such a SET is followed by EXISTS of its key.
// - KEYS is compared as a set, SCAN by iterating it to the end; RANDOMKEY is not sent.
// - Whole hashes (HGETALL, HKEYS, HVALS, HRANDFIELD with a count past the size) are compared as
//   sets of fields or of field-value pairs, as a hashtable's order is each server's own; HSCAN
//   is iterated to the end; HRANDFIELD is sent only with counts whose answer is not random.
// - Replies listing a set's members (SMEMBERS, SUNION ...) are compared as sets, SSCAN by
//   iterating it to the end. SPOP and SRANDMEMBER only take counts that pick the whole set (or
//   none, or are refused), so that both servers keep the same members.
// - Blocking list commands get a timeout of a millisecond or two, or an invalid one: nothing
//   else writes while the one connection waits, so an empty list always ends in the timeout's
//   null reply. Likewise the blocking sorted set pops.
// - Sorted sets hold members of a small pool, so they stay listpacks, whose lex ranges are
//   defined whatever the scores (a skiplist's are not when scores differ); ZRANDMEMBER asks
//   only for counts that cover the whole set. ZSCAN of a listpack answers every member in
//   order in one call, so it is compared exactly.
//
// A failure names the seed and the command index, shows both replies and the commands before;
// UNDERSTUDY_DIFFERENTIAL_SEEDS=N runs seeds 1..N instead of the default 8, and
// --gtest_filter='*Seed<N>' one of them.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <limits>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/support/sync_connection.h"
#include "gtest/gtest.h"
#include "resp/reply.h"
#include "tests/support/server_process.h"

namespace understudy::testing {
namespace {

using namespace std::string_view_literals;
using resp::Reply;
using resp::ReplyType;

constexpr int kCommandsPerSeed = 3000;
constexpr int kDefaultSeeds = 8;
constexpr size_t kContextCommands = 10;
// Bound on the SCAN calls of one full iteration (a handful of keys needs a few).
constexpr int kMaxScanCalls = 1000;
// TTLs and deadlines computed from each server's own clock may differ by this much.
constexpr int64_t kToleranceMs = 2000;
// Deadlines from the fixed absolute constants below are all past this, relative ones are not:
// above it EXPIRETIME/PEXPIRETIME must match exactly.
constexpr int64_t kAbsoluteAboveSeconds = 3'000'000'000;

// How the replies of a step are compared.
enum class Compare {
  kExact,
  kTtlSeconds,         // TTL: -1/-2 exactly, otherwise within the tolerance
  kTtlMillis,          // PTTL
  kExpireTimeSeconds,  // EXPIRETIME: like TTL, but exact for far-future absolute deadlines
  kExpireTimeMillis,   // PEXPIRETIME
  kUnordered,          // KEYS: the elements as a set
  kUnorderedPairs,     // HGETALL: the elements, taken two by two, as a set of pairs
  kFullScan,           // SCAN, HSCAN, SSCAN: called with each returned cursor until it is 0;
                       // the keys, fields or members seen as a set
};

struct Step {
  std::vector<std::string> args;
  Compare compare = Compare::kExact;
};

// Keys (one binary) and KEYS/SCAN patterns that match some of them.
constexpr std::string_view kKeys[] = {"a"sv, "b"sv, "ab"sv, "k\0\n"sv};
constexpr std::string_view kPatterns[] = {
    "*"sv,     "a*"sv,  "?"sv, "??"sv,  "[ab]"sv, "[^a]*"sv, "[a-b]*"sv, "*b"sv,
    "a\\*"sv,  "\\a"sv, "["sv, "[]"sv,  "[!a]"sv, "k*"sv,    "*\0*"sv,   "k?\n"sv,
    "[b-a]"sv, "a[b"sv, ""sv,  "**b"sv, "a?"sv,   "[\\]]"sv};

// Pools packed by hand:
// clang-format off
// Values that parse, or almost parse, as numbers, and awkward bytes.
constexpr std::string_view kValues[] = {
    ""sv, "0"sv, "-0"sv, "01"sv, "+1"sv, " 1"sv, "1 "sv, "1"sv, "-1"sv, "10"sv, "42"sv,
    "9223372036854775807"sv, "-9223372036854775808"sv, "9223372036854775806"sv,
    "-9223372036854775807"sv, "9223372036854775808"sv, "-9223372036854775809"sv,
    "18446744073709551616"sv, "1.5"sv, "-1.5"sv, "3.0e3"sv, "1e308"sv, "1.7976931348623157e308"sv,
    "4.9e-324"sv, "inf"sv, "-inf"sv, "nan"sv, "0x10"sv, "abc"sv, "1abc"sv, "0.1"sv, "1.0"sv, ".5"sv,
    "5."sv, "1e-5"sv, "  "sv, "a\0b"sv, "\0"sv, "\r\n"sv, "line\r\nbreak"sv, "\xff\xfe"sv,
    "17179869184"sv, "3.14159265358979323846"sv, "0.30000000000000004"sv,
    "123456789012345678901234567890"sv, "'quoted' \"double\""sv,
};

// Integer arguments: INCRBY/DECRBY increments and GETRANGE indexes.
constexpr std::string_view kIntegers[] = {
    "0"sv, "1"sv, "-1"sv, "2"sv, "-2"sv, "5"sv, "-5"sv, "10"sv, "-10"sv, "100"sv, "-100"sv,
    "1000"sv, "9223372036854775807"sv, "-9223372036854775808"sv, "9223372036854775806"sv,
    "-9223372036854775807"sv, "9223372036854775808"sv, "-9223372036854775809"sv,
    "4611686018427387904"sv, "2147483647"sv, "2147483648"sv, "-2147483649"sv, "1.5"sv, "abc"sv,
    ""sv, "+1"sv, "01"sv, " 1"sv, "1 "sv, "-0"sv, "1e3"sv,
};

// INCRBYFLOAT increments.
constexpr std::string_view kFloats[] = {
    "1"sv, "-1"sv, "0"sv, "-0"sv, "0.1"sv, "-0.1"sv, "1.5"sv, "3.0e3"sv, "3.0E3"sv, "1e308"sv,
    "-1e308"sv, "1e-308"sv, "inf"sv, "-inf"sv, "+inf"sv, "nan"sv, "-nan"sv, "abc"sv, ""sv, "1e"sv,
    "0x10"sv, "5.0e-1"sv, " 1"sv, "1 "sv, ".5"sv, "5."sv, "+1.5"sv, "1e400"sv, "17179869184"sv,
    "9223372036854775807"sv, "-9223372036854775808"sv, "0.0000001"sv, "3.14159265358979323846"sv,
    "1.7976931348623157e308"sv, "100000000000000000000"sv, "1\0"sv, "1.5.5"sv, "--1"sv,
};

// SETRANGE offsets: small ones, negative ones and ones past 512 MB (which must be refused
// before anything is allocated; 536870911 is left out because one byte there is allowed).
constexpr std::string_view kOffsets[] = {
    "0"sv, "1"sv, "2"sv, "5"sv, "10"sv, "64"sv, "100"sv, "999"sv, "1000"sv, "-1"sv, "-100"sv,
    "536870912"sv, "536870913"sv, "4294967296"sv, "9223372036854775807"sv, "-9223372036854775808"sv,
    "abc"sv, ""sv, "1.5"sv, "+1"sv, "01"sv, "9223372036854775808"sv,
};

// Bit offsets Redis refuses. A large valid one is never generated: SETBIT or BITFIELD there
// would make both servers allocate up to 512 MB.
constexpr std::string_view kBadBitOffsets[] = {
    "-1"sv, "4294967296"sv, "9223372036854775807"sv, "abc"sv, ""sv, "+1"sv, "01"sv, "1.5"sv,
    "#1"sv, "#-1"sv, "#"sv,
};

// BITFIELD types, valid and not.
constexpr std::string_view kBadBitFieldTypes[] = {"u64"sv, "i65"sv, "u0"sv, "I8"sv, "i"sv, ""sv};

// Expiry arguments that are not positive (the key expires at once, or SET/GETEX refuse them)
// or that do not parse or overflow. None is a small positive number.
constexpr std::string_view kPastSeconds[] = {"0"sv, "-1"sv, "-100"sv, "-9223372036854775"sv};
constexpr std::string_view kBadSeconds[] = {
    "abc"sv, ""sv, "1.5"sv, "+2000000"sv, "02000000"sv, " 2000000"sv, "2000000 "sv, "2e6"sv,
    "9223372036854775807"sv, "9223372036854775"sv, "9223372036854776"sv, "-9223372036854775808"sv,
    "-9223372036854776"sv, "9223372036854775808"sv,
};
constexpr std::string_view kPastMillis[] = {"0"sv, "-1"sv, "-1000"sv, "-9223372036854775808"sv};
constexpr std::string_view kBadMillis[] = {
    "abc"sv, ""sv, "1.5"sv, "9223372036854775807"sv, "9223372036854775808"sv, "+5000000000"sv,
    " 5000000000"sv, "5e9"sv, "9223372036854775000"sv,
};
// clang-format on

constexpr std::string_view kFutureUnixSeconds[] = {"4000000000"sv, "4000000001"sv, "4102444800"sv,
                                                   "9223372036854775"sv};
constexpr std::string_view kPastUnixSeconds[] = {"1"sv,          "2"sv, "1000000000"sv,
                                                 "1600000000"sv, "0"sv, "-1"sv};
constexpr std::string_view kBadUnixSeconds[] = {
    "abc"sv, ""sv, "9223372036854776"sv, "-9223372036854776"sv, "1.5e9"sv, "+4000000000"sv};
constexpr std::string_view kFutureUnixMillis[] = {"4000000000000"sv, "4000000000500"sv,
                                                  "4000000001000"sv, "4102444800000"sv,
                                                  "9223372036854775807"sv};
constexpr std::string_view kPastUnixMillis[] = {"1"sv, "1600000000000"sv, "0"sv, "-1"sv,
                                                "-9223372036854775808"sv};
constexpr std::string_view kBadUnixMillis[] = {"abc"sv, ""sv, "9223372036854775808"sv, "4e12"sv,
                                               "4000000000000.5"sv};

// Command names (Redis arity convention) for wrong-arity requests.
struct Arity {
  std::string_view name;
  int arity;
};
// clang-format off
constexpr Arity kArities[] = {
    // strings and keys
    {"get", 2}, {"set", -3}, {"setnx", 3}, {"setex", 4}, {"psetex", 4}, {"getset", 3},
    {"getdel", 2}, {"getex", -2}, {"mget", -2}, {"mset", -3}, {"msetnx", -3}, {"append", 3},
    {"strlen", 2}, {"getrange", 4}, {"setrange", 4}, {"incr", 2}, {"decr", 2}, {"incrby", 3},
    {"decrby", 3}, {"incrbyfloat", 3}, {"del", -2}, {"unlink", -2}, {"exists", -2}, {"touch", -2},
    {"type", 2}, {"keys", 2}, {"scan", -2}, {"randomkey", 1}, {"rename", 3}, {"renamenx", 3},
    {"copy", -3}, {"expire", -3}, {"pexpire", -3}, {"expireat", -3}, {"pexpireat", -3}, {"ttl", 2},
    {"pttl", 2}, {"expiretime", 2}, {"pexpiretime", 2}, {"persist", 2}, {"dbsize", 1},
    {"select", 2}, {"echo", 2}, {"ping", -1}, {"flushdb", -1}, {"flushall", -1},
    // lists
    {"lpush", -3}, {"rpush", -3}, {"lpushx", -3}, {"rpushx", -3}, {"lpop", -2}, {"rpop", -2},
    {"llen", 2}, {"lrange", 4}, {"lindex", 3}, {"lset", 4}, {"linsert", 5}, {"lrem", 4},
    {"ltrim", 4}, {"lpos", -3}, {"lmove", 5}, {"rpoplpush", 3}, {"lmpop", -4}, {"blpop", -3},
    {"brpop", -3}, {"blmove", 6}, {"brpoplpush", 4}, {"blmpop", -5},
    // hashes
    {"hset", -4}, {"hsetnx", 4}, {"hget", 3}, {"hmget", -3}, {"hmset", -4}, {"hgetall", 2},
    {"hdel", -3}, {"hexists", 3}, {"hlen", 2}, {"hkeys", 2}, {"hvals", 2}, {"hincrby", 4},
    {"hstrlen", 3}, {"hincrbyfloat", 4}, {"hrandfield", -2}, {"hscan", -3},
    // sets
    {"sadd", -3}, {"srem", -3}, {"smembers", 2}, {"sismember", 3}, {"smismember", -3}, {"scard", 2},
    {"spop", -2}, {"srandmember", -2}, {"smove", 4}, {"sinter", -2}, {"sintercard", -3},
    {"sinterstore", -3}, {"sunion", -2}, {"sunionstore", -3}, {"sdiff", -2}, {"sdiffstore", -3},
    {"sscan", -3},
    // sorted sets
    {"zadd", -4}, {"zincrby", 4}, {"zrem", -3}, {"zscore", 3}, {"zmscore", -3}, {"zcard", 2},
    {"zcount", 4}, {"zlexcount", 4}, {"zrange", -4}, {"zrevrange", -4}, {"zrangestore", -5},
    {"zrangebyscore", -4}, {"zrevrangebyscore", -4}, {"zrangebylex", -4}, {"zrevrangebylex", -4},
    {"zrank", 3}, {"zrevrank", 3}, {"zremrangebyrank", 4}, {"zremrangebyscore", 4},
    {"zremrangebylex", 4}, {"zpopmin", -2}, {"zpopmax", -2}, {"zmpop", -4}, {"bzpopmin", -3},
    {"bzpopmax", -3}, {"bzmpop", -5}, {"zrandmember", -2}, {"zunion", -3}, {"zinter", -3},
    {"zdiff", -3}, {"zunionstore", -4}, {"zinterstore", -4}, {"zdiffstore", -4}, {"zintercard", -3},
    {"zscan", -3},
    // bitmaps
    {"setbit", 4}, {"getbit", 3}, {"bitcount", -2}, {"bitpos", -3}, {"bitop", -4},
    {"bitfield", -2}, {"bitfield_ro", -2}};
// clang-format on

// Keys mostly left to list commands.
constexpr std::string_view kListKeys[] = {"l"sv, "m"sv};

// List elements: a few short ones, so that LREM, LPOS and LINSERT find what they look for.
constexpr std::string_view kElements[] = {"a"sv, "b"sv, "c"sv, "0"sv, "1"sv, "-1"sv, ""sv, "a\0"sv};

// Keys mostly left to hash commands.
constexpr std::string_view kHashKeys[] = {"h"sv, "i"sv};

// Hash fields: a few, so that commands find what they look for and hashes stay small unless
// a long value or a low hash-max-listpack-entries makes them hashtables.
constexpr std::string_view kFields[] = {"f"sv, "g"sv, "n"sv, "x"sv, "1"sv, "-1"sv, ""sv, "f\0"sv};

// HRANDFIELD counts whose answer is not random: none, all of the hash, or an error. No
// negative count that Redis accepts: it would answer that many fields, billions here.
// clang-format off
constexpr std::string_view kRandomCounts[] = {
    "0"sv, "1000"sv, "9223372036854775807"sv, "4611686018427387903"sv, "4611686018427387904"sv,
    "-9223372036854775808"sv, "abc"sv, ""sv, "1.5"sv, "+1000"sv};
// clang-format on

// Keys mostly left to set commands.
constexpr std::string_view kSetKeys[] = {"s"sv, "t"sv, "u"sv};

// Set members besides small numbers: ones that make a set a hashtable (strings, numbers that are
// not canonical) and the int64 extremes an intset must widen for.
// clang-format off
constexpr std::string_view kSetMembers[] = {
    "a"sv, "b"sv, "c"sv, ""sv, "01"sv, "-0"sv, "1.0"sv, "9223372036854775807"sv,
    "-9223372036854775808"sv, "9223372036854775808"sv, "70000"sv, "-3000000000"sv};
// clang-format on

// Keys mostly left to sorted set commands.
constexpr std::string_view kZSetKeys[] = {"z"sv, "y"sv};

// Sorted set members: few and short, so that sets stay listpacks (see the top).
constexpr std::string_view kZSetMembers[] = {"a"sv, "b"sv,  "c"sv, "d"sv,   "aa"sv,  "0"sv,
                                             "1"sv, "-1"sv, ""sv,  "a\0"sv, "\xff"sv};

// Scores, increments and weights: plain, awkward and invalid.
constexpr std::string_view kScores[] = {
    "0"sv,    "1"sv,     "-1"sv,     "2"sv,        "1.5"sv,
    "-0"sv,   "0.1"sv,   "0.2"sv,    "1e20"sv,     "-2.5e-5"sv,
    "inf"sv,  "-inf"sv,  "+inf"sv,   "Infinity"sv, "1e-310"sv,
    "0x10"sv, "nan"sv,   "abc"sv,    ""sv,         " 1"sv,
    "1 "sv,   "1e400"sv, "1e-400"sv, "(1"sv,       "9007199254740993"sv,
    "1e16"sv};

// Score range bounds, exclusive or not, and some that are not floats.
constexpr std::string_view kScoreBounds[] = {
    "-inf"sv, "+inf"sv, "inf"sv,  "0"sv,   "1"sv,    "(1"sv,   "-1"sv,
    "(-1"sv,  "1.5"sv,  "(0.1"sv, "2"sv,   "(2"sv,   "1e20"sv, ""sv,
    "("sv,    " 1"sv,   "abc"sv,  "nan"sv, "(nan"sv, "[1"sv,   "1e400"sv};

// Lex range bounds, valid or not.
constexpr std::string_view kLexBounds[] = {"-"sv,     "+"sv,   "[a"sv, "(a"sv, "[b"sv,
                                           "(b"sv,    "[aa"sv, "(c"sv, "["sv,  "("sv,
                                           "[\xff"sv, "a"sv,   ""sv,   "+a"sv, "-a"sv};

// Blocking timeouts: ones that end almost at once, and ones Redis refuses. Never 0 or one that
// rounds up to 0 ms (such as -0.0001): the connection would wait for ever.
constexpr std::string_view kShortTimeouts[] = {"0.001"sv, "0.002"sv, "1e-3"sv, ".001"sv,
                                               "0.0001"sv};
constexpr std::string_view kBadTimeouts[] = {"abc"sv, ""sv,    "-1"sv,    "-0.5"sv,
                                             "inf"sv, "nan"sv, "1e300"sv, " 1"sv};

// No name may be a real command up to a NUL: Redis finds commands in a hash table keyed by
// the full name but compares names with strcasecmp, so "get\0x" is GET or unknown depending on
// the process's hash seed.
constexpr std::string_view kUnknownCommands[] = {"foo"sv,     "gett"sv,        "setx"sv,   ""sv,
                                                 "expires"sv, "nosuch\0get"sv, "x\r\ny"sv, "ttl2"sv,
                                                 "'"sv,       "config\nget"sv};

// Generates the commands of one seed. Every choice comes from rng_ alone.
class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  // The next steps: usually one command, sometimes a command and a follow-up.
  std::vector<Step> Next() {
    struct Choice {
      int weight;
      void (Generator::*make)(std::vector<Step>&);
    };
    static constexpr Choice kChoices[] = {
        {6, &Generator::Get},          {8, &Generator::Set},           {1, &Generator::SetNx},
        {2, &Generator::SetEx},        {1, &Generator::GetSet},        {1, &Generator::GetDel},
        {3, &Generator::GetEx},        {2, &Generator::MGet},          {2, &Generator::MSet},
        {3, &Generator::Append},       {1, &Generator::StrLen},        {2, &Generator::GetRange},
        {3, &Generator::SetRange},     {3, &Generator::IncrDecr},      {3, &Generator::IncrBy},
        {4, &Generator::IncrByFloat},  {2, &Generator::Del},           {2, &Generator::Exists},
        {1, &Generator::Type},         {2, &Generator::Keys},          {1, &Generator::Scan},
        {2, &Generator::Rename},       {3, &Generator::Copy},          {7, &Generator::Expire},
        {2, &Generator::Persist},      {5, &Generator::Ttl},           {2, &Generator::DbSize},
        {3, &Generator::Select},       {1, &Generator::EchoPing},      {1, &Generator::Unknown},
        {2, &Generator::WrongArity},   {1, &Generator::FlushDbOrMisc}, {8, &Generator::Push},
        {5, &Generator::Pop},          {1, &Generator::LLen},          {3, &Generator::LRange},
        {2, &Generator::LIndex},       {2, &Generator::LSet},          {2, &Generator::LInsert},
        {2, &Generator::LRem},         {1, &Generator::LTrim},         {3, &Generator::LPos},
        {3, &Generator::LMove},        {2, &Generator::LMPop},         {1, &Generator::BlockingPop},
        {7, &Generator::HSet},         {2, &Generator::HSetNx},        {4, &Generator::HGet},
        {3, &Generator::HDel},         {2, &Generator::HInfo},         {3, &Generator::HIncrBy},
        {3, &Generator::HIncrFloat},   {3, &Generator::HGetAll},       {2, &Generator::HRandField},
        {1, &Generator::HScan},        {1, &Generator::HEncoding},     {8, &Generator::SAdd},
        {3, &Generator::SRem},         {2, &Generator::SMembers},      {2, &Generator::SIsMember},
        {1, &Generator::SCard},        {2, &Generator::SPopAll},       {2, &Generator::SMove},
        {4, &Generator::SetAlgebra},   {2, &Generator::SInterCard},    {1, &Generator::SScan},
        {2, &Generator::SetEncoding},  {8, &Generator::ZAdd},          {2, &Generator::ZIncrBy},
        {2, &Generator::ZRem},         {3, &Generator::ZRead},         {5, &Generator::ZRange},
        {2, &Generator::ZCount},       {2, &Generator::ZRemRange},     {3, &Generator::ZPop},
        {1, &Generator::ZBlockingPop}, {1, &Generator::ZRandMember},   {1, &Generator::ZScan},
        {3, &Generator::ZAlgebra},     {6, &Generator::Bitmap},        {1, &Generator::PubSub},
        {4, &Generator::Script}};
    int total = 0;
    for (const Choice& choice : kChoices) total += choice.weight;
    int pick = static_cast<int>(Below(total));
    std::vector<Step> steps;
    for (const Choice& choice : kChoices) {
      if (pick < choice.weight) {
        (this->*choice.make)(steps);
        break;
      }
      pick -= choice.weight;
    }
    return steps;
  }

 private:
  uint64_t Below(uint64_t n) { return rng_() % n; }
  bool OneIn(uint64_t n) { return Below(n) == 0; }
  template <size_t N>
  std::string Pick(const std::string_view (&pool)[N]) {
    return std::string(pool[Below(N)]);
  }

  // A command or option name, in random letter case.
  std::string Name(std::string_view name) {
    std::string out(name);
    const uint64_t style = Below(8);
    for (char& c : out) {
      const bool upper = style < 4 || (style == 7 && OneIn(2));
      c = upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
  }

  std::string Key() { return Pick(kKeys); }

  std::string Value() {
    switch (Below(10)) {
      case 0:  // a number
        return std::to_string(static_cast<int64_t>(Below(2001)) - 1000);
      case 1: {  // random bytes
        std::string out(Below(12), '\0');
        for (char& c : out) c = static_cast<char>(Below(256));
        return out;
      }
      case 2:  // long-ish
        return std::string(50 + Below(300), static_cast<char>('a' + Below(26)));
      case 3:
        return absl::StrCat(Below(1000), ".", Below(1000));
      default:
        return Pick(kValues);
    }
  }

  std::string Integer() {
    if (OneIn(3)) return std::to_string(static_cast<int64_t>(Below(41)) - 20);
    return Pick(kIntegers);
  }

  std::string Float() {
    switch (Below(6)) {
      case 0:
        return absl::StrCat(static_cast<int64_t>(Below(2001)) - 1000, ".", Below(100));
      case 1:
        return absl::StrCat(Below(10), "e", static_cast<int64_t>(Below(41)) - 20);
      default:
        return Pick(kFloats);
    }
  }

  std::string Offset() {
    if (OneIn(2)) return std::to_string(Below(1001));
    return Pick(kOffsets);
  }

  // A relative deadline in seconds, far in the future and at least 99 s away from every
  // deadline generated before it in this seed (as long as the seed runs for less than 99 s):
  // serial n gives 2,000,000 s + 100n or - 100n, so a "+" one is at least 100 s above every
  // earlier one and a "-" one at least 100 s below. Stays above 1000 s for 19,990 serials (a
  // seed uses at most 4 per command).
  int64_t FutureSeconds() {
    ++serial_;
    return OneIn(2) ? 2'000'000 + 100 * serial_ : 2'000'000 - 100 * serial_;
  }

  std::string Seconds() {
    const uint64_t r = Below(20);
    if (r < 13) return std::to_string(FutureSeconds());
    if (r < 15) return Pick(kPastSeconds);
    return Pick(kBadSeconds);
  }
  std::string Millis() {
    const uint64_t r = Below(20);
    if (r < 13) return std::to_string(FutureSeconds() * 1000 + static_cast<int64_t>(Below(1000)));
    if (r < 15) return Pick(kPastMillis);
    return Pick(kBadMillis);
  }
  std::string UnixSeconds() {
    const uint64_t r = Below(20);
    if (r < 11) return Pick(kFutureUnixSeconds);
    if (r < 16) return Pick(kPastUnixSeconds);
    return Pick(kBadUnixSeconds);
  }
  std::string UnixMillis() {
    const uint64_t r = Below(20);
    if (r < 11) return Pick(kFutureUnixMillis);
    if (r < 16) return Pick(kPastUnixMillis);
    return Pick(kBadUnixMillis);
  }

  // Appends one of EX/PX/EXAT/PXAT with its argument; true for the absolute ones.
  bool AddExpireOption(std::vector<std::string>& args) {
    switch (Below(4)) {
      case 0:
        args.push_back(Name("ex"));
        args.push_back(Seconds());
        return false;
      case 1:
        args.push_back(Name("px"));
        args.push_back(Millis());
        return false;
      case 2:
        args.push_back(Name("exat"));
        args.push_back(UnixSeconds());
        return true;
      default:
        args.push_back(Name("pxat"));
        args.push_back(UnixMillis());
        return true;
    }
  }

  static Step Command(std::vector<std::string> args, Compare compare = Compare::kExact) {
    return Step{std::move(args), compare};
  }

  void Get(std::vector<Step>& out) { out.push_back(Command({Name("get"), Key()})); }

  // SET key value with up to four options, valid or not.
  void Set(std::vector<Step>& out) {
    const std::string key = Key();
    std::vector<std::string> args = {Name("set"), key, Value()};
    bool absolute = false;
    const uint64_t options = Below(8) < 3 ? 0 : 1 + Below(Below(2) == 0 ? 2 : 4);
    for (uint64_t i = 0; i < options; ++i) {
      switch (Below(12)) {
        case 0:
          args.push_back(Name("nx"));
          break;
        case 1:
          args.push_back(Name("xx"));
          break;
        case 2:
        case 3:
          args.push_back(Name("get"));
          break;
        case 4:
          args.push_back(Name("keepttl"));
          break;
        case 5:  // an option without its value, or one SET does not know
          args.push_back(Name(OneIn(2) ? "ex" : (OneIn(2) ? "persist" : "foo")));
          break;
        default:
          absolute |= AddExpireOption(args);
      }
    }
    out.push_back(Command(std::move(args)));
    // Redis keeps a key SET with a past EXAT/PXAT until something looks it up; do so now.
    if (absolute) out.push_back(Command({Name("exists"), key}));
  }

  void SetNx(std::vector<Step>& out) { out.push_back(Command({Name("setnx"), Key(), Value()})); }

  void SetEx(std::vector<Step>& out) {
    if (OneIn(2)) {
      out.push_back(Command({Name("setex"), Key(), Seconds(), Value()}));
    } else {
      out.push_back(Command({Name("psetex"), Key(), Millis(), Value()}));
    }
  }

  void GetSet(std::vector<Step>& out) { out.push_back(Command({Name("getset"), Key(), Value()})); }
  void GetDel(std::vector<Step>& out) { out.push_back(Command({Name("getdel"), Key()})); }

  void GetEx(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("getex"), Key()};
    const uint64_t options = Below(3) == 0 ? 0 : 1 + Below(Below(3) == 0 ? 3 : 1);
    for (uint64_t i = 0; i < options; ++i) {
      switch (Below(7)) {
        case 0:
          args.push_back(Name("persist"));
          break;
        case 1:  // an option without its value, or one GETEX does not know
          args.push_back(Name(OneIn(2) ? "px" : (OneIn(2) ? "keepttl" : "nx")));
          break;
        default:
          AddExpireOption(args);
      }
    }
    out.push_back(Command(std::move(args)));
  }

  std::vector<std::string> Keys(std::string_view command, uint64_t max) {
    std::vector<std::string> args = {Name(command)};
    const uint64_t n = 1 + Below(max);
    for (uint64_t i = 0; i < n; ++i) args.push_back(Key());
    return args;
  }

  void MGet(std::vector<Step>& out) { out.push_back(Command(Keys("mget", 5))); }

  // MSET/MSETNX with 1-3 pairs; sometimes a value short.
  void MSet(std::vector<Step>& out) {
    std::vector<std::string> args = {Name(OneIn(2) ? "mset" : "msetnx")};
    const uint64_t pairs = 1 + Below(3);
    for (uint64_t i = 0; i < pairs; ++i) {
      args.push_back(Key());
      args.push_back(Value());
    }
    if (OneIn(8)) args.pop_back();
    out.push_back(Command(std::move(args)));
  }

  void Append(std::vector<Step>& out) { out.push_back(Command({Name("append"), Key(), Value()})); }
  void StrLen(std::vector<Step>& out) { out.push_back(Command({Name("strlen"), Key()})); }

  void GetRange(std::vector<Step>& out) {
    out.push_back(Command({Name("getrange"), Key(), Integer(), Integer()}));
  }

  void SetRange(std::vector<Step>& out) {
    // Mostly short values, so that repeated SETRANGE/APPEND keep the strings small.
    std::string value = OneIn(3) ? Value() : Pick(kValues);
    if (value.size() > 64) value.resize(64);
    out.push_back(Command({Name("setrange"), Key(), Offset(), std::move(value)}));
  }

  void IncrDecr(std::vector<Step>& out) {
    out.push_back(Command({Name(OneIn(2) ? "incr" : "decr"), Key()}));
  }
  void IncrBy(std::vector<Step>& out) {
    out.push_back(Command({Name(OneIn(2) ? "incrby" : "decrby"), Key(), Integer()}));
  }
  void IncrByFloat(std::vector<Step>& out) {
    out.push_back(Command({Name("incrbyfloat"), Key(), Float()}));
  }

  // A bit offset: mostly a small one, sometimes one Redis refuses.
  std::string BitOffset() {
    if (OneIn(8)) return Pick(kBadBitOffsets);
    return std::to_string(Below(OneIn(2) ? 64 : 2000));
  }

  // BITFIELD type offset: the offset sometimes positional (#n), the type now and then invalid.
  void AddBitField(std::vector<std::string>& args) {
    const std::string type =
        OneIn(12) ? Pick(kBadBitFieldTypes) : absl::StrCat(OneIn(2) ? "i" : "u", 1 + Below(63));
    args.push_back(type);
    args.push_back(OneIn(4) ? absl::StrCat("#", Below(40)) : BitOffset());
  }

  // SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO, now and then with arguments Redis
  // refuses.
  void Bitmap(std::vector<Step>& out) {
    std::vector<std::string> args;
    switch (Below(7)) {
      case 0:
        args = {Name("setbit"), Key(), BitOffset(),
                OneIn(8) ? Pick(kIntegers) : std::to_string(Below(2))};
        break;
      case 1:
        args = {Name("getbit"), Key(), BitOffset()};
        break;
      case 2:
      case 3: {  // BITCOUNT key [start end [unit]], BITPOS key bit [start [end [unit]]]
        const bool bitpos = OneIn(2);
        args = {Name(bitpos ? "bitpos" : "bitcount"), Key()};
        if (bitpos) args.push_back(OneIn(8) ? Integer() : std::to_string(Below(2)));
        const uint64_t extra = Below(4);
        for (uint64_t i = 0; i < extra && i < 2; ++i) args.push_back(Integer());
        if (extra == 3)
          args.push_back(OneIn(8) ? Pick({"bits"sv, ""sv}) : Name(OneIn(2) ? "bit" : "byte"));
        break;
      }
      case 4: {
        const std::string op =
            OneIn(10) ? Pick({"nand"sv, ""sv}) : Pick({"and"sv, "or"sv, "xor"sv, "not"sv});
        args = {Name("bitop"), Name(op), Key()};
        const uint64_t sources = op == "not" && !OneIn(8) ? 1 : 1 + Below(3);
        for (uint64_t i = 0; i < sources; ++i) args.push_back(Key());
        break;
      }
      default: {
        args = {Name(OneIn(4) ? "bitfield_ro" : "bitfield"), Key()};
        const uint64_t ops = Below(5);
        for (uint64_t i = 0; i < ops; ++i) {
          const uint64_t kind = Below(8);
          if (kind == 0) {
            args.push_back(Name("overflow"));
            args.push_back(OneIn(8) ? "saturate" : Name(Pick({"wrap"sv, "sat"sv, "fail"sv})));
            continue;
          }
          args.push_back(Name(kind < 4 ? "get" : kind < 6 ? "set" : "incrby"));
          AddBitField(args);
          if (kind >= 4) args.push_back(Integer());
        }
        if (OneIn(12)) args.push_back(Pick({"get"sv, "foo"sv, "overflow"sv}));
      }
    }
    out.push_back(Command(std::move(args)));
  }

  void Del(std::vector<Step>& out) { out.push_back(Command(Keys(OneIn(2) ? "del" : "unlink", 3))); }
  void Exists(std::vector<Step>& out) {
    out.push_back(Command(Keys(OneIn(3) ? "touch" : "exists", 4)));
  }
  void Type(std::vector<Step>& out) { out.push_back(Command({Name("type"), Key()})); }

  void Keys(std::vector<Step>& out) {
    out.push_back(Command({Name("keys"), OneIn(4) ? Key() : Pick(kPatterns)}, Compare::kUnordered));
  }

  // SCAN, iterated to the end; sometimes with a bad cursor or options (an error at once).
  void Scan(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("scan"), "0"};
    if (OneIn(8)) args[1] = Pick({"abc"sv, " 1"sv, "1x"sv, "1.5"sv, "99999999999999999999999"sv});
    if (OneIn(2)) {
      args.push_back(Name("match"));
      args.push_back(OneIn(4) ? Key() : Pick(kPatterns));
    }
    if (OneIn(2)) {
      args.push_back(Name("count"));
      args.push_back(OneIn(8) ? Pick({"0"sv, "-1"sv, "abc"sv, ""sv})
                              : std::to_string(1 + Below(12)));
    }
    if (OneIn(4)) {
      args.push_back(Name("type"));
      args.push_back(Pick(
          {"string"sv, "STRING"sv, "list"sv, "hash"sv, "set"sv, "zset"sv, "none"sv, "bogus"sv}));
    }
    if (OneIn(10)) args.push_back(Pick({"match"sv, "foo"sv, "count"sv}));
    out.push_back(Command(std::move(args), Compare::kFullScan));
  }

  void Rename(std::vector<Step>& out) {
    out.push_back(Command({Name(OneIn(2) ? "rename" : "renamenx"), Key(), Key()}));
  }

  // COPY source destination [DB n] [REPLACE], options in any order, sometimes wrong.
  void Copy(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("copy"), Key(), Key()};
    const bool replace = OneIn(2);
    const bool db = OneIn(2);
    const bool db_first = OneIn(2);
    auto add_db = [&] {
      args.push_back(Name("db"));
      args.push_back(OneIn(4)
                         ? Pick({"15"sv, "16"sv, "-1"sv, "abc"sv, ""sv, "01"sv, "2147483648"sv})
                         : std::to_string(Below(2)));
    };
    if (db && db_first) add_db();
    if (replace) args.push_back(Name("replace"));
    if (db && !db_first) add_db();
    if (OneIn(12)) args.push_back(Pick({"db"sv, "foo"sv, "replace"sv}));
    out.push_back(Command(std::move(args)));
  }

  // EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with up to two of NX XX GT LT (or a bad one).
  void Expire(std::vector<Step>& out) {
    std::vector<std::string> args;
    switch (Below(4)) {
      case 0:
        args = {Name("expire"), Key(), Seconds()};
        break;
      case 1:
        args = {Name("pexpire"), Key(), Millis()};
        break;
      case 2:
        args = {Name("expireat"), Key(), UnixSeconds()};
        break;
      default:
        args = {Name("pexpireat"), Key(), UnixMillis()};
    }
    const uint64_t options = Below(5) < 2 ? 0 : 1 + Below(Below(3) == 0 ? 2 : 1);
    for (uint64_t i = 0; i < options; ++i) {
      if (OneIn(12)) {
        args.push_back(Pick({"foo"sv, ""sv, "ex"sv, "g t"sv}));
      } else {
        args.push_back(Name(Pick({"nx"sv, "xx"sv, "gt"sv, "lt"sv})));
      }
    }
    out.push_back(Command(std::move(args)));
  }

  void Persist(std::vector<Step>& out) { out.push_back(Command({Name("persist"), Key()})); }

  void Ttl(std::vector<Step>& out) {
    switch (Below(4)) {
      case 0:
        out.push_back(Command({Name("ttl"), Key()}, Compare::kTtlSeconds));
        break;
      case 1:
        out.push_back(Command({Name("pttl"), Key()}, Compare::kTtlMillis));
        break;
      case 2:
        out.push_back(Command({Name("expiretime"), Key()}, Compare::kExpireTimeSeconds));
        break;
      default:
        out.push_back(Command({Name("pexpiretime"), Key()}, Compare::kExpireTimeMillis));
    }
  }

  void DbSize(std::vector<Step>& out) { out.push_back(Command({Name("dbsize")})); }

  void Select(std::vector<Step>& out) {
    std::string db = OneIn(6) ? Pick({"2"sv, "15"sv, "16"sv, "-1"sv, "abc"sv, ""sv, "01"sv, " 1"sv,
                                      "1.0"sv, "2147483648"sv})
                              : std::to_string(Below(2));
    out.push_back(Command({Name("select"), std::move(db)}));
  }

  void EchoPing(std::vector<Step>& out) {
    if (OneIn(2)) {
      out.push_back(Command({Name("echo"), Value()}));
    } else if (OneIn(2)) {
      out.push_back(Command({Name("ping")}));
    } else {
      out.push_back(Command({Name("ping"), Value()}));
    }
  }

  // The stream's one connection never subscribes (its replies would change shape), so these
  // see no subscribers: a publish reaches nobody, the introspection answers zeros.
  // EVAL of scripts that call commands on their key with their arguments: conversions both
  // ways, errors raised or returned, RESP3 inside the script; EVALSHA and SCRIPT EXISTS.
  void Script(std::vector<Step>& out) {
    static constexpr std::string_view kScripts[] = {
        "return redis.call(ARGV[1], KEYS[1], ARGV[2])",
        "return redis.pcall(ARGV[1], KEYS[1], ARGV[2])",
        "return {redis.pcall(ARGV[1], KEYS[1], ARGV[2])}",
        "redis.setresp(3) return redis.pcall(ARGV[1], KEYS[1], ARGV[2])",
        "local v = redis.call('get', KEYS[1]) if v then "
        "return redis.call('set', KEYS[1], v .. ARGV[2]) end return v",
        "return {redis.call('exists', KEYS[1]), redis.call('type', KEYS[1])}",
        "redis.setresp(3) return redis.call('type', KEYS[1])",
        "return tonumber(ARGV[2])",
        "local n = redis.call('incrby', KEYS[1], ARGV[2]) return {n, n / 2}",
    };
    static constexpr std::string_view kCalled[] = {
        "get",  "set",  "incr", "incrbyfloat", "lpush", "lrange", "sadd",   "sismember",
        "hset", "hget", "zadd", "zscore",      "del",   "append", "strlen", "nosuch"};
    switch (Below(6)) {
      case 0:
        out.push_back(Command({Name("evalsha"), Pick(kKeys), "0"}));
        break;
      case 1:
        out.push_back(Command({Name("script"), Name("exists"), Pick(kKeys)}));
        break;
      default: {
        std::vector<std::string> args = {Name(OneIn(4) ? "eval_ro" : "eval"), Pick(kScripts), "1",
                                         Key(), Pick(kCalled)};
        const std::string_view called = args.back();
        if (called == "lrange") {
          args.push_back("0");
        } else if (called == "zadd") {
          args.push_back(std::to_string(Below(10)));
        } else {
          args.push_back(Value());
        }
        out.push_back(Command(args));
      }
    }
  }

  void PubSub(std::vector<Step>& out) {
    switch (Below(5)) {
      case 0:
        out.push_back(Command({Name("publish"), Key(), Value()}));
        break;
      case 1:
        out.push_back(Command({Name("spublish"), Key(), Value()}));
        break;
      case 2:
        out.push_back(Command({Name("pubsub"), Name("numsub"), Key(), Key()}));
        break;
      case 3:
        out.push_back(Command({Name("pubsub"), Name("numpat")}));
        break;
      default:
        out.push_back(Command({Name("pubsub"), Name(OneIn(2) ? "channels" : "shardchannels")}));
        break;
    }
  }

  void Unknown(std::vector<Step>& out) {
    std::vector<std::string> args = {Pick(kUnknownCommands)};
    const uint64_t n = Below(4);
    for (uint64_t i = 0; i < n; ++i) args.push_back(OneIn(2) ? Key() : Value());
    out.push_back(Command(std::move(args)));
  }

  // A known command with an argument count its arity rules out.
  void WrongArity(std::vector<Step>& out) {
    const Arity& spec = kArities[Below(std::size(kArities))];
    std::vector<int> counts;  // argument counts including the name
    if (spec.arity > 0) {
      for (int n = 1; n <= spec.arity + 2; ++n) {
        if (n != spec.arity) counts.push_back(n);
      }
    } else {
      for (int n = 1; n < -spec.arity; ++n) counts.push_back(n);
    }
    if (counts.empty()) return Unknown(out);  // PING, FLUSHDB, FLUSHALL take any count
    const int count = counts[Below(counts.size())];
    std::vector<std::string> args = {Name(spec.name)};
    for (int i = 1; i < count; ++i) args.push_back(OneIn(2) ? Key() : Value());
    out.push_back(Command(std::move(args)));
  }

  // FLUSHDB (with an option, valid or not) a quarter of the time, otherwise EXISTS.
  void FlushDbOrMisc(std::vector<Step>& out) {
    if (!OneIn(4)) return Exists(out);
    std::vector<std::string> args = {Name("flushdb")};
    if (OneIn(3)) args.push_back(Name(Pick({"sync"sv, "async"sv, "foo"sv})));
    out.push_back(Command(std::move(args)));
  }

  // Keys of list commands: mostly two keys that only they write, so that they work on lists
  // rather than answer WRONGTYPE; else the keys every command uses.
  std::string ListKey() { return OneIn(3) ? Key() : Pick(kListKeys); }

  // List elements: mostly from the small pool, sometimes any value.
  std::string Element() { return OneIn(3) ? Value() : Pick(kElements); }

  // List indexes, counts and ranks: mostly within a short list, sometimes extreme or bad.
  std::string ListIndex() {
    if (OneIn(4)) return Pick(kIntegers);
    return std::to_string(static_cast<int64_t>(Below(25)) - 12);
  }

  // LEFT or RIGHT in any case, now and then neither.
  std::string End() {
    if (OneIn(20)) return Pick({"up"sv, ""sv, "l"sv});
    return Name(OneIn(2) ? "left" : "right");
  }

  std::string Timeout() { return OneIn(4) ? Pick(kBadTimeouts) : Pick(kShortTimeouts); }

  // LPUSH, RPUSH, LPUSHX, RPUSHX; now and then hundreds of elements, so that lists span several
  // listpack nodes.
  void Push(std::vector<Step>& out) {
    std::vector<std::string> args = {Name(Pick({"lpush"sv, "rpush"sv, "lpushx"sv, "rpushx"sv})),
                                     ListKey()};
    const uint64_t n = OneIn(12) ? 50 + Below(300) : 1 + Below(4);
    for (uint64_t i = 0; i < n; ++i) args.push_back(Element());
    out.push_back(Command(std::move(args)));
  }

  // LPOP, RPOP, with a count or not; sometimes a bad count or one argument too many.
  void Pop(std::vector<Step>& out) {
    std::vector<std::string> args = {Name(OneIn(2) ? "lpop" : "rpop"), ListKey()};
    if (OneIn(2)) {
      args.push_back(OneIn(6) ? Pick({"-1"sv, "abc"sv, ""sv, "1.5"sv, "9223372036854775808"sv})
                              : std::to_string(Below(6)));
      if (OneIn(20)) args.push_back("1");
    }
    out.push_back(Command(std::move(args)));
  }

  void LLen(std::vector<Step>& out) { out.push_back(Command({Name("llen"), ListKey()})); }
  void LRange(std::vector<Step>& out) {
    out.push_back(Command({Name("lrange"), ListKey(), ListIndex(), ListIndex()}));
  }
  void LIndex(std::vector<Step>& out) {
    out.push_back(Command({Name("lindex"), ListKey(), ListIndex()}));
  }
  void LSet(std::vector<Step>& out) {
    out.push_back(Command({Name("lset"), ListKey(), ListIndex(), Element()}));
  }
  void LInsert(std::vector<Step>& out) {
    const std::string where =
        OneIn(10) ? Pick({"middle"sv, ""sv}) : Name(OneIn(2) ? "before" : "after");
    out.push_back(Command({Name("linsert"), ListKey(), where, Element(), Element()}));
  }
  void LRem(std::vector<Step>& out) {
    out.push_back(Command({Name("lrem"), ListKey(), ListIndex(), Element()}));
  }
  void LTrim(std::vector<Step>& out) {
    out.push_back(Command({Name("ltrim"), ListKey(), ListIndex(), ListIndex()}));
  }

  // LPOS with up to three of RANK, COUNT and MAXLEN, valid or not.
  void LPos(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("lpos"), ListKey(), Element()};
    const uint64_t options = Below(4);
    for (uint64_t i = 0; i < options; ++i) {
      switch (Below(7)) {
        case 0:
        case 1:
          args.push_back(Name("rank"));
          args.push_back(ListIndex());
          break;
        case 2:
        case 3:
          args.push_back(Name("count"));
          args.push_back(OneIn(6) ? Pick({"-1"sv, "abc"sv}) : std::to_string(Below(4)));
          break;
        case 4:
        case 5:
          args.push_back(Name("maxlen"));
          args.push_back(OneIn(6) ? Pick({"-1"sv, "abc"sv}) : std::to_string(Below(10)));
          break;
        default:  // an option without its value, or one LPOS does not know
          args.push_back(Name(Pick({"rank"sv, "count"sv, "foo"sv})));
      }
    }
    out.push_back(Command(std::move(args)));
  }

  void LMove(std::vector<Step>& out) {
    if (OneIn(3)) return out.push_back(Command({Name("rpoplpush"), ListKey(), ListKey()}));
    out.push_back(Command({Name("lmove"), ListKey(), ListKey(), End(), End()}));
  }

  // The arguments of LMPOP and BLMPOP from numkeys on, now and then with a wrong numkeys.
  void AddMultiPop(std::vector<std::string>& args) {
    const uint64_t n = 1 + Below(3);
    args.push_back(OneIn(10) ? Pick({"0"sv, "-1"sv, "abc"sv, "4"sv, "9223372036854775807"sv})
                             : std::to_string(n));
    for (uint64_t i = 0; i < n; ++i) args.push_back(ListKey());
    args.push_back(End());
    if (OneIn(2)) {
      args.push_back(Name("count"));
      args.push_back(OneIn(6) ? Pick({"0"sv, "-1"sv, "abc"sv}) : std::to_string(1 + Below(5)));
    }
    if (OneIn(20)) args.push_back(Pick({"count"sv, "foo"sv}));
  }

  void LMPop(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("lmpop")};
    AddMultiPop(args);
    out.push_back(Command(std::move(args)));
  }

  // BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP with a timeout that ends almost at once.
  void BlockingPop(std::vector<Step>& out) {
    std::vector<std::string> args;
    switch (Below(5)) {
      case 0:
      case 1:
        args = {Name(OneIn(2) ? "blpop" : "brpop"), ListKey()};
        if (OneIn(2)) args.push_back(ListKey());
        args.push_back(Timeout());
        break;
      case 2:
        args = {Name("blmove"), ListKey(), ListKey(), End(), End(), Timeout()};
        break;
      case 3:
        args = {Name("brpoplpush"), ListKey(), ListKey(), Timeout()};
        break;
      default:
        args = {Name("blmpop"), Timeout()};
        AddMultiPop(args);
    }
    out.push_back(Command(std::move(args)));
  }

  // Keys of hash commands: mostly two keys that only they write, else the keys every command
  // uses.
  std::string HashKey() { return OneIn(4) ? (OneIn(3) ? ListKey() : Key()) : Pick(kHashKeys); }
  std::string Field() { return OneIn(8) ? Value() : Pick(kFields); }
  // Hash values: any value, and numbers for HINCRBY and HINCRBYFLOAT to work on.
  std::string HashValue() {
    switch (Below(4)) {
      case 0:
        return Integer();
      case 1:
        return Float();
      default:
        return Value();
    }
  }

  // HSET and HMSET with 1-3 pairs, sometimes a value short.
  void HSet(std::vector<Step>& out) {
    std::vector<std::string> args = {Name(OneIn(4) ? "hmset" : "hset"), HashKey()};
    const uint64_t pairs = 1 + Below(3);
    for (uint64_t i = 0; i < pairs; ++i) {
      args.push_back(Field());
      args.push_back(HashValue());
    }
    if (OneIn(10)) args.pop_back();
    out.push_back(Command(std::move(args)));
  }

  void HSetNx(std::vector<Step>& out) {
    out.push_back(Command({Name("hsetnx"), HashKey(), Field(), HashValue()}));
  }

  void HGet(std::vector<Step>& out) {
    if (OneIn(2)) return out.push_back(Command({Name("hget"), HashKey(), Field()}));
    std::vector<std::string> args = {Name("hmget"), HashKey()};
    const uint64_t n = 1 + Below(4);
    for (uint64_t i = 0; i < n; ++i) args.push_back(Field());
    out.push_back(Command(std::move(args)));
  }

  void HDel(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("hdel"), HashKey()};
    const uint64_t n = 1 + Below(3);
    for (uint64_t i = 0; i < n; ++i) args.push_back(Field());
    out.push_back(Command(std::move(args)));
  }

  // HLEN, HEXISTS, HSTRLEN
  void HInfo(std::vector<Step>& out) {
    switch (Below(3)) {
      case 0:
        return out.push_back(Command({Name("hlen"), HashKey()}));
      case 1:
        return out.push_back(Command({Name("hexists"), HashKey(), Field()}));
      default:
        out.push_back(Command({Name("hstrlen"), HashKey(), Field()}));
    }
  }

  void HIncrBy(std::vector<Step>& out) {
    out.push_back(Command({Name("hincrby"), HashKey(), Field(), Integer()}));
  }
  void HIncrFloat(std::vector<Step>& out) {
    out.push_back(Command({Name("hincrbyfloat"), HashKey(), Field(), Float()}));
  }

  void HGetAll(std::vector<Step>& out) {
    switch (Below(3)) {
      case 0:
        return out.push_back(Command({Name("hgetall"), HashKey()}, Compare::kUnorderedPairs));
      case 1:
        return out.push_back(Command({Name("hkeys"), HashKey()}, Compare::kUnordered));
      default:
        out.push_back(Command({Name("hvals"), HashKey()}, Compare::kUnordered));
    }
  }

  // HRANDFIELD key count [WITHVALUES], with counts whose answer is not random.
  void HRandField(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("hrandfield"), HashKey(), Pick(kRandomCounts)};
    const bool with_values = OneIn(2);
    if (with_values) {
      args.push_back(OneIn(10) ? Pick({"withvalue"sv, "foo"sv}) : Name("withvalues"));
    }
    if (OneIn(20)) args.push_back(Name("withvalues"));
    out.push_back(
        Command(std::move(args), with_values ? Compare::kUnorderedPairs : Compare::kUnordered));
  }

  // HSCAN, iterated to the end; sometimes with a bad cursor or options (an error at once).
  void HScan(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("hscan"), HashKey(), "0"};
    if (OneIn(8)) args[2] = Pick({"abc"sv, " 1"sv, "1.5"sv, "99999999999999999999999"sv});
    if (OneIn(2)) {
      args.push_back(Name("match"));
      args.push_back(OneIn(4) ? Field() : Pick(kPatterns));
    }
    if (OneIn(2)) {
      args.push_back(Name("count"));
      args.push_back(OneIn(8) ? Pick({"0"sv, "-1"sv, "abc"sv}) : std::to_string(1 + Below(12)));
    }
    if (OneIn(10)) args.push_back(Pick({"match"sv, "type"sv, "count"sv}));
    out.push_back(Command(std::move(args), Compare::kFullScan));
  }

  void HEncoding(std::vector<Step>& out) {
    out.push_back(Command({Name("object"), Name("encoding"), HashKey()}));
  }

  // Keys of set commands: mostly three that only they write, else the keys every command uses.
  std::string SetKey() { return OneIn(4) ? Key() : Pick(kSetKeys); }

  // Set members: mostly small numbers, so that sets stay intsets for a while.
  std::string SetMember() {
    if (!OneIn(4)) return std::to_string(static_cast<int64_t>(Below(40)) - 5);
    return OneIn(4) ? Value() : Pick(kSetMembers);
  }

  // SADD, now and then of dozens of numbers, so that intsets outgrow set-max-intset-entries.
  void SAdd(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("sadd"), SetKey()};
    const uint64_t n = OneIn(10) ? 20 + Below(60) : 1 + Below(4);
    for (uint64_t i = 0; i < n; ++i) {
      args.push_back(n > 4 ? std::to_string(Below(1000)) : SetMember());
    }
    out.push_back(Command(std::move(args)));
  }

  void SRem(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("srem"), SetKey()};
    const uint64_t n = 1 + Below(3);
    for (uint64_t i = 0; i < n; ++i) args.push_back(SetMember());
    out.push_back(Command(std::move(args)));
  }

  void SMembers(std::vector<Step>& out) {
    out.push_back(Command({Name("smembers"), SetKey()}, Compare::kUnordered));
  }

  void SIsMember(std::vector<Step>& out) {
    if (OneIn(2)) return out.push_back(Command({Name("sismember"), SetKey(), SetMember()}));
    std::vector<std::string> args = {Name("smismember"), SetKey()};
    const uint64_t n = 1 + Below(4);
    for (uint64_t i = 0; i < n; ++i) args.push_back(SetMember());
    out.push_back(Command(std::move(args)));
  }

  void SCard(std::vector<Step>& out) { out.push_back(Command({Name("scard"), SetKey()})); }

  // SPOP and SRANDMEMBER with a count that takes the whole set, none of it, or is refused.
  void SPopAll(std::vector<Step>& out) {
    const std::string count =
        OneIn(4) ? Pick({"0"sv, "abc"sv, "-9223372036854775808"sv, "1.5"sv, ""sv}) : "100000";
    std::vector<std::string> args = {Name(OneIn(2) ? "spop" : "srandmember"), SetKey(), count};
    if (OneIn(20)) args.push_back("1");
    out.push_back(Command(std::move(args), Compare::kUnordered));
  }

  void SMove(std::vector<Step>& out) {
    out.push_back(Command({Name("smove"), SetKey(), SetKey(), SetMember()}));
  }

  // SINTER, SUNION, SDIFF and their STORE forms over one to three keys.
  void SetAlgebra(std::vector<Step>& out) {
    const std::string op = Pick({"sinter"sv, "sunion"sv, "sdiff"sv});
    const bool store = OneIn(2);
    std::vector<std::string> args = {Name(store ? op + "store" : op)};
    if (store) args.push_back(SetKey());
    const uint64_t n = 1 + Below(3);
    for (uint64_t i = 0; i < n; ++i) args.push_back(SetKey());
    out.push_back(Command(std::move(args), store ? Compare::kExact : Compare::kUnordered));
  }

  // SINTERCARD, now and then with a wrong numkeys or LIMIT.
  void SInterCard(std::vector<Step>& out) {
    const uint64_t n = 1 + Below(3);
    std::vector<std::string> args = {
        Name("sintercard"), OneIn(10) ? Pick({"0"sv, "-1"sv, "abc"sv, "4"sv}) : std::to_string(n)};
    for (uint64_t i = 0; i < n; ++i) args.push_back(SetKey());
    if (OneIn(2)) {
      args.push_back(Name("limit"));
      args.push_back(OneIn(6) ? Pick({"-1"sv, "abc"sv}) : std::to_string(Below(5)));
    }
    if (OneIn(20)) args.push_back(Pick({"limit"sv, "foo"sv}));
    out.push_back(Command(std::move(args)));
  }

  // SSCAN, iterated to the end; sometimes with a bad cursor or options (an error at once).
  void SScan(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("sscan"), SetKey(), "0"};
    if (OneIn(8)) args[2] = Pick({"abc"sv, " 1"sv, "1x"sv, "99999999999999999999999"sv});
    if (OneIn(2)) {
      args.push_back(Name("match"));
      args.push_back(Pick({"*"sv, "1*"sv, "?"sv, "[ab]"sv, "*0"sv, ""sv}));
    }
    if (OneIn(2)) {
      args.push_back(Name("count"));
      args.push_back(OneIn(8) ? Pick({"0"sv, "-1"sv, "abc"sv}) : std::to_string(1 + Below(12)));
    }
    if (OneIn(10)) args.push_back(Pick({"match"sv, "type"sv, "count"sv}));
    out.push_back(Command(std::move(args), Compare::kFullScan));
  }

  // OBJECT ENCODING: intset or hashtable after each way a set is built.
  void SetEncoding(std::vector<Step>& out) {
    out.push_back(Command({Name("object"), Name("encoding"), SetKey()}));
  }

  // Keys of sorted set commands, as ListKey.
  std::string ZSetKey() { return OneIn(3) ? Key() : Pick(kZSetKeys); }
  // Members: mostly from the small pool, now and then a value of the fixed pool (never a long or
  // random one, which could make a skiplist).
  std::string ZSetMember() { return OneIn(12) ? Pick(kValues) : Pick(kZSetMembers); }
  std::string Score() {
    if (OneIn(3)) return std::to_string(static_cast<int64_t>(Below(11)) - 5);
    return Pick(kScores);
  }
  std::string ScoreBound() {
    if (OneIn(4)) return std::to_string(static_cast<int64_t>(Below(7)) - 3);
    return Pick(kScoreBounds);
  }
  std::string LexBound() { return Pick(kLexBounds); }
  // LIMIT's offset and count: mostly small, sometimes negative, huge or bad.
  void AddLimit(std::vector<std::string>& args) {
    args.push_back(Name("limit"));
    for (int i = 0; i < 2; ++i) {
      args.push_back(OneIn(6) ? Pick({"-1"sv, "-5"sv, "abc"sv, "9223372036854775807"sv})
                              : std::to_string(Below(5)));
    }
    if (OneIn(20)) args.pop_back();
  }

  // ZADD with any mix of NX XX GT LT CH INCR (compatible or not), one to three pairs, now and
  // then one short.
  void ZAdd(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("zadd"), ZSetKey()};
    for (std::string_view option : {"nx"sv, "xx"sv, "gt"sv, "lt"sv, "ch"sv, "incr"sv}) {
      if (OneIn(option == "ch"sv || option == "incr"sv ? 4 : 8)) args.push_back(Name(option));
    }
    const uint64_t pairs = OneIn(4) ? 1 + Below(3) : 1;
    for (uint64_t i = 0; i < pairs; ++i) {
      args.push_back(Score());
      args.push_back(ZSetMember());
    }
    if (OneIn(15)) args.pop_back();
    out.push_back(Command(std::move(args)));
  }

  void ZIncrBy(std::vector<Step>& out) {
    out.push_back(Command({Name("zincrby"), ZSetKey(), Score(), ZSetMember()}));
  }

  void ZRem(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("zrem"), ZSetKey()};
    const uint64_t n = 1 + Below(3);
    for (uint64_t i = 0; i < n; ++i) args.push_back(ZSetMember());
    out.push_back(Command(std::move(args)));
  }

  // ZSCORE, ZMSCORE, ZCARD, ZRANK, ZREVRANK.
  void ZRead(std::vector<Step>& out) {
    switch (Below(5)) {
      case 0:
        return out.push_back(Command({Name("zscore"), ZSetKey(), ZSetMember()}));
      case 1:
        return out.push_back(Command({Name("zmscore"), ZSetKey(), ZSetMember(), ZSetMember()}));
      case 2:
        return out.push_back(Command({Name("zcard"), ZSetKey()}));
      default:
        out.push_back(Command({Name(OneIn(2) ? "zrank" : "zrevrank"), ZSetKey(), ZSetMember()}));
    }
  }

  // Every ZRANGE form and ZRANGESTORE, with options valid, conflicting or unknown.
  void ZRange(std::vector<Step>& out) {
    std::vector<std::string> args;
    const uint64_t form = Below(8);
    const uint64_t by = form < 2 ? Below(3) : (form - 2) / 2;  // 0 rank, 1 score, 2 lex
    const bool store = form == 1;
    if (form < 2) {
      args = {Name(store ? "zrangestore" : "zrange")};
      if (store) args.push_back(ZSetKey());
    } else {
      static constexpr std::string_view kNames[] = {"zrevrange"sv,        "zrangebyscore"sv,
                                                    "zrevrangebyscore"sv, "zrangebylex"sv,
                                                    "zrevrangebylex"sv,   "zrange"sv};
      args = {Name(kNames[form - 2])};
    }
    args.push_back(ZSetKey());
    for (int i = 0; i < 2; ++i) {
      args.push_back(by == 0 ? ListIndex() : by == 1 ? ScoreBound() : LexBound());
    }
    if (form < 2) {
      if (by == 1) args.push_back(Name("byscore"));
      if (by == 2) args.push_back(Name("bylex"));
      if (OneIn(3)) args.push_back(Name("rev"));
    }
    if (OneIn(3)) AddLimit(args);
    if (OneIn(3)) args.push_back(Name("withscores"));
    if (OneIn(15)) args.push_back(Name(Pick({"rev"sv, "byscore"sv, "bylex"sv, "foo"sv})));
    out.push_back(Command(std::move(args)));
  }

  // ZCOUNT, ZLEXCOUNT.
  void ZCount(std::vector<Step>& out) {
    if (OneIn(2)) {
      return out.push_back(Command({Name("zcount"), ZSetKey(), ScoreBound(), ScoreBound()}));
    }
    out.push_back(Command({Name("zlexcount"), ZSetKey(), LexBound(), LexBound()}));
  }

  // ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX.
  void ZRemRange(std::vector<Step>& out) {
    switch (Below(3)) {
      case 0:
        return out.push_back(
            Command({Name("zremrangebyrank"), ZSetKey(), ListIndex(), ListIndex()}));
      case 1:
        return out.push_back(
            Command({Name("zremrangebyscore"), ZSetKey(), ScoreBound(), ScoreBound()}));
      default:
        out.push_back(Command({Name("zremrangebylex"), ZSetKey(), LexBound(), LexBound()}));
    }
  }

  // The arguments of ZMPOP and BZMPOP from numkeys on, as AddMultiPop.
  void AddZMultiPop(std::vector<std::string>& args) {
    const uint64_t n = 1 + Below(3);
    args.push_back(OneIn(10) ? Pick({"0"sv, "-1"sv, "abc"sv, "4"sv, "9223372036854775807"sv})
                             : std::to_string(n));
    for (uint64_t i = 0; i < n; ++i) args.push_back(ZSetKey());
    args.push_back(OneIn(20) ? Pick({"left"sv, ""sv}) : Name(OneIn(2) ? "min" : "max"));
    if (OneIn(2)) {
      args.push_back(Name("count"));
      args.push_back(OneIn(6) ? Pick({"0"sv, "-1"sv, "abc"sv}) : std::to_string(1 + Below(5)));
    }
    if (OneIn(20)) args.push_back(Pick({"count"sv, "foo"sv}));
  }

  // ZPOPMIN, ZPOPMAX with a count or not, and ZMPOP.
  void ZPop(std::vector<Step>& out) {
    if (OneIn(3)) {
      std::vector<std::string> args = {Name("zmpop")};
      AddZMultiPop(args);
      return out.push_back(Command(std::move(args)));
    }
    std::vector<std::string> args = {Name(OneIn(2) ? "zpopmin" : "zpopmax"), ZSetKey()};
    if (OneIn(2)) {
      args.push_back(OneIn(6) ? Pick({"-1"sv, "abc"sv, ""sv, "1.5"sv}) : std::to_string(Below(6)));
      if (OneIn(20)) args.push_back("1");
    }
    out.push_back(Command(std::move(args)));
  }

  // BZPOPMIN, BZPOPMAX, BZMPOP with a timeout that ends almost at once.
  void ZBlockingPop(std::vector<Step>& out) {
    std::vector<std::string> args;
    if (OneIn(3)) {
      args = {Name("bzmpop"), Timeout()};
      AddZMultiPop(args);
    } else {
      args = {Name(OneIn(2) ? "bzpopmin" : "bzpopmax"), ZSetKey()};
      if (OneIn(2)) args.push_back(ZSetKey());
      args.push_back(Timeout());
    }
    out.push_back(Command(std::move(args)));
  }

  // ZRANDMEMBER only where its answer is certain: no member, a count of 0 or covering the set
  // (every member, highest first), a bad count or option.
  void ZRandMember(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("zrandmember"), ZSetKey()};
    args.push_back(OneIn(4) ? Pick({"0"sv, "abc"sv, "-9223372036854775808"sv, "1.5"sv})
                            : std::to_string(200 + Below(100)));
    if (OneIn(2)) args.push_back(OneIn(10) ? Pick({"foo"sv, ""sv}) : Name("withscores"));
    out.push_back(Command(std::move(args)));
  }

  // ZSCAN of a listpack answers everything in order, at once.
  void ZScan(std::vector<Step>& out) {
    std::vector<std::string> args = {Name("zscan"), ZSetKey(), OneIn(8) ? "abc" : "0"};
    if (OneIn(3)) {
      args.push_back(Name("match"));
      args.push_back(Pick({"*"sv, "a*"sv, "?"sv, "[ab]"sv}));
    }
    if (OneIn(3)) {
      args.push_back(Name("count"));
      args.push_back(OneIn(4) ? Pick({"0"sv, "abc"sv}) : std::to_string(1 + Below(10)));
    }
    out.push_back(Command(std::move(args)));
  }

  // ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, with WEIGHTS, AGGREGATE,
  // WITHSCORES and LIMIT, fitting the command or not.
  void ZAlgebra(std::vector<Step>& out) {
    static constexpr std::string_view kNames[] = {"zunion"sv,      "zinter"sv,      "zdiff"sv,
                                                  "zunionstore"sv, "zinterstore"sv, "zdiffstore"sv,
                                                  "zintercard"sv};
    const std::string_view name = kNames[Below(std::size(kNames))];
    std::vector<std::string> args = {Name(name)};
    if (name.ends_with("store")) args.push_back(ZSetKey());
    const uint64_t n = 1 + Below(3);
    args.push_back(OneIn(10) ? Pick({"0"sv, "-1"sv, "abc"sv, "4"sv}) : std::to_string(n));
    for (uint64_t i = 0; i < n; ++i) args.push_back(ZSetKey());
    if (OneIn(3)) {
      args.push_back(Name("weights"));
      const uint64_t weights = OneIn(8) ? Below(n + 2) : n;
      for (uint64_t i = 0; i < weights; ++i) args.push_back(Score());
    }
    if (OneIn(3)) {
      args.push_back(Name("aggregate"));
      args.push_back(OneIn(10) ? "avg" : Name(Pick({"sum"sv, "min"sv, "max"sv})));
    }
    if (OneIn(3)) args.push_back(Name("withscores"));
    if (OneIn(4)) {
      args.push_back(Name("limit"));
      args.push_back(OneIn(6) ? Pick({"-1"sv, "abc"sv}) : std::to_string(Below(4)));
    }
    out.push_back(Command(std::move(args)));
  }

  std::mt19937_64 rng_;
  int64_t serial_ = 0;
};

// A command as one line: bare words where that is unambiguous, else quoted with C escapes.
std::string Render(const std::vector<std::string>& args) {
  std::vector<std::string> parts;
  for (const std::string& arg : args) {
    const bool bare = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
      return c > ' ' && c < 0x7f && c != '"' && c != '\\' && c != '\'';
    });
    parts.push_back(bare ? arg : absl::StrCat("\"", absl::CHexEscape(arg), "\""));
  }
  return absl::StrJoin(parts, " ");
}

// TTL-like integer replies: special values (negative) exactly; deadlines at or above `exact`
// exactly; everything else within the tolerance.
bool CloseEnough(const Reply& a, const Reply& b, int64_t tolerance, int64_t exact) {
  if (a.type != ReplyType::kInteger || b.type != ReplyType::kInteger) return a == b;
  if (a.integer < 0 || b.integer < 0) return a.integer == b.integer;
  if (a.integer >= exact && b.integer >= exact) return a.integer == b.integer;
  const int64_t diff = a.integer > b.integer ? a.integer - b.integer : b.integer - a.integer;
  return diff <= tolerance;
}

bool Same(Compare compare, const Reply& redis, const Reply& understudy) {
  constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  switch (compare) {
    case Compare::kTtlSeconds:
      return CloseEnough(redis, understudy, kToleranceMs / 1000, kNever);
    case Compare::kTtlMillis:
      return CloseEnough(redis, understudy, kToleranceMs, kNever);
    case Compare::kExpireTimeSeconds:
      return CloseEnough(redis, understudy, kToleranceMs / 1000, kAbsoluteAboveSeconds);
    case Compare::kExpireTimeMillis:
      return CloseEnough(redis, understudy, kToleranceMs, kAbsoluteAboveSeconds * 1000);
    case Compare::kUnordered: {
      if (redis.type != ReplyType::kArray || understudy.type != ReplyType::kArray) {
        return redis == understudy;
      }
      auto sorted = [](const Reply& reply) {
        std::vector<std::string> out;
        for (const Reply& element : reply.elements) out.push_back(resp::ToString(element));
        std::sort(out.begin(), out.end());
        return out;
      };
      return sorted(redis) == sorted(understudy);
    }
    case Compare::kUnorderedPairs: {
      if (redis.type != ReplyType::kArray || understudy.type != ReplyType::kArray) {
        return redis == understudy;
      }
      auto sorted = [](const Reply& reply) {
        std::vector<std::pair<std::string, std::string>> out;
        for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
          out.emplace_back(resp::ToString(reply.elements[i]),
                           resp::ToString(reply.elements[i + 1]));
        }
        std::sort(out.begin(), out.end());
        return out;
      };
      return redis.elements.size() == understudy.elements.size() &&
             sorted(redis) == sorted(understudy);
    }
    case Compare::kExact:
    case Compare::kFullScan:
      return redis == understudy;
  }
  return false;
}

// The cursor and keys of a well-formed SCAN reply.
std::optional<std::pair<std::string, std::vector<std::string>>> ParseScan(const Reply& reply) {
  if (reply.type != ReplyType::kArray || reply.elements.size() != 2 ||
      reply.elements[0].type != ReplyType::kBulkString ||
      reply.elements[1].type != ReplyType::kArray) {
    return std::nullopt;
  }
  std::vector<std::string> keys;
  for (const Reply& key : reply.elements[1].elements) {
    if (key.type != ReplyType::kBulkString) return std::nullopt;
    keys.push_back(key.str);
  }
  return std::make_pair(reply.elements[0].str, std::move(keys));
}

// One server under test and a connection to it.
struct Side {
  const char* name;
  ServerProcess* server;
  testing::SyncConnection connection;
};

absl::Status WithContext(const Side& side, const absl::Status& status) {
  std::string message = absl::StrCat(side.name, ": ", status.ToString());
  if (absl::Status alive = side.server->Alive(); !alive.ok()) {
    absl::StrAppend(&message, "\n", alive.message());
  }
  return absl::Status(status.code(), message);
}

// Sends the command to both servers before reading either reply, so they work in parallel.
absl::StatusOr<std::pair<Reply, Reply>> SendBoth(Side& redis, Side& understudy,
                                                 const std::vector<std::string>& args) {
  const std::vector<std::string_view> views(args.begin(), args.end());
  const std::string request = testing::EncodeCommand(views);
  if (absl::Status s = redis.connection.WriteRaw(request); !s.ok()) return WithContext(redis, s);
  if (absl::Status s = understudy.connection.WriteRaw(request); !s.ok()) {
    return WithContext(understudy, s);
  }
  absl::StatusOr<Reply> a = redis.connection.ReadReply();
  if (!a.ok()) return WithContext(redis, a.status());
  absl::StatusOr<Reply> b = understudy.connection.ReadReply();
  if (!b.ok()) return WithContext(understudy, b.status());
  return std::make_pair(*std::move(a), *std::move(b));
}

// Where a SCAN-family command takes its cursor and what it answers.
struct ScanForm {
  size_t cursor_at;  // SCAN's cursor comes first, HSCAN's, SSCAN's and ZSCAN's after the key
  bool pairs;        // HSCAN and ZSCAN answer field-value and member-score pairs
};

ScanForm ScanFormOf(const std::string& command) {
  const std::string name = absl::AsciiStrToLower(command);
  return {.cursor_at = name == "scan" ? 1u : 2u, .pairs = name == "hscan" || name == "zscan"};
}

// A SCAN-family command from cursor 0 until the cursor is 0 again, on one server: the items
// seen, as a sorted array reply (of [field, value] arrays for pairs), or the first reply if it
// is not a well-formed SCAN reply (an error).
absl::StatusOr<Reply> FullScan(Side& side, std::vector<std::string> args) {
  const ScanForm form = ScanFormOf(args[0]);
  std::set<std::vector<std::string>> seen;
  for (int call = 0; call < kMaxScanCalls; ++call) {
    absl::StatusOr<Reply> reply = side.connection.Command({args.begin(), args.end()});
    if (!reply.ok()) return WithContext(side, reply.status());
    auto scan = ParseScan(*reply);
    if (!scan) {
      if (call == 0) return *std::move(reply);
      return absl::InternalError(
          absl::StrCat(side.name, ": malformed SCAN reply ", resp::ToString(*reply)));
    }
    const std::vector<std::string>& items = scan->second;
    if (form.pairs && items.size() % 2 != 0) {
      return absl::InternalError(
          absl::StrCat(side.name, ": odd number of items ", resp::ToString(*reply)));
    }
    const size_t stride = form.pairs ? 2 : 1;
    for (size_t i = 0; i < items.size(); i += stride) {
      seen.emplace(items.begin() + i, items.begin() + i + stride);
    }
    if (scan->first == "0") {
      std::vector<Reply> replies;
      for (const std::vector<std::string>& item : seen) {
        replies.push_back(form.pairs ? Reply::Array({Reply::Bulk(item[0]), Reply::Bulk(item[1])})
                                     : Reply::Bulk(item[0]));
      }
      return Reply::Array(std::move(replies));
    }
    args[form.cursor_at] = scan->first;
  }
  return absl::InternalError(
      absl::StrCat(side.name, ": SCAN did not finish within ", kMaxScanCalls, " calls"));
}

absl::StatusOr<std::pair<Reply, Reply>> RunStep(Side& redis, Side& understudy, const Step& step) {
  if (step.compare != Compare::kFullScan) return SendBoth(redis, understudy, step.args);
  absl::StatusOr<Reply> a = FullScan(redis, step.args);
  if (!a.ok()) return a.status();
  absl::StatusOr<Reply> b = FullScan(understudy, step.args);
  if (!b.ok()) return b.status();
  return std::make_pair(*std::move(a), *std::move(b));
}

int SeedCount() {
  const char* text = std::getenv("UNDERSTUDY_DIFFERENTIAL_SEEDS");
  if (text == nullptr) return kDefaultSeeds;
  const int n = std::atoi(text);
  return n > 0 && n <= 100000 ? n : kDefaultSeeds;
}

class DifferentialTest : public ::testing::TestWithParam<uint64_t> {
 protected:
  // Both servers serve every seed of the process.
  static void SetUpTestSuite() {
    redis_ = new absl::StatusOr<ServerProcess>(StartRedis());
    understudy_ = new absl::StatusOr<ServerProcess>(StartUnderstudy());
  }
  static void TearDownTestSuite() {
    delete redis_;
    delete understudy_;
    redis_ = understudy_ = nullptr;
  }

  static absl::StatusOr<ServerProcess>* redis_;
  static absl::StatusOr<ServerProcess>* understudy_;
};

absl::StatusOr<ServerProcess>* DifferentialTest::redis_ = nullptr;
absl::StatusOr<ServerProcess>* DifferentialTest::understudy_ = nullptr;

TEST_P(DifferentialTest, SameRepliesAsRedis) {
  if (absl::IsNotFound(redis_->status())) {
    GTEST_SKIP() << "real Redis is not installed, so there is nothing to compare with: "
                 << redis_->status();
  }
  // A server that died in an earlier seed (which reported it) is replaced.
  if (redis_->ok() && !(*redis_)->Alive().ok()) *redis_ = StartRedis();
  if (understudy_->ok() && !(*understudy_)->Alive().ok()) *understudy_ = StartUnderstudy();
  ASSERT_TRUE(redis_->ok()) << "cannot start redis-server: " << redis_->status();
  ASSERT_TRUE(understudy_->ok()) << "cannot start understudy-server: " << understudy_->status();

  absl::StatusOr<testing::SyncConnection> redis_connection = (*redis_)->Connect();
  ASSERT_TRUE(redis_connection.ok()) << redis_connection.status();
  absl::StatusOr<testing::SyncConnection> understudy_connection = (*understudy_)->Connect();
  ASSERT_TRUE(understudy_connection.ok()) << understudy_connection.status();
  Side redis{"redis-server", &**redis_, *std::move(redis_connection)};
  Side understudy{"understudy-server", &**understudy_, *std::move(understudy_connection)};

  const uint64_t seed = GetParam();
  auto flush = SendBoth(redis, understudy, {"FLUSHALL"});
  ASSERT_TRUE(flush.ok()) << flush.status();
  ASSERT_EQ(flush->first, Reply::Simple("OK"));
  ASSERT_EQ(flush->second, Reply::Simple("OK"));
  // Encoding thresholds differ from seed to seed. Most seeds build lists of tiny nodes, so
  // that inserts and removals cross node boundaries; hashes turn into hashtables at different
  // points, now and then from their first field; sets outgrow their intset soon (or never fit
  // one), so that both encodings meet.
  constexpr std::string_view kListNodeSizes[] = {"-2", "1", "2", "5", "-1"};
  constexpr std::string_view kHashEntries[] = {"512", "3", "1", "0"};
  constexpr std::string_view kHashValueBytes[] = {"64", "8", "100"};
  constexpr std::string_view kIntsetEntries[] = {"512", "4", "16", "0"};
  auto config = SendBoth(
      redis, understudy,
      {"CONFIG", "SET", "list-max-listpack-size",
       std::string(kListNodeSizes[seed % std::size(kListNodeSizes)]), "hash-max-listpack-entries",
       std::string(kHashEntries[seed % std::size(kHashEntries)]), "hash-max-listpack-value",
       std::string(kHashValueBytes[seed % std::size(kHashValueBytes)]), "set-max-intset-entries",
       std::string(kIntsetEntries[seed % std::size(kIntsetEntries)])});
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->first, Reply::Simple("OK"));
  ASSERT_EQ(config->second, Reply::Simple("OK"));

  Generator generator(seed);
  std::deque<std::string> history;  // the last commands, with Redis's reply
  int index = 0;
  while (index < kCommandsPerSeed) {
    for (const Step& step : generator.Next()) {
      const std::string command = Render(step.args);
      absl::StatusOr<std::pair<Reply, Reply>> replies = RunStep(redis, understudy, step);
      ASSERT_TRUE(replies.ok()) << "seed " << seed << ", command #" << index << ": " << command
                                << "\n"
                                << replies.status();
      const auto& [a, b] = *replies;
      if (!Same(step.compare, a, b)) {
        FAIL() << "seed " << seed << ", command #" << index << ": " << command
               << "\n  redis-server:      " << resp::ToString(a)
               << "\n  understudy-server: " << resp::ToString(b) << "\nthe " << history.size()
               << " commands before (with the reply of redis-server):\n"
               << absl::StrJoin(history, "\n")
               << "\nrerun this seed alone: UNDERSTUDY_DIFFERENTIAL_SEEDS=" << seed
               << " differential_test --gtest_filter='*Seed" << seed << "'";
      }
      history.push_back(absl::StrCat("  #", index, " ", command, "  ->  ", resp::ToString(a)));
      if (history.size() > kContextCommands) history.pop_front();
      ++index;
    }
  }
}

std::vector<uint64_t> Seeds() {
  std::vector<uint64_t> seeds;
  for (int i = 1; i <= SeedCount(); ++i) seeds.push_back(static_cast<uint64_t>(i));
  return seeds;
}

INSTANTIATE_TEST_SUITE_P(Seeds, DifferentialTest, ::testing::ValuesIn(Seeds()),
                         [](const ::testing::TestParamInfo<uint64_t>& info) {
                           return absl::StrCat("Seed", info.param);
                         });

}  // namespace
}  // namespace understudy::testing
