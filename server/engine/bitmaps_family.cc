// Bitmap commands: strings read and written as arrays of bits and of integer fields.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "server/engine/arg_parser.h"
#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "store/numbers.h"
#include "store/strings.h"

namespace understudy::engine {
namespace {

using store::BitFieldOp;
using store::OpStatus;

// Redis compares these commands' keywords with strcasecmp: as C strings, up to a NUL byte.
bool IsKeyword(std::string_view arg, std::string_view keyword) {
  return EqualsIgnoreCase(arg.substr(0, arg.find('\0')), keyword);
}

// What `table` maps the keyword `arg` to, or nullptr.
template <typename T, size_t N>
const T* FindKeyword(std::string_view arg, const std::pair<std::string_view, T> (&table)[N]) {
  for (const auto& [name, value] : table) {
    if (IsKeyword(arg, name)) return &value;
  }
  return nullptr;
}

// A bit offset: an integer from 0 whose byte lies within proto-max-bulk-len. With field_bits
// (BITFIELD), "#N" means N fields of that width; the product wraps as in Redis. Replies the
// error and returns nullopt if the offset is invalid.
std::optional<uint64_t> ParseBitOffset(CommandContext& ctx, std::string_view arg,
                                       unsigned field_bits = 0) {
  const bool positional = field_bits > 0 && arg.size() > 1 && arg[0] == '#';
  int64_t offset;
  if (store::ParseInt64(arg.substr(positional ? 1 : 0), &offset)) {
    if (positional) offset = static_cast<int64_t>(static_cast<uint64_t>(offset) * field_bits);
    if (offset >= 0 && (offset >> 3) < ctx.engine.config().proto_max_bulk_len) return offset;
  }
  ctx.reply.Error(errors::kBitOffsetOutOfRange);
  return std::nullopt;
}

// BYTE or BIT, the unit of BITCOUNT's and BITPOS's range; replies a syntax error otherwise.
bool ParseRangeUnit(CommandContext& ctx, std::string_view arg, bool* in_bits) {
  *in_bits = IsKeyword(arg, "bit");
  if (*in_bits || IsKeyword(arg, "byte")) return true;
  ctx.reply.Error(errors::kSyntax);
  return false;
}

struct BitRange {
  uint64_t first;
  uint64_t last;
};

// The bits a BITCOUNT or BITPOS range covers in a string of `size` bytes: start and end count
// bytes (or bits), from the end if negative, clamped to the string. nullopt if it is empty.
std::optional<BitRange> ResolveRange(int64_t start, int64_t end, bool in_bits, size_t size) {
  const int64_t total = static_cast<int64_t>(size) * (in_bits ? 8 : 1);
  if (start < 0) start = std::max<int64_t>(start + total, 0);
  if (end < 0) end = std::max<int64_t>(end + total, 0);
  end = std::min(end, total - 1);
  if (start > end) return std::nullopt;
  if (in_bits) return BitRange{static_cast<uint64_t>(start), static_cast<uint64_t>(end)};
  return BitRange{static_cast<uint64_t>(start) * 8, static_cast<uint64_t>(end) * 8 + 7};
}

// Whether the store reported a change of the keyspace since the engine counted `dirty` (a write
// that changed no bit reports none): what decides a bitmap command's event, as in Redis.
bool ChangedSince(const CommandContext& ctx, uint64_t dirty) { return ctx.engine.dirty() != dirty; }

// SETBIT key offset value
void CmdSetBit(CommandContext& ctx) {
  const std::optional<uint64_t> offset = ParseBitOffset(ctx, ctx.args[2]);
  if (!offset) return;
  int64_t on;
  if (!store::ParseInt64(ctx.args[3], &on) || (on != 0 && on != 1)) {
    return ctx.reply.Error(errors::kBitNotZeroOrOne);
  }
  const uint64_t dirty = ctx.engine.dirty();
  auto result = store::SetBit(ctx.db(), ctx.args[1], *offset, on == 1);
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  if (ChangedSince(ctx, dirty)) ctx.Notify(kNotifyString, "setbit", ctx.args[1]);
  ctx.reply.Integer(result.value());
}

// GETBIT key offset
void CmdGetBit(CommandContext& ctx) {
  const std::optional<uint64_t> offset = ParseBitOffset(ctx, ctx.args[2]);
  if (!offset) return;
  ctx.CheckKeyMiss(ctx.args[1]);
  auto result = store::GetBit(ctx.db(), ctx.args[1], *offset);
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  ctx.reply.Integer(result.value());
}

// BITCOUNT key [start end [BYTE | BIT]]
// As in Redis, the key is looked up before the arguments are read: a missing key counts 0
// whatever follows it.
void CmdBitCount(CommandContext& ctx) {
  auto found = store::GetString(ctx.db(), ctx.args[1]);
  if (found.status() == OpStatus::kKeyNotFound) {
    ctx.NotifyKeyMiss(ctx.args[1]);
    return ctx.reply.Integer(0);
  }
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const std::string_view s = found.value().view();
  const size_t argc = ctx.args.size();
  if (argc == 2) return ctx.reply.Integer(s.empty() ? 0 : store::CountBits(s, 0, s.size() * 8 - 1));
  if (argc != 4 && argc != 5) return ctx.reply.Error(errors::kSyntax);
  int64_t start, end;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &start) || !ParseIntArg(ctx.reply, ctx.args[3], &end)) {
    return;
  }
  // Both counted from the end and in reverse: empty, answered before the unit is read.
  if (start < 0 && end < 0 && start > end) return ctx.reply.Integer(0);
  bool in_bits = false;
  if (argc == 5 && !ParseRangeUnit(ctx, ctx.args[4], &in_bits)) return;
  const std::optional<BitRange> range = ResolveRange(start, end, in_bits, s.size());
  ctx.reply.Integer(range ? static_cast<int64_t>(store::CountBits(s, range->first, range->last))
                          : 0);
}

