// TEMPORARY stand-in (lead's branch); replaced by the helper's implementation.
#include "server/runtime/engine_stream.h"
#include <stdexcept>
#include "server/runtime/engine_host.h"
namespace understudy::runtime {
std::shared_ptr<EngineStream> EngineHost::OpenStream(std::function<void(std::string)>, std::function<void()>) {
  throw std::logic_error("EngineStream not merged yet");
}
void EngineStream::Write(std::string) {}
void EngineStream::Close() {}
}
