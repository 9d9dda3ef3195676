// Keyspace notifications inside the engine: the class letters, the channel names, and the
// events no conformance case can wait for (expiry by the active cycle and on access after time
// passed). The events of each command, as Redis sends them, are in
// tests/conformance/cases/notifications.txt.
#include "server/engine/notifications.h"

#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "resp/reply.h"
#include "server/engine/config.h"
#include "server/engine/engine.h"
#include "store/clock.h"
#include "tests/engine/engine_fixture.h"

namespace understudy::engine {
namespace {

TEST(NotifyClassesTest, ParsesEveryLetter) {
  EXPECT_EQ(ParseNotifyClasses(""), 0u);
  EXPECT_EQ(ParseNotifyClasses("KEA"), kNotifyKeyspace | kNotifyKeyevent | kNotifyAll);
  EXPECT_EQ(ParseNotifyClasses("g$lshzxetd"), uint32_t{kNotifyAll});
  EXPECT_EQ(ParseNotifyClasses("Enm"), kNotifyKeyevent | kNotifyNew | kNotifyKeyMiss);
  EXPECT_EQ(ParseNotifyClasses("KEq"), std::nullopt);
  EXPECT_EQ(ParseNotifyClasses("k"), std::nullopt);
  EXPECT_EQ(ParseNotifyClasses("K E"), std::nullopt);
}

TEST(NotifyClassesTest, RendersAsConfigGetShowsThem) {
  auto render = [](std::string_view text) {
    return RenderNotifyClasses(*ParseNotifyClasses(text));
  };
  EXPECT_EQ(render(""), "");
  EXPECT_EQ(render("KEA"), "AKE");
  EXPECT_EQ(render("Elg"), "glE");
  EXPECT_EQ(render("KEn"), "nKE");
  EXPECT_EQ(render("nd"), "dn");
  EXPECT_EQ(render("KEAnm"), "AKEm");  // as Redis 7.0: n does not show after A
  EXPECT_EQ(render("nmdtexzhsl$"), "$lshzxetdnm");
}

TEST(NotifyClassesTest, ConfigFileAndConfigSetReadTheSetting) {
  Config config;
  ASSERT_TRUE(ApplyConfigText("notify-keyspace-events \"KEx\"\n", config).ok());
  EXPECT_EQ(config.notify_keyspace_events, kNotifyKeyspace | kNotifyKeyevent | kNotifyExpired);
  EXPECT_EQ(config.Get("notify-keyspace-events"), "xKE");
  EXPECT_TRUE(config.ignored_directives.empty());
  const absl::Status bad = ApplyConfigText("notify-keyspace-events KEq\n", config);
  EXPECT_NE(bad.message().find("Invalid event class character. Use 'Ag$lshzxeKEtmdn'."),
            absl::string_view::npos)
      << bad;
  const std::string_view set[] = {"notify-keyspace-events", ""};
  ASSERT_TRUE(config.Set(set).ok());
  EXPECT_EQ(config.notify_keyspace_events, 0u);
}

TEST(NotificationChannelsTest, BuildsBothChannelNames) {
  NotificationChannels channels;
  EXPECT_EQ(channels.Keyspace(0, "k"), "__keyspace@0__:k");
  EXPECT_EQ(channels.Keyevent(15, "expired"), "__keyevent@15__:expired");
  EXPECT_EQ(channels.Keyspace(123456, ""), "__keyspace@123456__:");
}

std::vector<std::string> Expired(std::string_view key, int db = 0) {
  const std::string db_text = std::to_string(db);
  return {"[\"pmessage\", \"__key*__:*\", \"__keyspace@" + db_text + "__:" + std::string(key) +
              "\", \"expired\"]",
          "[\"pmessage\", \"__key*__:*\", \"__keyevent@" + db_text + "__:expired\", \"" +
              std::string(key) + "\"]"};
}

class NotificationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Execute(subscriber_, {"PSUBSCRIBE", "__key*__:*"});
    TakeReplies(subscriber_);
    transport_.output_ready = 0;
  }
  void Execute(Client& client, std::vector<std::string_view> args) {
    engine_.Execute(client, args);
  }

