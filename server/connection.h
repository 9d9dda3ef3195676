#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <system_error>

#include "asio/ip/tcp.hpp"
#include "resp/request_parser.h"
#include "server/engine/client.h"
#include "server/engine/engine.h"

namespace understudy::server {

class Server;

// Frees input storage (see AllocateInput in connection.cc); `mapped` is the size of a block
// mapped from the kernel, 0 for one from the heap.
struct InputDeleter {
  size_t mapped = 0;
  void operator()(char* bytes) const;
};
using InputBytes = std::unique_ptr<char[], InputDeleter>;

// One client socket: the transport of one engine client. Reads into a reusable buffer, runs
// the complete requests in it, and sends their replies together, so pipelined requests cost
// one syscall each way. Whatever the client does, it costs bounded memory and other clients
// keep being served:
// - a pipeline runs in slices of at most kSliceCommands requests or kSliceBytes of input, and
//   the event loop serves others between slices;
// - requests wait (and reading stops) while the output it holds (waiting, or being sent) is
//   over client-output-pause-threshold, so a client that does not read its replies costs about
//   that much;
// - input is read ahead only a little beyond the last complete request, a large bulk argument
//   is read in bounded steps straight into storage of its announced size whose pages cost
//   memory only as bytes arrive, and input over client-query-buffer-limit closes the client;
// - buffers that grew for one large request or reply are given back once done.
// While its client is blocked (BLPOP) or paused, its requests wait in the buffer.
class Connection : public std::enable_shared_from_this<Connection>, public engine::ClientTransport {
 public:
  Connection(asio::ip::tcp::socket socket, engine::Engine& engine, Server& server);

  void Start();
  // Closes the socket at once; pending replies are dropped.
  void Close();
  uint64_t id() const { return id_; }

  void OutputReady() override;
  void Resumed() override;
  void RequestClose() override;
  engine::BufferFigures buffers() const override;

 private:
  // Why RunRequests stopped.
  enum class Stop {
    kNeedInput,  // no complete request left
    kSliceDone,  // this turn's share is used up; more requests are ready
    kWaiting,    // blocked, paused on output, or closing
  };

  // Runs requests, sends replies, and reads or yields, as the client's state allows.
  void Serve();
  Stop RunRequests();
  void Read();
  void OnRead(const std::error_code& error, size_t bytes);
  void Flush();
  void OnWritten(const std::error_code& error, size_t bytes);
  // Whether requests wait for the output held to drain (see client-output-pause-threshold).
  bool OutputPaused() const;
  // Bytes taken from the client's output that the socket has not taken yet.
  size_t OutputInFlight() const { return writing_.size() - written_; }
  // Makes room after the buffered input for the rest of the request being parsed (`wanted`
  // bytes when the parser knows, else a read's worth). False if memory ran out.
  bool MakeRoom(size_t wanted);
  // Storage for a large bulk argument (wanted: the bytes still to come) that the store may
  // adopt as a value: it is read in place with room before it (store::MappedBulk).
  bool MapLargeBulk(size_t wanted);
  // Runs the parsed request, offering the store its large bulk if it has one; returns the
  // input block if the store adopted it (the block is the store's from then on), else null.
  const char* ExecuteOfferingBulk();
  // After an adoption: moves the input left after the request into fresh storage. False (the
  // client is closing) if memory ran out.
  bool MoveLeftoverFrom(const char* adopted);
  // Moves the unconsumed input into fresh storage of `capacity` bytes.
  bool Reallocate(size_t capacity);
  // Gives back storage that grew for a large request once little input is left in it.
  void CompactInput();

  asio::ip::tcp::socket socket_;
  engine::Engine& engine_;
  Server& server_;
  engine::Client* client_;  // owned by the engine; null once closed
  uint64_t id_;
  resp::RequestParser parser_;

  InputBytes input_;
  size_t input_capacity_ = 0;
  size_t input_begin_ = 0;  // first unconsumed byte
  size_t input_end_ = 0;    // one past the last received byte
  size_t input_peak_ = 0;   // largest input storage so far, for CLIENT LIST's rbp
  size_t bulk_at_ = 0;      // where MapLargeBulk put the bulk being read; 0: none
  bool starved_ = true;     // the input holds no complete request: reading may go on

  std::string writing_;  // replies the socket is sending; the rest wait in client_->output
  size_t written_ = 0;   // bytes of writing_ already sent
  bool reading_ = false;
  bool writing_in_flight_ = false;
  bool serve_posted_ = false;
  bool closed_ = false;
  // A request of this client is running. A busy script serves the event loop from inside it,
  // where this connection's own reads, writes and posted work may complete: they must not
  // re-enter it (nor close it) until the request is done.
  bool executing_ = false;
  bool close_deferred_ = false;
};

}  // namespace understudy::server
