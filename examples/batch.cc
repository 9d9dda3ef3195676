// Batch writes (the seed's performance tips): many SETs pipelined in one round trip with a
// Request and client.execute, then the same as one MULTI/EXEC transaction.

#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "client/request.h"
#include "examples/example.h"

namespace understudy::examples {
namespace {

void Run(RedisService& redis) {
  constexpr int kUsers = 500;
  auto client = redis.client();

  client::Request writes;
  std::vector<std::string> keys;
  for (int id = 0; id < kUsers; ++id) {
    keys.push_back("batch:user:" + std::to_string(id));
    writes.Add("SET", keys.back(), R"({"id":)" + std::to_string(id) + "}");
  }
  const auto start = std::chrono::steady_clock::now();
  const auto replies = client->execute(writes);
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  std::cout << "pipelined " << writes.size() << " SETs in one round trip: " << replies.size()
            << " replies in " << took.count() << " us\n";
  Check(replies.size() == kUsers, "one reply per command");
  for (const auto& reply : replies) Check(reply.str == "OK", "every SET answered OK");

  const auto values = client->mget(keys);
  Check(values.size() == kUsers && values[7] == R"({"id":7})" &&
            values[kUsers - 1] == R"({"id":)" + std::to_string(kUsers - 1) + "}",
        "MGET reads back every value");
  std::cout << "MGET read back " << values.size() << " values, e.g. " << keys[7] << " = "
            << *values[7] << "\n";

  client::Request counters;
  for (int i = 0; i < 10; ++i) counters.Add("INCR", "batch:counter");
  const auto counted = client->transaction(counters);
  std::cout << "MULTI/EXEC of " << counters.size() << " INCRs: last reply "
            << counted.back().integer << "\n";
  Check(counted.size() == 10 && counted.back().integer == 10, "the transaction ran every INCR");

  keys.push_back("batch:counter");
  const int64_t removed = client->del(keys);
  std::cout << "removed " << removed << " keys\n";
  Check(removed == kUsers + 1, "every key written was removed");
}

}  // namespace
}  // namespace understudy::examples

int main() { return understudy::examples::RunExample("batch", understudy::examples::Run); }
