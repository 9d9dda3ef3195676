#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"

// Every error text understudy replies with, worded exactly as Redis 7.0 words it. The reply
// writer turns any CR or LF (from quoted user input) into spaces, as Redis does.
namespace understudy::engine::errors {

inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotInt32 =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kDecrementOverflow = "ERR decrement would overflow";
inline constexpr std::string_view kNanOrInfinity = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
inline constexpr std::string_view kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
inline constexpr std::string_view kExpireNxWithOthers =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kExpireGtAndLt =
    "ERR GT and LT options at the same time are not compatible";
inline constexpr std::string_view kSortNotDouble =
    "ERR One or more scores can't be converted into double";
inline constexpr std::string_view kNoLfuPolicy =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
    "that when switching between policies at runtime LRU and LFU data will take some time to "
    "adjust.";
inline constexpr std::string_view kLcsNotStrings =
    "ERR The specified keys must contain string values";
inline constexpr std::string_view kLcsLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
inline constexpr std::string_view kLcsTooLarge =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
inline constexpr std::string_view kLcsNoMemory =
    "ERR Insufficient memory, failed allocating transient memory for LCS";
// Transactions
inline constexpr std::string_view kMultiNested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kWatchInMulti = "ERR WATCH inside MULTI is not allowed";
inline constexpr std::string_view kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
// "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command",
// from the error EXEC was refused with.
std::string ExecAbortBecause(std::string_view error);
inline constexpr std::string_view kNotInTransaction =
    "ERR Command not allowed inside a transaction";
inline constexpr std::string_view kDebugNotAllowed =
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you "
    "can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.";
inline constexpr std::string_view kNoShutdownInProgress = "ERR No shutdown in progress.";
inline constexpr std::string_view kShutdownFailed = "ERR Errors trying to SHUTDOWN. Check logs.";
inline constexpr std::string_view kNoProto = "NOPROTO unsupported protocol version";
// COMMAND GETKEYS
inline constexpr std::string_view kInvalidCommandSpecified = "ERR Invalid command specified";
inline constexpr std::string_view kInvalidArgumentCount =
    "ERR Invalid number of arguments specified for command";
inline constexpr std::string_view kNoKeyArguments = "ERR The command has no key arguments";
inline constexpr std::string_view kInvalidArguments = "ERR Invalid arguments specified for command";
inline constexpr std::string_view kBadClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kNoSuchClient = "ERR No such client";
inline constexpr std::string_view kClientIdNotPositive = "ERR client-id should be greater than 0";
inline constexpr std::string_view kInvalidClientId = "ERR Invalid client ID";
inline constexpr std::string_view kUnblockReason =
    "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";
inline constexpr std::string_view kUnblockedByClient =
    "UNBLOCKED client unblocked via CLIENT UNBLOCK";
inline constexpr std::string_view kPauseMode = "ERR CLIENT PAUSE mode must be WRITE or ALL";
inline constexpr std::string_view kTimeoutNotInteger =
    "ERR timeout is not an integer or out of range";
inline constexpr std::string_view kTimeoutNegative = "ERR timeout is negative";
inline constexpr std::string_view kProtocolVersionNotInteger =
    "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view kNotPositive = "ERR value is out of range, must be positive";
inline constexpr std::string_view kIndexOutOfRange = "ERR index out of range";
inline constexpr std::string_view kLposRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
inline constexpr std::string_view kLposCountNegative = "ERR COUNT can't be negative";
inline constexpr std::string_view kLposMaxlenNegative = "ERR MAXLEN can't be negative";
inline constexpr std::string_view kNumkeysNotPositive = "ERR numkeys should be greater than 0";
inline constexpr std::string_view kCountNotPositive = "ERR count should be greater than 0";
inline constexpr std::string_view kTimeoutNotFloat = "ERR timeout is not a float or out of range";

// Connection refusals, written before the client is served, then the connection closes.
inline constexpr std::string_view kMaxClientsReached = "-ERR max number of clients reached\r\n";
inline constexpr std::string_view kProtectedModeDenied =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to Redis you may adopt "
    "one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    "SET protected-mode no' from the loopback interface by connecting to Redis from the same "
    "host the server is running, however MAKE SURE Redis is not publicly accessible from "
    "internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively "
    "you can just disable the protected mode by editing the Redis configuration file, and "
    "setting the protected mode option to 'no', and then restarting the server. 3) If you "
    "started the server manually just for testing, restart it with the '--protected-mode no' "
    "option. 4) Setup a an authentication password for the default user. NOTE: You only need "
    "to do one of the above things in order for the server to start accepting connections from "
    "the outside.\r\n";

// Why a configuration value is refused, as CONFIG SET (and the config file) say it.
inline constexpr std::string_view kConfigImmutable = "can't set immutable config";
inline constexpr std::string_view kConfigDuplicate = "duplicate parameter";
inline constexpr std::string_view kConfigNotInteger = "argument couldn't be parsed into an integer";
inline constexpr std::string_view kConfigNotMemory = "argument must be a memory value";
inline constexpr std::string_view kConfigNotYesNo = "argument must be 'yes' or 'no'";
inline constexpr std::string_view kConfigDebugCommandValue =
    "argument(s) must be one of the following: no, yes, local";
inline constexpr std::string_view kConfigBadLogLevel =
    "argument(s) must be one of the following: debug, verbose, notice, warning";
inline constexpr std::string_view kConfigBadSave = "Invalid save parameters";
inline constexpr std::string_view kConfigBadPubsubDefault =
    "argument(s) must be one of the following: allchannels, resetchannels";
inline constexpr std::string_view kBufferLimitArgCount =
    "Wrong number of arguments in buffer limit configuration.";
inline constexpr std::string_view kBufferLimitClass =
    "Invalid client class specified in buffer limit configuration.";
inline constexpr std::string_view kBufferLimitValues =
    "Error in hard, soft or soft_seconds setting in buffer limit configuration.";

// "argument must be between 0 and 65535 inclusive"
inline std::string ConfigOutOfRange(int64_t min, int64_t max) {
  return absl::StrCat("argument must be between ", min, " and ", max, " inclusive");
}
// "The operating system is not able to handle the specified number of clients, try with 992"
inline std::string TooManyClientsForOs(int64_t possible) {
  return absl::StrCat(
      "The operating system is not able to handle the specified number of clients, try with ",
      possible);
}
// "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"
inline std::string ConfigSetUnknown(std::string_view name) {
  return absl::StrCat("ERR Unknown option or number of arguments for CONFIG SET - '",
                      absl::string_view(name.data(), name.size()), "'");
}
// "ERR CONFIG SET failed (possibly related to argument 'hz') - <reason>"
inline std::string ConfigSetFailed(std::string_view name, std::string_view reason) {
  return absl::StrCat("ERR CONFIG SET failed (possibly related to argument '",
                      absl::string_view(name.data(), name.size()), "') - ",
                      absl::string_view(reason.data(), reason.size()));
}
// A command that threw: "ERR internal error in 'get': std::bad_alloc". Not a Redis text: Redis
// would have crashed.
inline std::string CommandFailed(std::string_view full_name, std::string_view what) {
  return absl::StrCat("ERR internal error in '",
                      absl::string_view(full_name.data(), full_name.size()),
                      "': ", absl::string_view(what.data(), what.size()));
}

// "ERR invalid expire time in 'set' command"
std::string InvalidExpireTime(std::string_view command);
// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
// argv is the whole request, name first.
std::string UnknownCommand(std::span<const std::string_view> argv);
// "ERR wrong number of arguments for 'get' command"
std::string WrongArity(std::string_view full_name);
// "ERR unknown subcommand 'foo'. Try COMMAND HELP."
std::string UnknownSubcommand(std::string_view sub, std::string_view parent);
// "ERR internal error: unexpected operation status 12", for a handler bug.
std::string UnexpectedStatus(int status);
// "ERR Syntax error in HELLO option 'foo'"
std::string HelloSyntax(std::string_view option);
// "ERR Unknown client type 'foo'"
std::string UnknownClientType(std::string_view type);
// "ERR No such user 'foo'"
std::string NoSuchUser(std::string_view user);
// "ERR Unsupported option foo"
std::string UnsupportedOption(std::string_view option);

// Hashes
inline constexpr std::string_view kHashValueNotInteger = "ERR hash value is not an integer";
inline constexpr std::string_view kHashValueNotFloat = "ERR hash value is not a float";
inline constexpr std::string_view kIncrementNanOrInfinity = "ERR value is NaN or Infinity";
// HRANDFIELD's and ZRANDMEMBER's count below -LONG_MAX.
inline constexpr std::string_view kRandomCountOutOfRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
// HRANDFIELD's count beyond +-LONG_MAX/2 with WITHVALUES, and (not Redis: it would try to answer
// and run out of memory) a repeated sample too large for any reply.
inline constexpr std::string_view kOutOfRange = "ERR value is out of range";

// Sorted sets.
inline constexpr std::string_view kZAddXxAndNx =
    "ERR XX and NX options at the same time are not compatible";
inline constexpr std::string_view kZAddGtLtAndNx =
    "ERR GT, LT, and/or NX options at the same time are not compatible";
inline constexpr std::string_view kZAddIncrPairs =
    "ERR INCR option supports a single increment-element pair";
inline constexpr std::string_view kScoreIsNan = "ERR resulting score is not a number (NaN)";
inline constexpr std::string_view kScoreRangeNotFloat = "ERR min or max is not a float";
inline constexpr std::string_view kLexRangeNotValid = "ERR min or max not valid string range item";
inline constexpr std::string_view kLimitWithoutByScoreOrLex =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
inline constexpr std::string_view kWithScoresWithByLex =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
inline constexpr std::string_view kWeightNotFloat = "ERR weight value is not a float";
inline constexpr std::string_view kLimitNegative = "ERR LIMIT can't be negative";
// "ERR at least 1 input key is needed for 'zunionstore' command"
std::string NoInputKeys(std::string_view command);

// Sets.
inline constexpr std::string_view kNumkeysExceedArgs =
    "ERR Number of keys can't be greater than number of args";

// Bitmap commands.
inline constexpr std::string_view kBitOffsetOutOfRange =
    "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kBitNotZeroOrOne = "ERR bit is not an integer or out of range";
inline constexpr std::string_view kBitArgumentNotZeroOrOne = "ERR The bit argument must be 1 or 0.";
inline constexpr std::string_view kBitOpNotSingleSource =
    "ERR BITOP NOT must be called with a single source key.";
inline constexpr std::string_view kBitFieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";
inline constexpr std::string_view kBitFieldOverflowType = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view kBitFieldReadOnly =
    "ERR BITFIELD_RO only supports the GET subcommand";

// Pub/Sub.
// "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are
// allowed in this context", to a RESP2 client with subscriptions.
std::string NotAllowedWhileSubscribed(std::string_view full_name);
// SSUBSCRIBE inside a transaction, where nothing may wait.
inline constexpr std::string_view kSsubscribeDenyBlocking =
    "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client";
// CLIENT TRACKING and CACHING.
inline constexpr std::string_view kTrackingOneRedirect =
    "ERR A client can only redirect to a single other client";
inline constexpr std::string_view kTrackingNoSuchRedirect =
    "ERR The client ID you want redirect to does not exist";
inline constexpr std::string_view kTrackingPrefixNeedsBcast =
    "ERR PREFIX option requires BCAST mode to be enabled";
inline constexpr std::string_view kTrackingBcastSwitch =
    "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then "
    "re-enabling it with a different mode.";
inline constexpr std::string_view kTrackingOptBcast =
    "ERR OPTIN and OPTOUT are not compatible with BCAST";
inline constexpr std::string_view kTrackingOptinAndOptout =
    "ERR You can't specify both OPTIN mode and OPTOUT mode";
inline constexpr std::string_view kTrackingOptSwitch =
    "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
    "re-enabling it with a different mode.";
// "ERR Prefix 'a' overlaps with an existing prefix 'ab'. Prefixes for a single client must not
// overlap." (existing: one the client has; else another of the same command).
std::string TrackingPrefixOverlap(std::string_view prefix, std::string_view other, bool existing);
inline constexpr std::string_view kCachingWithoutTracking =
    "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
    "OPTOUT mode enabled";
inline constexpr std::string_view kCachingYesWithoutOptin =
    "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.";
inline constexpr std::string_view kCachingNoWithoutOptout =
    "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.";
// AUTH and ACL.
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kHelloNoAuth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
    "<user> <pass> option can be used to authenticate the client and select the RESP protocol "
    "version at the same time";
inline constexpr std::string_view kAuthWithoutPassword =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
inline constexpr std::string_view kNoPermKey =
    "NOPERM this user has no permissions to access one of the keys used as arguments";
inline constexpr std::string_view kBadUsername =
    "ERR Usernames can't contain spaces or null characters";
inline constexpr std::string_view kDeleteDefaultUser = "ERR The 'default' user cannot be removed";
inline constexpr std::string_view kGenPassBits =
    "ERR ACL GENPASS argument must be the number of bits for the output password, a positive "
    "number up to 4096";
// "ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL HELP."
std::string UnknownSubcommandOrArity(std::string_view sub, std::string_view parent);
inline constexpr std::string_view kNoAclFile =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify users "
    "via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis "
    "configuration file set) in order to store users in the Redis configuration.";
inline constexpr std::string_view kAclSaveFailed =
    "ERR There was an error trying to save the ACLs. Please check the server logs for more "
    "information";
// "NOPERM this user has no permissions to run the 'config|set' command"
std::string NoPermCommand(std::string_view full_name);
// ACL DRYRUN's answers (no prefix: a status, not an error).
std::string DryRunNoPermCommand(std::string_view full_name);
// "This user has no permissions to access the 'z' key"
std::string DryRunNoPermKey(std::string_view key);
// "ERR Unknown category 'nosuch'"
std::string UnknownAclCategory(std::string_view name);
// "ERR User 'nouser' not found"
std::string AclUserNotFound(std::string_view name);
// "ERR Command 'nosuch' not found"
std::string AclCommandNotFound(std::string_view name);

// Keyspace notifications.
inline constexpr std::string_view kConfigBadNotifyClass =
    "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
// Diagnostics and administration: SLOWLOG, LATENCY, MONITOR, DEBUG, SWAPDB.
inline constexpr std::string_view kSlowlogCount = "ERR count should be greater than or equal to -1";
inline constexpr std::string_view kMonitorKeyspace = "ERR Replica can't interact with the keyspace";
inline constexpr std::string_view kMonitorDenyBlocking =
    "ERR MONITOR isn't allowed for DENY BLOCKING client";
// "ERR No samples available for event 'command'"
std::string NoLatencySamples(std::string_view event);
inline constexpr std::string_view kQuicklistThreshold =
    "ERR argument must be a memory value bigger than 1 and smaller than 4gb";
inline constexpr std::string_view kDebugPushNeedsResp3 =
    "ERR RESP2 is not supported by this command";
inline constexpr std::string_view kDebugProtocolType =
    "ERR Wrong protocol type name. Please use one of the following: "
    "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false";
inline constexpr std::string_view kNoConfigFile = "ERR The server is running without a config file";
// "ERR Rewriting config file: Permission denied"
std::string ConfigRewriteFailed(std::string_view reason);
inline constexpr std::string_view kNoPermChannel =
    "NOPERM this user has no permissions to access one of the channels used as arguments";
// "This user has no permissions to access the 'ch' channel" (ACL DRYRUN)
std::string DryRunNoPermChannel(std::string_view channel);
inline constexpr std::string_view kInvalidFirstDb = "ERR invalid first DB index";
inline constexpr std::string_view kInvalidSecondDb = "ERR invalid second DB index";
// Scripting (EVAL, EVALSHA, SCRIPT and what scripts' redis.call answers).
inline constexpr std::string_view kNumKeysTooMany =
    "ERR Number of keys can't be greater than number of args";
inline constexpr std::string_view kNumKeysNegative = "ERR Number of keys can't be negative";
inline constexpr std::string_view kNoScript = "NOSCRIPT No matching script. Please use EVAL.";
inline constexpr std::string_view kBusyScript =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kNotBusy = "NOTBUSY No scripts in execution right now.";
inline constexpr std::string_view kUnkillable =
    "UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
    "either wait the script termination or kill the server in a hard way using the SHUTDOWN "
    "NOSAVE command.";
inline constexpr std::string_view kScriptWriteFlagReadOnlyCommand =
    "ERR Can not execute a script with write flag using *_ro command.";
inline constexpr std::string_view kScriptUnknownCommand =
    "ERR Unknown Redis command called from script";
inline constexpr std::string_view kScriptWrongArity =
    "ERR Wrong number of args calling Redis command from script";
inline constexpr std::string_view kScriptNoScriptCommand =
    "ERR This Redis command is not allowed from script";
inline constexpr std::string_view kScriptWriteInReadOnly =
    "ERR Write commands are not allowed from read-only scripts.";
inline constexpr std::string_view kScriptNoPermCommand =
    "ERR The user executing the script can't run this command or subcommand";
inline constexpr std::string_view kScriptNoPermChannel =
    "ERR The user executing the script can't publish to the channel mentioned in the command";
inline constexpr std::string_view kScriptNoPermKey =
    "ERR The user executing the script can't access at least one of the keys mentioned in the "
    "command arguments";
inline constexpr std::string_view kScriptFlushMode =
    "ERR SCRIPT FLUSH only support SYNC|ASYNC option";
inline constexpr std::string_view kScriptDebugMode = "ERR Use SCRIPT DEBUG YES/SYNC/NO";
inline constexpr std::string_view kScriptDebugUnsupported =
    "ERR SCRIPT DEBUG is not supported by understudy";
// "ERR Error compiling script (new function): user_script:1: ..."
std::string ScriptCompileError(std::string_view message);
// Errors of the "#!lua flags=..." line, without "ERR ".
std::string ShebangUnknownEngine(std::string_view engine);
std::string ShebangUnknownOption(std::string_view option);
std::string ShebangUnknownFlag(std::string_view flag);
// Functions (FUNCTION, FCALL, FCALL_RO).
inline constexpr std::string_view kBusyFunction =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kFunctionNotFound = "ERR Function not found";
inline constexpr std::string_view kFunctionBadNumKeys = "ERR Bad number of keys provided";
inline constexpr std::string_view kFunctionLibraryNotFound = "ERR Library not found";
inline constexpr std::string_view kFunctionFlushMode =
    "ERR FUNCTION FLUSH only supports SYNC|ASYNC option";
inline constexpr std::string_view kFunctionListNoLibraryName =
    "ERR library name argument was not given";
inline constexpr std::string_view kFunctionRestorePolicy =
    "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.";
// "ERR Unknown option given: FOO" (FUNCTION LOAD)
std::string FunctionUnknownOption(std::string_view option);
// "ERR Unknown argument foo" (FUNCTION LIST)
std::string FunctionListUnknownArgument(std::string_view argument);

}  // namespace understudy::engine::errors
