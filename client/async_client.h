#pragma once

#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "asio/any_io_executor.hpp"
#include "asio/associated_executor.hpp"
#include "asio/async_result.hpp"
#include "asio/post.hpp"
#include "asio/execution/outstanding_work.hpp"
#include "asio/prefer.hpp"
#include "client/command.h"
#include "client/connection.h"
#include "client/error.h"
#include "client/options.h"
#include "client/request.h"
#include "client/script.h"
#include "resp/reply.h"

namespace understudy::client {

// The asynchronous client, with Asio completion tokens: callbacks, asio::use_future,
// asio::use_awaitable (C++20 coroutines), asio::deferred. Thread-safe: commands issued at the
// same time from many coroutines or threads share its one connection, go out coalesced in one
// write, and get their replies in order (automatic pipelining).
//
// Completion signatures:
//   async_connect:  void(std::exception_ptr)
//   async_command, async_eval:  void(std::exception_ptr, resp::Reply) - an error reply is an
//                               Error(kServer)
//   async_execute:  void(std::exception_ptr, std::vector<resp::Reply>) - error replies as values
// Handlers run on their associated executor (by default the client's), always posted: never
// inside the connection's reply processing, so that a handler that throws (the exception leaves
// io_context::run, as Asio's do) cannot leave the connection half-way through its replies.
class AsyncClient {
 public:
  AsyncClient(asio::any_io_executor executor, Options options)
      : connection_(Connection::Create(std::move(executor), std::move(options))) {}
  ~AsyncClient() { connection_->Close(); }
  AsyncClient(const AsyncClient&) = delete;
  AsyncClient& operator=(const AsyncClient&) = delete;

  // Pushes (RESP3 Pub/Sub on this shared connection, invalidations) go here, on the client's
  // strand. Set before connecting.
  void set_push_handler(Connection::PushHandler handler) {
    connection_->set_push_handler(std::move(handler));
  }

  template <typename Token>
  auto async_connect(Token&& token) {
    return asio::async_initiate<Token, void(std::exception_ptr)>(
        [connection = connection_](auto handler) {
          auto work = TrackWork(handler, connection->strand());
          connection->Connect([handler = std::move(handler),
                               work = std::move(work)](std::exception_ptr error) mutable {
            asio::post(work, [handler = std::move(handler), error]() mutable { handler(error); });
          });
        },
        token);
  }

  template <typename Token>
  auto async_execute(Request request, Token&& token) {
    return asio::async_initiate<Token, void(std::exception_ptr, std::vector<resp::Reply>)>(
        [connection = connection_](auto handler, Request request) {
          auto work = TrackWork(handler, connection->strand());
          connection->Submit(std::move(request),
                             [handler = std::move(handler), work = std::move(work)](
                                 std::exception_ptr error, std::vector<resp::Reply> replies) mutable {
                               asio::post(work, [handler = std::move(handler),
                                                         error,
                                                         replies = std::move(replies)]() mutable {
                                 handler(error, std::move(replies));
                               });
                             });
        },
        token, std::move(request));
  }

  template <typename Token>
  auto async_command(const Command& command, Token&& token) {
    return asio::async_initiate<Token, void(std::exception_ptr, resp::Reply)>(
        [connection = connection_](auto handler, Request request) {
          auto work = TrackWork(handler, connection->strand());
          connection->Submit(std::move(request),
                             [handler = std::move(handler), work = std::move(work)](
                                 std::exception_ptr error, std::vector<resp::Reply> replies) mutable {
                               CompleteOne(std::move(handler), work, error, std::move(replies));
                             });
        },
        token, Request(command));
  }

  // The script by EVALSHA, falling back to EVAL (which loads it) when the server answers
  // NOSCRIPT. Completes as async_command does.
  template <typename Token>
  auto async_eval(const Script& script, std::vector<std::string> keys,
                  std::vector<std::string> args, Token&& token) {
    return asio::async_initiate<Token, void(std::exception_ptr, resp::Reply)>(
        [connection = connection_](auto handler, Request by_sha, Request by_source) {
          auto work = TrackWork(handler, connection->strand());
          connection->Submit(
              std::move(by_sha),
              [connection, by_source = std::move(by_source), handler = std::move(handler),
               work = std::move(work)](std::exception_ptr error,
                                       std::vector<resp::Reply> replies) mutable {
                if (error || !Script::IsNoScript(replies.front())) {
                  return CompleteOne(std::move(handler), work, error, std::move(replies));
                }
                connection->Submit(std::move(by_source),
                                   [handler = std::move(handler), work = std::move(work)](
                                       std::exception_ptr error,
                                       std::vector<resp::Reply> replies) mutable {
                                     CompleteOne(std::move(handler), work, error,
                                                 std::move(replies));
                                   });
              });
        },
        token, Request(script.EvalSha(keys, args)), Request(script.Eval(keys, args)));
  }

  void close() { connection_->Close(); }
  bool connected() const { return connection_->connected(); }
  resp::Protocol protocol() const { return connection_->protocol(); }
  const Options& options() const { return connection_->options(); }
  ConnectionStats stats() const { return connection_->stats(); }

 private:
  // Hands a one-command request's reply to the handler, on its executor; an error reply is
  // thrown as Error(kServer).
  template <typename Handler, typename Work>
  static void CompleteOne(Handler handler, const Work& work, std::exception_ptr error,
                          std::vector<resp::Reply> replies) {
    resp::Reply reply;
    if (!error) {
      reply = std::move(replies.front());
      if (reply.is_error()) error = std::make_exception_ptr(Error::FromServer(reply.str));
    }
    asio::post(work, [handler = std::move(handler), error, reply = std::move(reply)]() mutable {
      handler(error, std::move(reply));
    });
  }

  // The handler's executor (the client's strand by default), kept busy until the handler ran:
  // a work guard would not do, as a strand of any_io_executor has no on_work_started.
  template <typename Handler>
  static auto TrackWork(const Handler& handler, const asio::strand<asio::any_io_executor>& strand) {
    return asio::prefer(asio::get_associated_executor(handler, strand),
                        asio::execution::outstanding_work.tracked);
  }

  std::shared_ptr<Connection> connection_;
};

}  // namespace understudy::client