// BITPOS key bit [start [end [BYTE | BIT]]]
void CmdBitPos(CommandContext& ctx) {
  int64_t bit;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &bit)) return;
  if (bit != 0 && bit != 1) return ctx.reply.Error(errors::kBitArgumentNotZeroOrOne);
  auto found = store::GetString(ctx.db(), ctx.args[1]);
  // A missing key is an endless run of zeros, whatever the range.
  if (found.status() == OpStatus::kKeyNotFound) {
    ctx.NotifyKeyMiss(ctx.args[1]);
    return ctx.reply.Integer(bit == 1 ? -1 : 0);
  }
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const std::string_view s = found.value().view();
  const size_t argc = ctx.args.size();
  if (argc > 6) return ctx.reply.Error(errors::kSyntax);
  int64_t start = 0;
  int64_t end = -1;
  bool in_bits = false;
  // Redis reads the unit before the end.
  if (argc >= 4 && !ParseIntArg(ctx.reply, ctx.args[3], &start)) return;
  if (argc == 6 && !ParseRangeUnit(ctx, ctx.args[5], &in_bits)) return;
  if (argc >= 5 && !ParseIntArg(ctx.reply, ctx.args[4], &end)) return;
  const std::optional<BitRange> range = ResolveRange(start, end, in_bits, s.size());
  if (!range) return ctx.reply.Integer(-1);
  const int64_t pos = store::FindBit(s, bit == 1, range->first, range->last);
  const bool end_given = argc >= 5;
  if (pos >= 0 || bit == 1 || end_given) return ctx.reply.Integer(pos);
  // Without an explicit end the string goes on with zeros: the first clear bit is past it.
  ctx.reply.Integer(static_cast<int64_t>(s.size()) * 8);
}

