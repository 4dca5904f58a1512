#pragma once
// Server internals shared by server.cpp (listen, accept, shutdown) and server_session.cpp.
#include <atomic>
#include <mutex>
#include <optional>
#include <unordered_set>

#include "net/detail/beast.hpp"
#include "net/server.hpp"

namespace kaos::net::detail {

/// One accepted connection as the server sees it. Everything here is touched only on
/// `strand` (the connection's own strand, or the server's executor when it runs on one
/// thread), except the atomics, which the accept loop reads under the server's mutex to pick
/// the connection to shed; registry membership is guarded by that mutex.
struct ConnState {
  using Clock = std::chrono::steady_clock;
  explicit ConnState(Executor ex) : strand(ex), timer(ex) {}

  Executor strand;
  tcp::socket* socket = nullptr;  ///< valid while the session runs
  /// Waiting for the first byte of a request (or, with TLS, in the handshake): a connection
  /// the server may close to make room. Written on `strand` only.
  std::atomic<bool> idle{true};
  std::atomic<Clock::rep> idle_since{Clock::now().time_since_epoch().count()};
  /// Chosen to make room: closed at once if idle, else at its next idle moment.
  std::atomic<bool> shed{false};

  // One lazily re-armed timer enforces whichever deadline applies (idle, read, write): moving
  // the deadline later costs nothing; the timer re-arms itself when it fires early.
  asio::steady_timer timer;
  Clock::time_point deadline = Clock::time_point::max();
  Clock::time_point armed = Clock::time_point::max();

  // Disconnect watch while a handler runs (plain TCP): emits terminal cancellation into the
  // session coroutine, which is spawned bound to `cancel`.
  asio::cancellation_signal cancel;
  bool in_handler = false;
  bool watch_pending = false;
  char peek_byte = 0;  ///< target of the watch's peeking receive (never consumed)
  bool gone = false;
};

/// Sets the connection's deadline; when it passes the socket is closed. `max()` disables it.
void set_deadline(const std::shared_ptr<ConnState>& c, ConnState::Clock::time_point when);

struct ServerState;
Task<void> serve_connection(std::shared_ptr<ServerState> impl, std::shared_ptr<ConnState> conn, tcp::socket socket);

/// Everything the server shares with its connections (Server::Impl derives from it).
struct ServerState : std::enable_shared_from_this<ServerState> {
  ServerState(Executor ex, ServerOptions opts, std::shared_ptr<const Router> r)
      : executor(ex),
        strand(asio::make_strand(ex)),
        options(std::move(opts)),
        router(std::move(r)),
        acceptor(strand),
        drained(strand) {}

  Executor executor;
  Executor strand;  ///< acceptor and shutdown bookkeeping
  ServerOptions options;
  std::shared_ptr<const Router> router;
  tcp::acceptor acceptor;
  std::optional<ssl::context> tls;
  std::uint16_t port = 0;
  std::atomic<bool> stopping{false};
  asio::steady_timer drained;  ///< on `strand`; cancelled when the last connection ends

  std::size_t limit = 0;  ///< connection_limit(), set by listen()
  std::atomic<std::uint64_t> shed_total{0};

  mutable std::mutex mu;
  std::unordered_set<std::shared_ptr<ConnState>> conns;
  std::size_t shedding = 0;  ///< members of `conns` chosen to make room, not yet closed

  std::size_t count() const {
    std::lock_guard lock(mu);
    return conns.size();
  }
  /// Registers a new connection if there is room, making room by shedding the connection idle
  /// the longest when at the limit. False: no room (every connection is busy).
  bool admit(const std::shared_ptr<ConnState>& c);
  /// Picks the connection idle the longest and has it closed. False when none is idle.
  bool shed_oldest_idle();
  /// With `mu` held: marks the connection idle the longest as shed; null when none is idle.
  std::shared_ptr<ConnState> pick_victim_locked();
  void remove(const std::shared_ptr<ConnState>& c);
  /// Posts `close` to every connection (all of them, or only idle ones).
  void close_connections(bool only_idle);
  Task<void> accept_loop();
  Task<void> do_shutdown();
};

}  // namespace kaos::net::detail
