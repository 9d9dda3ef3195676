// The Lua runtime in process: SHA-1, the struct and cmsgpack libraries, conversions, and how a
// script runs inside the engine (atomic, counted, busy, killed).
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "server/engine/scripting/eval_scripts.h"
#include "server/engine/scripting/sha1.h"
#include "tests/engine/engine_fixture.h"

namespace understudy::engine {
namespace {

TEST(Sha1Test, KnownDigests) {
  using scripting::Sha1Hex;
  EXPECT_EQ(Sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(Sha1Hex(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1Test, PaddingBoundaries) {
  using scripting::Sha1Hex;
  // Lengths around the block (64) and the room left for the length field (56).
  EXPECT_EQ(Sha1Hex(std::string(55, 'x')), "cef734ba81a024479e09eb5a75b6ddae62e6abf1");
  EXPECT_EQ(Sha1Hex(std::string(56, 'x')), "901305367c259952f4e7af8323f480d59f81335b");
  EXPECT_EQ(Sha1Hex(std::string(63, 'x')), "0ddc4e0cccd9a12850deb5abb0853a4425559fec");
  EXPECT_EQ(Sha1Hex(std::string(64, 'x')), "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163");
  EXPECT_EQ(Sha1Hex(std::string(119, 'x')), "4300320394f7ee239bcdce7d3b8bcee173a0cd5c");
  EXPECT_EQ(Sha1Hex(std::string(120, 'x')), "ceb2821639c4b6dcb10bce0e522ca2e608ce056d");
}

class ScriptingTest : public EngineTest {
 protected:
  std::string Eval(std::string_view script) { return Run({"EVAL", script, "0"}); }
};

TEST_F(ScriptingTest, StructRoundTrips) {
  EXPECT_EQ(Eval("return {struct.unpack('>i8', struct.pack('>i8', -5000000000))}"),
            "[:-5000000000, :9]");
  EXPECT_EQ(Eval("return {struct.unpack('<I3', struct.pack('<I3', 70000))}"), "[:70000, :4]");
  EXPECT_EQ(Eval("return {struct.unpack('>i3', '\\255\\255\\254')}"), "[:-2, :4]");
  // '!' aligns each item to its size, up to the given alignment.
  EXPECT_EQ(Eval("return struct.size('!8 b d')"), ":16");
  EXPECT_EQ(Eval("return struct.size('!2 b d')"), ":10");
  EXPECT_EQ(Eval("return struct.size('b d')"), ":9");
  EXPECT_EQ(Eval("return {struct.unpack('s s', 'ab\\0cd\\0')}"), "[\"ab\", \"cd\", :7]");
  EXPECT_EQ(Eval("return struct.pack('c0', 'whole')"), "\"whole\"");
  EXPECT_EQ(Eval("return tostring(struct.unpack('>n', struct.pack('>n', 0.1)))"), "\"0.1\"");
  EXPECT_EQ(Eval("return struct.pack('!3 i4', 1)").substr(0, 4), "-ERR");
  EXPECT_EQ(Eval("return {struct.unpack('s', 'abc')}").substr(0, 4), "-ERR");
}

TEST_F(ScriptingTest, CmsgpackRoundTrips) {
  EXPECT_EQ(Eval("local t = cmsgpack.unpack(cmsgpack.pack({1, {2, {3}}, x = 'y'})) "
                 "return {t[1], t[2][1], t[2][2][1], t.x}"),
            "[:1, :2, :3, \"y\"]");
  EXPECT_EQ(Eval("local s = string.rep('z', 70000) return #cmsgpack.unpack(cmsgpack.pack(s))"),
            ":70000");
  EXPECT_EQ(Eval("local t = {} for i = 1, 70000 do t[i] = i end "
                 "local u = cmsgpack.unpack(cmsgpack.pack(t)) return {#u, u[70000]}"),
            "[:70000, :70000]");
  EXPECT_EQ(Eval("return {cmsgpack.unpack(cmsgpack.pack(4294967296, -2147483649, 0.1))}"),
            "[:4294967296, :-2147483649, :0]");
  EXPECT_EQ(Eval("return tostring(cmsgpack.unpack(cmsgpack.pack(0.1)))"), "\"0.1\"");
  // Tables nested deeper than 16 levels are cut to nil (the 17th is the nil).
  EXPECT_EQ(Eval("local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end "
                 "local u = cmsgpack.unpack(cmsgpack.pack(t)) local d = 0 "
                 "while type(u) == 'table' do d = d + 1 u = u[1] end return d"),
            ":16");
  EXPECT_EQ(Eval("return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5)}"), "[:-1, :1, :2, :3]");
  EXPECT_EQ(Eval("return cmsgpack.unpack('\\193')").substr(0, 4), "-ERR");
}

TEST_F(ScriptingTest, RepliesOfCommandsBecomeLuaValues) {
  Run({"RPUSH", "l", "a", "b"});
  EXPECT_EQ(Eval("local r = redis.call('lrange', 'l', 0, -1) return #r .. r[1] .. r[2]"),
            "\"2ab\"");
  EXPECT_EQ(Eval("return redis.call('lpop', 'nosuch') == false"), ":1");
  EXPECT_EQ(Eval("redis.setresp(3) return redis.call('lpop', 'nosuch') == nil"), ":1");
  Run({"HSET", "h", "f", "1"});
  EXPECT_EQ(Eval("redis.setresp(3) return redis.call('hgetall', 'h').map.f"), "\"1\"");
}

TEST_F(ScriptingTest, CommandsOfScriptsAreCountedInCommandstats) {
  Run({"CONFIG", "RESETSTAT"});
  Eval("redis.call('set', 'k', 'v') redis.call('get', 'k') return redis.call('get', 'k')");
  const std::string info = Run({"INFO", "commandstats"});
  EXPECT_NE(info.find("cmdstat_get:calls=2,"), std::string::npos) << info;
  EXPECT_NE(info.find("cmdstat_set:calls=1,"), std::string::npos) << info;
  EXPECT_NE(info.find("cmdstat_eval:calls=1,"), std::string::npos) << info;
}

TEST_F(ScriptingTest, ACommandErrorPassedOnCountsOnceInErrorstats) {
  Run({"SET", "str", "v"});
  Run({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(Eval("return redis.call('lpush', 'str', 'x')").substr(0, 10), "-WRONGTYPE");
  std::string info = Run({"INFO", "errorstats"});
  EXPECT_NE(info.find("errorstat_WRONGTYPE:count=1\\r\\n"), std::string::npos) << info;
  info = Run({"INFO", "commandstats"});
  EXPECT_NE(info.find("cmdstat_eval:calls=1,"), std::string::npos) << info;
  EXPECT_NE(info.find("failed_calls=1"), std::string::npos) << info;

  // A refused call counts when it is refused, even if the script goes on.
  Run({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(Eval("redis.pcall('nosuch') return 1"), ":1");
  info = Run({"INFO", "errorstats"});
  EXPECT_NE(info.find("errorstat_ERR:count=1\\r\\n"), std::string::npos) << info;

  // The script's own error counts.
  Run({"CONFIG", "RESETSTAT"});
  Eval("return {err = 'MY own'}");
  info = Run({"INFO", "errorstats"});
  EXPECT_NE(info.find("errorstat_MY:count=1\\r\\n"), std::string::npos) << info;
}

TEST_F(ScriptingTest, BlockedClientsAreServedAfterTheScript) {
  Client& waiter = engine_.Register(nullptr);
  const std::vector<std::string_view> blpop = {"BLPOP", "q", "0"};
  engine_.Execute(waiter, blpop);
  ASSERT_TRUE(waiter.is_blocked());
  // The pushed element is still there when the script looks again: nobody popped it meanwhile.
  EXPECT_EQ(Eval("redis.call('rpush', 'q', 'x') return redis.call('llen', 'q')"), ":1");
  EXPECT_FALSE(waiter.is_blocked());
  EXPECT_EQ(waiter.output, "*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
}

TEST_F(ScriptingTest, ABusyScriptAnswersOthersBusyAndCanBeKilled) {
  Run({"CONFIG", "SET", "busy-reply-threshold", "0"});
  Client& other = engine_.Register(nullptr);
  std::vector<std::string> seen;
  engine_.set_busy_poller([&] {
    if (!seen.empty()) return;
    for (std::vector<std::string_view> args :
         {std::vector<std::string_view>{"GET", "k"}, {"SHUTDOWN"}, {"SCRIPT", "KILL"}}) {
      other.output.clear();
      engine_.Execute(other, args);
      seen.push_back(other.output);
    }
  });
  const std::string reply = Eval("while true do end");
  engine_.set_busy_poller(nullptr);
  ASSERT_EQ(seen.size(), 3u);
  const std::string busy =
      "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN "
      "NOSAVE.\r\n";
  EXPECT_EQ(seen[0], busy);
  EXPECT_EQ(seen[1], busy);
  EXPECT_EQ(seen[2], "+OK\r\n");
  EXPECT_EQ(reply.substr(0, 48), "-ERR Script killed by user with SCRIPT KILL... s");
  EXPECT_EQ(Run({"SCRIPT", "KILL"}), "-NOTBUSY No scripts in execution right now.");
}

TEST_F(ScriptingTest, TimersWaitForABusyScript) {
  Run({"CONFIG", "SET", "busy-reply-threshold", "0"});
  Run({"SET", "soon", "v", "PX", "100"});
  bool polled = false;
  engine_.set_busy_poller([&] {
    if (polled) return;
    polled = true;
    // The cron fires meanwhile: it must not expire a key under the running script.
    clock_.AdvanceMs(1000);
    executor_.RunDue();
  });
  EXPECT_EQ(Eval("for i = 1, 1000000 do end return redis.call('exists', 'soon')"), ":1");
  engine_.set_busy_poller(nullptr);
  EXPECT_TRUE(polled);
  EXPECT_EQ(Run({"EXISTS", "soon"}), ":0");
}

TEST_F(ScriptingTest, AScriptThatWroteIsUnkillable) {
  Run({"CONFIG", "SET", "busy-reply-threshold", "0"});
  Client& other = engine_.Register(nullptr);
  std::string answer;
  engine_.set_busy_poller([&] {
    if (!answer.empty()) return;
    const std::vector<std::string_view> kill = {"SCRIPT", "KILL"};
    engine_.Execute(other, kill);
    answer = other.output;
  });
  EXPECT_EQ(Eval("redis.call('set', 'k', 'v') for i = 1, 1000000 do end return 'done'"),
            "\"done\"");
  engine_.set_busy_poller(nullptr);
  EXPECT_EQ(answer.substr(0, 12), "-UNKILLABLE ");
}

TEST_F(ScriptingTest, HostileErrorObjectsCannotCrashTheServer) {
  const std::string trap =
      "local t = setmetatable({}, {__index = function() error('trap') end, "
      "__newindex = function() error('trap') end}) ";
  EXPECT_EQ(Eval(trap + "error(t)").substr(0, 1), "-");
  EXPECT_EQ(Eval(trap + "return t"), "[]");
  EXPECT_EQ(Eval(trap + "local ok, e = pcall(error, t) return ok"), "(nil)");
  EXPECT_EQ(Eval("return 1"), ":1");
}

TEST_F(ScriptingTest, MemoryStaysBoundedAcrossManyScripts) {
  for (int i = 0; i < 2000; ++i) {
    Eval("local t = {} for j = 1, 100 do t[j] = string.rep('x', 100) end return #t");
  }
  EXPECT_LT(engine_.eval_scripts().lua().used_memory(), 8u << 20);
}

}  // namespace
}  // namespace understudy::engine