// BITOP AND | OR | XOR | NOT destkey key [key ...]
void CmdBitOp(CommandContext& ctx) {
  using store::BitOperation;
  static constexpr std::pair<std::string_view, BitOperation> kOperations[] = {
      {"and", BitOperation::kAnd},
      {"or", BitOperation::kOr},
      {"xor", BitOperation::kXor},
      {"not", BitOperation::kNot}};
  const BitOperation* op = FindKeyword(ctx.args[1], kOperations);
  if (op == nullptr) return ctx.reply.Error(errors::kSyntax);
  if (*op == BitOperation::kNot && ctx.args.size() != 4) {
    return ctx.reply.Error(errors::kBitOpNotSingleSource);
  }
  for (std::string_view source : ctx.args.subspan(3)) ctx.CheckKeyMiss(source);
  const uint64_t dirty = ctx.engine.dirty();
  auto result = store::BitOp(ctx.db(), *op, ctx.args[2], ctx.args.subspan(3));
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  // An empty result deletes the destination, if there was one.
  if (result.value() > 0) {
    ctx.Notify(kNotifyString, "set", ctx.args[2]);
  } else if (ChangedSince(ctx, dirty)) {
    ctx.Notify(kNotifyGeneric, "del", ctx.args[2]);
  }
  ctx.reply.Integer(result.value());
}

// A BITFIELD type: i1..i64 or u1..u63 (the letter in lower case; the width read up to a NUL byte,
// as Redis reads it).
bool ParseFieldType(std::string_view arg, BitFieldOp& op) {
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u')) return false;
  op.is_signed = arg[0] == 'i';
  arg.remove_prefix(1);
  int64_t bits;
  if (!store::ParseInt64(arg.substr(0, arg.find('\0')), &bits) || bits < 1 ||
      bits > (op.is_signed ? 64 : 63)) {
    return false;
  }
  op.bits = static_cast<uint8_t>(bits);
  return true;
}

// BITFIELD key [GET type offset | [OVERFLOW WRAP | SAT | FAIL]
//   SET type offset value | INCRBY type offset increment ...]
// BITFIELD_RO key [GET type offset ...]
// Every operation is parsed (the first bad one answers its error) before the key is read.
void BitFieldGeneric(CommandContext& ctx, bool read_only) {
  using Kind = BitFieldOp::Kind;
  static constexpr std::pair<std::string_view, store::BitFieldOverflow> kOverflows[] = {
      {"wrap", store::BitFieldOverflow::kWrap},
      {"sat", store::BitFieldOverflow::kSat},
      {"fail", store::BitFieldOverflow::kFail}};
  std::vector<BitFieldOp> ops;
  store::BitFieldOverflow overflow = store::BitFieldOverflow::kWrap;
  bool writes = false;
  for (size_t i = 2; i < ctx.args.size();) {
    const std::string_view name = ctx.args[i];
    const size_t operands = ctx.args.size() - i - 1;
    if (IsKeyword(name, "overflow") && operands >= 1) {
      const store::BitFieldOverflow* named = FindKeyword(ctx.args[i + 1], kOverflows);
      if (named == nullptr) return ctx.reply.Error(errors::kBitFieldOverflowType);
      overflow = *named;
      i += 2;
      continue;
    }
    BitFieldOp op;
    if (IsKeyword(name, "get") && operands >= 2) {
      op.kind = Kind::kGet;
    } else if (IsKeyword(name, "set") && operands >= 3) {
      op.kind = Kind::kSet;
    } else if (IsKeyword(name, "incrby") && operands >= 3) {
      op.kind = Kind::kIncrBy;
    } else {
      return ctx.reply.Error(errors::kSyntax);
    }
    if (!ParseFieldType(ctx.args[i + 1], op)) return ctx.reply.Error(errors::kBitFieldType);
    const std::optional<uint64_t> offset = ParseBitOffset(ctx, ctx.args[i + 2], op.bits);
    if (!offset) return;
    op.offset = *offset;
    op.overflow = overflow;
    if (op.kind != Kind::kGet) {
      writes = true;
      if (!ParseIntArg(ctx.reply, ctx.args[i + 3], &op.value)) return;
    }
    ops.push_back(op);
    i += op.kind == Kind::kGet ? 3 : 4;
  }
  if (read_only && writes) return ctx.reply.Error(errors::kBitFieldReadOnly);
  // Only reads look the key up as a read.
  if (!writes) ctx.CheckKeyMiss(ctx.args[1]);
  const uint64_t dirty = ctx.engine.dirty();
  auto result = store::BitField(ctx.db(), ctx.args[1], ops);
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  ctx.reply.ArrayHeader(result.value().size());
  for (const std::optional<int64_t>& value : result.value()) {
    if (value) {
      ctx.reply.Integer(*value);
    } else {
      ctx.reply.Null();  // a write OVERFLOW FAIL refused
    }
  }
  if (writes && ChangedSince(ctx, dirty)) ctx.Notify(kNotifyString, "setbit", ctx.args[1]);
}
void CmdBitField(CommandContext& ctx) { BitFieldGeneric(ctx, /*read_only=*/false); }
void CmdBitFieldRo(CommandContext& ctx) { BitFieldGeneric(ctx, /*read_only=*/true); }

