// List commands in process, where the conformance cases cannot go: node sizes.
#include "gtest/gtest.h"
#include "server/engine/engine.h"
#include "store/list_value.h"
#include "tests/engine/engine_fixture.h"

namespace understudy::engine {
namespace {

using ListsTest = EngineTest;

TEST_F(ListsTest, NewListsFollowListMaxListpackSize) {
  engine_.keyspace().encoding().list_max_listpack_size = 2;
  EXPECT_EQ(Run({"RPUSH", "k", "a", "b", "c", "d", "e"}), ":5");
  Run({"RPUSH", "src", "x"});
  Run({"LMOVE", "src", "moved", "LEFT", "RIGHT"});
  store::Database& db = engine_.keyspace().db(0);
  EXPECT_EQ(db.Find("k")->as<store::ListValue>().node_count(), 3u);
  EXPECT_EQ(db.Find("moved")->as<store::ListValue>().fill(), 2);
}

}  // namespace
}  // namespace understudy::engine
