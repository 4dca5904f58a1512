#pragma once
// The HTTP/1.1 server: keep-alive, TCP_NODELAY, limits, streamed responses, graceful
// shutdown. One coroutine per connection on a strand; handlers run on that strand.
//
// Cancellation contract: when the client disconnects while its request is being handled
// (including mid-stream), the handler's coroutine receives terminal cancellation, so any
// awaited operation (an upstream call, a timer) completes with operation_aborted and the
// handler unwinds. Probes are ordinary handlers that do no I/O: nothing queues them behind
// other work because no handler blocks a thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "net/router.hpp"

namespace kaos::net {

struct ServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8000;                       ///< 0 picks a free port (see Server::port())
  std::size_t body_limit = 10 * 1024 * 1024;       ///< larger bodies get 413
  std::size_t header_limit = 16 * 1024;            ///< larger headers get 431
  std::chrono::milliseconds read_timeout{30'000};  ///< to receive a whole request once it began
  /// A new connection must send the first byte of its first request (TLS: finish its
  /// handshake) within this, else it is closed. Later requests on a keep-alive connection get
  /// `idle_timeout` instead.
  std::chrono::milliseconds first_byte_timeout{10'000};
  std::chrono::milliseconds idle_timeout{75'000};   ///< keep-alive idle connection lifetime
  std::chrono::milliseconds drain_timeout{10'000};  ///< graceful shutdown deadline
  std::chrono::milliseconds write_timeout{60'000};  ///< per response write (head, body, one chunk)
  /// Open connections at most. At the limit a new connection takes the place of the
  /// connection idle the longest (waiting for its first byte or its next request; never one in a
  /// handler); with none idle it is closed unanswered. The effective limit is lower when the
  /// process's open-file limit (RLIMIT_NOFILE, soft) leaves too little room: see
  /// Server::connection_limit().
  std::size_t max_connections = 10'000;
  /// Set when exactly one thread runs the executor's io_context (run_server does for
  /// threads == 1): connections then run on the executor itself instead of a strand of their
  /// own, which with one thread only adds a queue hop and executor copies to every completion.
  bool single_thread = false;
  /// TLS: when both are set the server speaks HTTPS only (PEM files; chain allowed).
  std::string tls_cert_file;
  std::string tls_key_file;
  /// Optional: a PEM CA bundle; when set, clients must present a certificate it signed.
  std::string tls_client_ca_file;
};

class Server {
 public:
  Server(Executor executor, ServerOptions options, std::shared_ptr<const Router> router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and listens; error when the address is unavailable. Call once.
  Result<void> listen();
  /// The bound port (after listen()).
  std::uint16_t port() const;
  /// Starts accepting (after listen()).
  void start();
  /// Graceful shutdown: stops accepting, closes idle connections, lets in-flight requests
  /// finish until the drain deadline, then closes the rest. Completes when all are closed.
  Task<void> shutdown();
  /// Number of open connections (for tests and metrics).
  std::size_t connection_count() const;
  /// The connection limit in force (after listen()): max_connections, or less when the
  /// open-file limit is lower: soft RLIMIT_NOFILE minus an eighth (at least 64) kept for
  /// upstream connections, files and the listening socket.
  std::size_t connection_limit() const;
  /// Idle connections closed to make room for new ones since the start.
  std::uint64_t connections_shed() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

/// Optional steps of a server process's life (run_server).
struct ServerHooks {
  /// Runs on the io_context before the port is bound (e.g. loading tools); an error is logged
  /// and the process exits with 1 without ever listening.
  std::function<Task<Result<void>>()> startup;
  /// Called with the bound port once listening.
  std::function<void(std::uint16_t)> on_listening;
  /// Called when SIGINT/SIGTERM arrives, before the graceful drain (e.g. to end long-lived
  /// streams that would otherwise hold the drain until its deadline).
  std::function<void()> on_shutdown;
};

/// Runs a server process: creates an io_context with `threads` threads (0 = hardware cores),
/// builds the router with `make_router` (which may create clients on the same executor),
/// runs hooks.startup, listens, calls hooks.on_listening with the bound port, serves until
/// SIGINT/SIGTERM, then shuts down gracefully. Returns 0, or 1 when startup or listening
/// failed (after logging why).
int run_server(ServerOptions options, unsigned threads,
               std::function<std::shared_ptr<const Router>(Executor)> make_router, ServerHooks hooks);
inline int run_server(ServerOptions options, unsigned threads,
                      std::function<std::shared_ptr<const Router>(Executor)> make_router,
                      std::function<void(std::uint16_t)> on_listening = {}) {
  return run_server(std::move(options), threads, std::move(make_router), ServerHooks{{}, std::move(on_listening), {}});
}

}  // namespace kaos::net
