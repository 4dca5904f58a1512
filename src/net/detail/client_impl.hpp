#pragma once
// HttpClient internals: pooled connections, the per-request deadline watchdog and the
// exchange (one request/response on one connection).
//
// Thread model: an exchange runs on the awaiting coroutine's executor (a server handler's
// strand). Sockets may move between strands through the pool; they carry no timers of their
// own, so every completion and the deadline watchdog run on the current owner's executor.
#include <atomic>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "net/client.hpp"
#include "net/detail/beast.hpp"

namespace kaos::net::detail {

using Clock = std::chrono::steady_clock;

struct ClientState;

/// One connection's place in its origin's count (ClientOptions::max_per_origin): given back
/// when destroyed, however the connection ends (closed, dropped as stale, never connected).
struct PoolTicket {
  PoolTicket(std::weak_ptr<ClientState> s, std::string o) : state(std::move(s)), origin(std::move(o)) {}
  ~PoolTicket();
  PoolTicket(const PoolTicket&) = delete;
  PoolTicket& operator=(const PoolTicket&) = delete;
  std::weak_ptr<ClientState> state;
  std::string origin;
};

struct ClientConn {
  ClientConn(Executor ex, ssl::context* tls_ctx);
  tcp::socket& socket() { return tls ? tls->next_layer() : plain; }
  template <class F>
  decltype(auto) with_stream(F&& f) {
    if (tls) return f(*tls);
    return f(plain);
  }

  tcp::socket plain;
  std::unique_ptr<ssl::stream<tcp::socket>> tls;  ///< set for https (owns its own socket)
  beast::flat_buffer buffer;
  std::string head;  ///< serialized request head, reused across requests
  std::string origin;
  Clock::time_point idle_since{};
  std::unique_ptr<PoolTicket> ticket;  ///< set for every connection the pool counts
};

/// What checkout gives: an idle connection to reuse, or the right to open one (a ticket).
struct PoolLease {
  std::unique_ptr<ClientConn> conn;
  std::unique_ptr<PoolTicket> ticket;
};

/// A request waiting for a connection to its origin. Granted under the state's mutex; woken
/// by cancelling `timer` on its own executor.
struct PoolWaiter {
  explicit PoolWaiter(Executor ex) : timer(ex) {}
  asio::steady_timer timer;
  std::unique_ptr<ClientConn> conn;  ///< handed over by release
  bool may_connect = false;          ///< a slot freed: open a connection
};

/// Cancels the current connection's I/O when the deadline passes. Lives on the exchange's
/// executor; `generation` makes a stale expiry harmless after re-arming.
struct Watchdog {
  bool fired = false;
  std::uint64_t generation = 0;
  ClientConn* conn = nullptr;
  tcp::resolver* resolver = nullptr;
};

struct ClientState : std::enable_shared_from_this<ClientState> {
  ClientState(Executor ex, ClientOptions opts);

  Executor executor;
  ClientOptions options;
  std::optional<ssl::context> tls;
  std::string tls_error;  ///< why `tls` could not be set up (bad CA file, ...)
  /// Builds `tls` on first https use (an OpenSSL context costs tens of milliseconds).
  ssl::context* tls_context();
  std::once_flag tls_once;
  void make_tls();

  struct OriginPool {
    std::vector<std::unique_ptr<ClientConn>> idle;
    std::size_t open = 0;  ///< tickets out: connections in use, idle or being opened
    std::deque<std::shared_ptr<PoolWaiter>> waiters;
  };
  std::mutex mu;
  std::unordered_map<std::string, OriginPool> pools;
  std::atomic<std::uint64_t> opened{0};
  std::atomic<std::uint64_t> reused{0};
  std::atomic<std::uint64_t> waits{0};

  /// An idle, still-open connection to `origin` (unless `reuse` is false), or a ticket to open
  /// one; at max_per_origin waits for either until `deadline`. Errors: timeout, cancelled.
  Task<Result<PoolLease>> checkout(const std::string& origin, Clock::time_point deadline, bool reuse);
  /// Returns a connection after a complete exchange: to a waiter, else to the idle list.
  void release(std::unique_ptr<ClientConn> conn);
  /// A ticket came back (its connection is gone): a waiter may open one.
  void ticket_returned(const std::string& origin);
  std::size_t idle_count();
  std::size_t open_count();

 private:
  /// With `mu` held: an idle live connection (dead ones move to `dead`), or a ticket if there
  /// is room; else an empty lease.
  PoolLease try_checkout_locked(OriginPool& pool, const std::string& origin, bool reuse,
                                std::vector<std::unique_ptr<ClientConn>>& dead);
};

/// A request URL as the client uses it: parsed, with its pool key.
struct ParsedUrl {
  Url url;
  std::string origin;  ///< url.origin()
};

/// One request on one connection, then its response body as a stream.
class ClientExchange final : public ResponseStream {
 public:
  ClientExchange(std::shared_ptr<ClientState> state, Executor ex, Clock::time_point deadline);
  ~ClientExchange() override;

  /// Connects or reuses, writes the request and reads the response head. Retries once on a
  /// fresh connection when a reused one turns out to be stale.
  Task<Result<void>> start(const ParsedUrl& url, const ClientRequest& req);
  int status() const override { return status_; }
  const Headers& headers() const override { return headers_; }
  /// Moves the response headers out (HttpClient::send, which owns the exchange).
  Headers take_headers() { return std::move(headers_); }
  Task<Result<std::optional<std::string>>> next() override;
  /// Appends the rest of the body to `out` (bounded by max_response_body).
  Task<Result<void>> read_body(std::string& out);

 private:
  Task<Result<void>> attempt(const ParsedUrl& url, const ClientRequest& req, bool& stale);
  Task<Result<std::unique_ptr<ClientConn>>> connect(const Url& url, std::unique_ptr<PoolTicket> ticket);
  /// Writes the request through a Beast message (headers the fast path leaves to Beast).
  Task<boost::system::error_code> write_with_beast(const Url& url, const ClientRequest& req, http::verb verb);
  /// Reads body bytes into [data, data+size); returns how many arrived (0 at the end).
  Task<Result<std::size_t>> read_some(char* data, std::size_t size);
  void arm(Clock::time_point when);
  Error io_error(const boost::system::error_code& ec, std::string_view what) const;
  void finish();
  void drop_conn();  ///< closes the connection (never pooled) and detaches the watchdog

  std::shared_ptr<ClientState> state_;
  asio::steady_timer timer_;
  std::shared_ptr<Watchdog> watchdog_;
  Clock::time_point deadline_;
  std::unique_ptr<ClientConn> conn_;
  std::optional<http::response_parser<http::buffer_body>> parser_;
  int status_ = 0;
  Headers headers_;
  bool done_ = false;
  std::string scratch_;
};

Error cancelled_error();

}  // namespace kaos::net::detail