  store::ManualClock clock_;
  ManualExecutor executor_{clock_};
  Engine engine_{clock_, Config{}, executor_};
  CountingTransport transport_;
  Client& subscriber_ = engine_.Register(&transport_);
  Client& writer_ = engine_.Register(nullptr);
};

TEST_F(NotificationsTest, NothingIsSentWhileTheSettingIsEmpty) {
  Execute(writer_, {"SET", "k", "v", "PX", "10"});
  Execute(writer_, {"DEL", "k"});
  engine_.AdvanceClock(100);
  EXPECT_TRUE(TakeReplies(subscriber_).empty());
  EXPECT_EQ(transport_.output_ready, 0);
}

TEST_F(NotificationsTest, AdvanceClockExpiresKeysWithAnEvent) {
  Execute(writer_, {"CONFIG", "SET", "notify-keyspace-events", "KEx"});
  Execute(writer_, {"SET", "k", "v", "PX", "100"});
  Execute(writer_, {"SET", "other", "v", "PX", "1000"});
  Execute(writer_, {"SELECT", "2"});
  Execute(writer_, {"SET", "k2", "v", "PX", "50"});
  EXPECT_TRUE(TakeReplies(subscriber_).empty());  // x alone: no set or expire event
  engine_.AdvanceClock(100);
  std::vector<std::string> expected = Expired("k");  // database by database
  for (std::string& line : Expired("k2", 2)) expected.push_back(line);
  EXPECT_EQ(TakeReplies(subscriber_), expected);
  EXPECT_GT(transport_.output_ready, 0);  // sent outside any request of its own
}

TEST_F(NotificationsTest, TheActiveExpiryCycleSendsExpired) {
  Execute(writer_, {"CONFIG", "SET", "notify-keyspace-events", "KEx"});
  Execute(writer_, {"SET", "k", "v", "PX", "100"});
  clock_.AdvanceMs(150);
  executor_.RunDue();  // the cron's ticks: the timing wheel hands over the due key
  EXPECT_EQ(TakeReplies(subscriber_), Expired("k"));
}

TEST_F(NotificationsTest, AnAccessAfterTheDeadlineSendsExpired) {
  Execute(writer_, {"CONFIG", "SET", "notify-keyspace-events", "KEA"});
  Execute(writer_, {"SET", "k", "v", "PX", "100"});
  TakeReplies(subscriber_);
  clock_.AdvanceMs(150);  // no tick runs: the key is still stored
  Execute(writer_, {"GET", "k"});
  EXPECT_EQ(TakeReplies(subscriber_), Expired("k"));
  // A write over an expired key: expired, then the write's own event.
  Execute(writer_, {"SET", "k", "v", "PX", "100"});
  TakeReplies(subscriber_);
  clock_.AdvanceMs(150);
  Execute(writer_, {"LPUSH", "k", "a"});
  std::vector<std::string> expected = Expired("k");
  expected.push_back("[\"pmessage\", \"__key*__:*\", \"__keyspace@0__:k\", \"lpush\"]");
  expected.push_back("[\"pmessage\", \"__key*__:*\", \"__keyevent@0__:lpush\", \"k\"]");
  EXPECT_EQ(TakeReplies(subscriber_), expected);
}

TEST_F(NotificationsTest, AKeyCreatedByAServedBlockedPopIsReportedOnce) {
  Execute(writer_, {"CONFIG", "SET", "notify-keyspace-events", "En"});
  Client& blocked = engine_.Register(nullptr);
  Execute(blocked, {"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"});
  ASSERT_TRUE(blocked.is_blocked());
  Execute(writer_, {"RPUSH", "src", "v"});
  EXPECT_FALSE(blocked.is_blocked());
  EXPECT_EQ(TakeReplies(subscriber_),
            (std::vector<std::string>{
                "[\"pmessage\", \"__key*__:*\", \"__keyevent@0__:new\", \"src\"]",
                "[\"pmessage\", \"__key*__:*\", \"__keyevent@0__:new\", \"dst\"]"}));
}

}  // namespace
}  // namespace understudy::engine