const CommandSpec kCommands[] = {
    {.name = "setbit",
     .arity = 4,
     .flags = kWrite | kDenyOom,
     .acl = kAclBitmap,
     .keys = {1, 1, 1, "RW access update"},
     .handler = CmdSetBit,
     .doc = {"Sets or clears the bit at offset in the string value stored at key", "2.2.0",
             "O(1)"},
     .args = "key:key offset:integer value:integer"},
    {.name = "getbit",
     .arity = 3,
     .flags = kReadOnly | kFast,
     .acl = kAclBitmap,
     .keys = {1, 1, 1, "RO access"},
     .handler = CmdGetBit,
     .doc = {"Returns the bit value at offset in the string value stored at key", "2.2.0", "O(1)"},
     .args = "key:key offset:integer"},
    {.name = "bitcount",
     .arity = -2,
     .flags = kReadOnly,
     .acl = kAclBitmap,
     .keys = {1, 1, 1, "RO access"},
     .handler = CmdBitCount,
     .doc = {"Count set bits in a string", "2.6.0", "O(N)"},
     .args = "key:key [index:{start:integer end:integer [index_unit:(BYTE | BIT)@7.0.0]}]",
     .history = {{"7.0.0", "Added the `BYTE|BIT` option."}}},
    {.name = "bitpos",
     .arity = -3,
     .flags = kReadOnly,
     .acl = kAclBitmap,
     .keys = {1, 1, 1, "RO access"},
     .handler = CmdBitPos,
     .doc = {"Find first bit set or clear in a string", "2.8.7", "O(N)"},
     .args = "key:key bit:integer [index:{start:integer [end_index:{end:integer "
             "[index_unit:(BYTE | BIT)@7.0.0]}]}]",
     .history = {{"7.0.0", "Added the `BYTE|BIT` option."}}},
    {.name = "bitop",
     .arity = -4,
     .flags = kWrite | kDenyOom,
     .acl = kAclBitmap,
     .keys = {2, -1, 1, "OW update|RO access"},
     .handler = CmdBitOp,
     .doc = {"Perform bitwise operations between strings", "2.6.0", "O(N)"},
     .args = "operation destkey:key key:key..."},
    {.name = "bitfield",
     .arity = -2,
     .flags = kWrite | kDenyOom,
     .acl = kAclBitmap,
     .keys = {1, 1, 1, "RW access update variable_flags",
              "This command allows both access and modification of the key"},
     .handler = CmdBitField,
     .doc = {"Perform arbitrary bitfield integer operations on strings", "3.2.0",
             "O(1) for each subcommand specified"},
     .args = "key:key [operation:(GET encoding_offset:{encoding offset:integer} | "
             "write:{[OVERFLOW wrap_sat_fail:(WRAP | SAT | FAIL)] write_operation:(SET "
             "encoding_offset_value:{encoding offset:integer value:integer} | INCRBY "
             "encoding_offset_increment:{encoding offset:integer increment:integer})})...]"},
    {.name = "bitfield_ro",
     .arity = -2,
     .flags = kReadOnly | kFast,
     .acl = kAclBitmap,
     .keys = {1, 1, 1, "RO access"},
     .handler = CmdBitFieldRo,
     .doc = {"Perform arbitrary bitfield integer operations on strings. Read-only variant of "
             "BITFIELD",
             "6.0.0", "O(1) for each subcommand specified"},
     .args = "key:key [GET encoding_offset:{encoding offset:integer}]..."},
};

}  // namespace

CommandFamily BitmapsFamily() { return {"bitmap", kCommands}; }

}  // namespace understudy::engine
