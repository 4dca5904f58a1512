#pragma once
// Internal to the Streamable HTTP transport: one MCP session's streams and event store.
//
// A Stream is an ordered list of server-to-client messages: the answers and related messages
// of one POST (its requests), or the session's standalone stream (GET). Every message gets a
// sequence number and stays in the stream's bounded event store, so a client whose connection
// broke can resume with Last-Event-ID ("<stream>_<seq>"). At most one HTTP response consumes
// a stream at a time; producers (the SessionHandler, from any thread) wake it through a
// one-slot concurrent channel.
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/task.hpp"
#include "servers/mcp/session_handler.hpp"

namespace kaos::mcp::detail {

namespace asio = boost::asio;
using Wakeup = asio::experimental::concurrent_channel<void(boost::system::error_code)>;

struct Event {
  std::uint64_t seq = 0;
  std::string data;
};

struct Stream {
  std::string id;  ///< unique within the session; the standalone stream is "0"
  bool standalone = false;
  bool json_only = false;  ///< the client accepts no SSE: related messages go elsewhere
  std::deque<Event> events;
  std::uint64_t next_seq = 1;
  std::uint64_t delivered = 0;       ///< last sequence written to a consumer (standalone stream)
  std::size_t unanswered = 0;        ///< requests of this POST still without a response
  bool close_requested = false;      ///< end the current HTTP response (SEP-1699 polling)
  std::shared_ptr<Wakeup> consumer;  ///< the attached HTTP response, if any
  bool finished() const { return !standalone && unanswered == 0; }
};

/// What a consumer takes from a stream in one step.
struct Batch {
  std::vector<Event> events;
  bool finished = false;
  bool close = false;
};

/// One session: implements Outbound for its handler. All state is guarded by `mu`.
class Session : public Outbound, public std::enable_shared_from_this<Session> {
 public:
  /// `client`: who opened the session (client_identity()), for the per-client limit.
  Session(std::string id, std::size_t replay_events, std::string client = {});

  const std::string& id() const { return id_; }
  const std::string& client() const { return client_; }

  // Outbound (thread-safe).
  void respond(const json::value& id, std::string message) override;
  void send(std::string message, const json::value& related) override;
  void close_stream(const json::value& related) override;

  /// A new stream for the requests of one POST (their ids).
  std::shared_ptr<Stream> open_post_stream(const std::vector<json::value>& request_ids, bool json_only);
  /// The stream Last-Event-ID points into, and the sequence to resume after; nullopt when
  /// unknown (evicted or never existed).
  std::shared_ptr<Stream> find_stream_for_event(std::string_view last_event_id, std::uint64_t& after);
  std::shared_ptr<Stream> standalone() const { return standalone_; }

  /// Takes the events after `after`; when there are none and the stream is neither finished
  /// nor asked to close, registers `consumer` to be woken by the next message.
  Batch take(Stream& stream, std::uint64_t after, const std::shared_ptr<Wakeup>& consumer);
  /// Attaches `consumer` as the stream's only reader; false when another one is attached.
  bool attach(Stream& stream, const std::shared_ptr<Wakeup>& consumer);
  void detach(Stream& stream, const std::shared_ptr<Wakeup>& consumer);
  /// Records that a consumer wrote everything up to `seq`.
  void mark_delivered(Stream& stream, std::uint64_t seq);
  /// Drops a finished stream whose events were all delivered.
  void forget(const Stream& stream);

  /// Registers the cancellation of an in-flight request (notifications/cancelled).
  void track_request(const json::value& id, net::Executor executor, std::shared_ptr<asio::cancellation_signal> signal);
  /// Cancels `id`: its coroutine gets terminal cancellation and its stream stops waiting for
  /// an answer. False when it is not in flight.
  bool cancel_request(const json::value& id);

  /// Event id on the wire for `seq` of `stream`.
  static std::string event_id(const Stream& stream, std::uint64_t seq);

  void set_handler(std::shared_ptr<SessionHandler> handler);
  std::shared_ptr<SessionHandler> handler() const;
  void set_initialize_id(const json::value& id);
  std::string protocol_version() const;
  void set_protocol_version(std::string version);

  /// Marks activity now; idle = no request in flight, no stream attached.
  void touch();
  bool idle_since(std::chrono::steady_clock::time_point before) const;
  std::chrono::steady_clock::time_point last_active() const;
  std::size_t open_streams() const;
  /// Ends everything: wakes every consumer (their responses end) and closes the handler.
  void close();
  bool closed() const;

 private:
  void push(Stream& stream, std::string data);  // mu held
  static void wake(Stream& stream);             // mu held
  void retire_streams();                        // mu held: bounds retained finished streams

  struct InFlight {
    std::shared_ptr<Stream> stream;
    net::Executor executor;
    std::shared_ptr<asio::cancellation_signal> cancel;
  };

  const std::string id_;
  const std::size_t replay_events_;
  const std::string client_;
  mutable std::mutex mu_;
  std::shared_ptr<SessionHandler> handler_;
  std::string protocol_version_;
  std::string initialize_key_;
  std::map<std::string, std::shared_ptr<Stream>, std::less<>> streams_;
  std::map<std::string, InFlight, std::less<>> requests_;  ///< key: serialized request id
  std::shared_ptr<Stream> standalone_;
  std::uint64_t next_stream_ = 1;
  std::chrono::steady_clock::time_point last_active_;
  bool closed_ = false;
};

/// The map key of a JSON-RPC id (ids are strings or numbers; 1 and "1" differ).
std::string request_key(const json::value& id);

}  // namespace kaos::mcp::detail
