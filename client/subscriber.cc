#include "client/subscriber.h"

#include <future>
#include <utility>

#include "client/error.h"
#include "spdlog/spdlog.h"

namespace understudy::client {
Subscriber::Subscriber(Options options) : work_(asio::make_work_guard(io_)) {
  options.reconnect.enabled = true;
  connection_ = Connection::Create(io_.get_executor(), std::move(options));
  connection_->set_push_handler([this](const resp::Reply& push) { OnPush(push); });
  thread_ = std::thread([this] { io_.run(); });
}

Subscriber::~Subscriber() {
  close();
  work_.reset();
  thread_.join();
}

void Subscriber::close() { connection_->Close(); }

void Subscriber::Send(Request request) {
  if (std::this_thread::get_id() == thread_.get_id()) {
    // From a handler, on the I/O thread: waiting here would stop the very thread that reads
    // the confirmation. Sent without waiting; a refusal is logged.
    connection_->Submit(std::move(request), [](std::exception_ptr error,
                                               std::vector<resp::Reply> replies) {
      try {
        if (error) std::rethrow_exception(error);
        for (const resp::Reply& reply : replies) {
          if (reply.is_error()) throw Error::FromServer(reply.str);
        }
      } catch (const Error& failure) {
        spdlog::error("Pub/Sub request from a handler failed: {}", failure.what());
      }
    });
    return;
  }
  auto connected = std::make_shared<std::promise<void>>();
  connection_->Connect([connected](std::exception_ptr error) {
    if (error) return connected->set_exception(error);
    connected->set_value();
  });
  connected->get_future().get();
  auto answered = std::make_shared<std::promise<std::vector<resp::Reply>>>();
  connection_->Submit(std::move(request), [answered](std::exception_ptr error,
                                                     std::vector<resp::Reply> replies) {
    if (error) return answered->set_exception(error);
    answered->set_value(std::move(replies));
  });
  for (const resp::Reply& reply : answered->get_future().get()) {
    if (reply.is_error()) throw Error::FromServer(reply.str);
  }
}

void Subscriber::Subscribe(MessageKind kind, std::string_view verb,
                           const std::vector<std::string>& names, Handler handler) {
  {
    std::lock_guard lock(mutex_);
    for (const std::string& name : names) handlers_[static_cast<int>(kind)][name] = handler;
  }
  Send(Request(Command(verb).args(names)));
}

void Subscriber::Unsubscribe(MessageKind kind, std::string_view verb,
                             const std::vector<std::string>& names) {
  Send(Request(Command(verb).args(names)));
  std::lock_guard lock(mutex_);
  auto& handlers = handlers_[static_cast<int>(kind)];
  if (names.empty()) {
    handlers.clear();
    return;
  }
  for (const std::string& name : names) handlers.erase(name);
}

void Subscriber::subscribe(const std::vector<std::string>& channels, Handler handler) {
  Subscribe(MessageKind::kChannel, "SUBSCRIBE", channels, std::move(handler));
}
void Subscriber::psubscribe(const std::vector<std::string>& patterns, Handler handler) {
  Subscribe(MessageKind::kPattern, "PSUBSCRIBE", patterns, std::move(handler));
}
void Subscriber::ssubscribe(const std::vector<std::string>& channels, Handler handler) {
  Subscribe(MessageKind::kShard, "SSUBSCRIBE", channels, std::move(handler));
}
void Subscriber::unsubscribe(const std::vector<std::string>& channels) {
  Unsubscribe(MessageKind::kChannel, "UNSUBSCRIBE", channels);
}
void Subscriber::punsubscribe(const std::vector<std::string>& patterns) {
  Unsubscribe(MessageKind::kPattern, "PUNSUBSCRIBE", patterns);
}
void Subscriber::sunsubscribe(const std::vector<std::string>& channels) {
  Unsubscribe(MessageKind::kShard, "SUNSUBSCRIBE", channels);
}

void Subscriber::OnPush(const resp::Reply& push) {
  const auto& parts = push.elements;
  if (parts.empty()) return;
  const std::string& word = parts[0].str;
  Message message;
  std::string key;
  if (word == "message" && parts.size() == 3) {
    message = {MessageKind::kChannel, parts[1].str, "", parts[2].str};
    key = message.channel;
  } else if (word == "smessage" && parts.size() == 3) {
    message = {MessageKind::kShard, parts[1].str, "", parts[2].str};
    key = message.channel;
  } else if (word == "pmessage" && parts.size() == 4) {
    message = {MessageKind::kPattern, parts[2].str, parts[1].str, parts[3].str};
    key = message.pattern;
  } else {
    return;  // confirmations and other pushes
  }
  Handler handler;
  {
    std::lock_guard lock(mutex_);
    const auto& handlers = handlers_[static_cast<int>(message.kind)];
    const auto it = handlers.find(key);
    if (it == handlers.end()) return;
    handler = it->second;
  }
  try {
    handler(message);
  } catch (const std::exception& error) {
    spdlog::error("Pub/Sub handler for {} threw: {}", key, error.what());
  } catch (...) {
    spdlog::error("Pub/Sub handler for {} threw a non-standard exception", key);
  }
}

}  // namespace understudy::client
