#pragma once
// TEMPORARY stand-in (lead's compile check); replaced by the helper's file.
#include <functional>
#include <memory>
#include <string>
namespace understudy::runtime {
class EngineStream {
 public:
  using OutputCallback = std::function<void(std::string bytes)>;
  using CloseCallback = std::function<void()>;
  void Write(std::string bytes);
  void Close();
};
}
