// Server: listen, accept loop, connection registry, graceful shutdown.
#include "net/server.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <cerrno>

#include "net/background.hpp"
#include "net/descriptors.hpp"
#include "net/detail/server_impl.hpp"

namespace kaos::net {

using namespace detail;

struct Server::Impl : ServerState {
  using ServerState::ServerState;
};

void ServerState::remove(const std::shared_ptr<ConnState>& c) {
  bool last = false;
  {
    std::lock_guard lock(mu);
    if (conns.erase(c) > 0 && c->shed.load()) --shedding;
    last = conns.empty();
  }
  if (last && stopping.load()) asio::post(strand, [self = shared_from_this()] { self->drained.cancel(); });
}

void ServerState::close_connections(bool only_idle) {
  std::vector<std::shared_ptr<ConnState>> all;
  {
    std::lock_guard lock(mu);
    all.assign(conns.begin(), conns.end());
  }
  for (auto& c : all) {
    asio::post(c->strand, [c, only_idle] {
      boost::system::error_code ignored;
      if (c->socket && (!only_idle || c->idle)) c->socket->close(ignored);
    });
  }
}

std::shared_ptr<ConnState> ServerState::pick_victim_locked() {
  // A linear scan, only at the limit: keeping an ordered idle list instead would put a lock
  // on every request's idle/busy transition.
  std::shared_ptr<ConnState> victim;
  auto oldest = ConnState::Clock::rep{};
  for (const auto& c : conns) {
    if (!c->idle.load(std::memory_order_relaxed) || c->shed.load(std::memory_order_relaxed)) continue;
    auto since = c->idle_since.load(std::memory_order_relaxed);
    if (!victim || since < oldest) {
      victim = c;
      oldest = since;
    }
  }
  if (!victim) return nullptr;
  victim->shed.store(true);
  ++shedding;
  shed_total.fetch_add(1, std::memory_order_relaxed);
  return victim;
}

namespace {
/// Closes a shed connection if it is still idle; a busy one ends at its next idle moment.
void close_if_idle(const std::shared_ptr<ConnState>& c) {
  asio::post(c->strand, [c] {
    boost::system::error_code ignored;
    if (c->socket && c->idle.load()) c->socket->close(ignored);
  });
}
}  // namespace

bool ServerState::shed_oldest_idle() {
  std::shared_ptr<ConnState> victim;
  {
    std::lock_guard lock(mu);
    victim = pick_victim_locked();
  }
  if (victim) close_if_idle(victim);
  return victim != nullptr;
}

bool ServerState::admit(const std::shared_ptr<ConnState>& c) {
  std::shared_ptr<ConnState> victim;
  {
    std::lock_guard lock(mu);
    if (conns.size() - shedding >= limit) {
      victim = pick_victim_locked();
      if (!victim) return false;
    }
    conns.insert(c);
  }
  if (victim) close_if_idle(victim);
  return true;
}

Task<void> ServerState::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    // One thread: the executor itself serializes a connection's work (see single_thread).
    Executor conn_ex = options.single_thread ? executor : Executor(asio::make_strand(executor));
    auto [ec, socket] = co_await acceptor.async_accept(conn_ex, kTuple);
    if (ec) {
      if (stopping.load() || !acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
      if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space) {
        // Out of descriptors (the connection limit leaves room for upstream sockets and files,
        // but something else may have taken it): free one if any connection is idle, and
        // pause rather than spin on a backlog accept() cannot take.
        spdlog::warn("net: accept failed: {} ({} connections open)", ec.message(), count());
        shed_oldest_idle();
        asio::steady_timer pause(strand, std::chrono::milliseconds(20));
        co_await pause.async_wait(kTuple);
      } else {
        spdlog::warn("net: accept failed: {}", ec.message());
      }
      continue;
    }
    set_close_on_exec(socket.native_handle());  // Asio's accept() cannot ask for it
    auto conn = std::make_shared<ConnState>(socket.get_executor());
    if (!admit(conn)) {
      boost::system::error_code ignored;
      socket.close(ignored);  // every connection is busy in a handler: no room
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto ex = conn->strand;
    // Bound to the connection's signal; the aliasing pointer keeps `conn` (and so the signal)
    // alive until the session has completed.
    spawn_background(ex, serve_connection(self, conn, std::move(socket)), "net: connection",
                     std::shared_ptr<asio::cancellation_signal>(conn, &conn->cancel));
  }
}

Task<void> ServerState::do_shutdown() {
  auto self = shared_from_this();
  stopping.store(true);
  boost::system::error_code ignored;
  acceptor.close(ignored);
  close_connections(true);
  auto wait_until = [&](std::chrono::steady_clock::time_point deadline) -> Task<void> {
    while (count() > 0 && std::chrono::steady_clock::now() < deadline) {
      drained.expires_at(deadline);
      co_await drained.async_wait(kTuple);
    }
  };
  co_await wait_until(std::chrono::steady_clock::now() + options.drain_timeout);
  if (count() > 0) {
    spdlog::warn("net: drain deadline passed with {} connection(s) open; closing them", count());
    close_connections(false);
    co_await wait_until(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  }
}

Server::Server(Executor executor, ServerOptions options, std::shared_ptr<const Router> router)
    : impl_(std::make_shared<Impl>(executor, std::move(options), std::move(router))) {}

Server::~Server() {
  impl_->stopping.store(true);
  asio::post(impl_->strand, [impl = impl_] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
    impl->close_connections(false);
  });
}

Result<void> Server::listen() {
  auto& o = impl_->options;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(o.host == "localhost" ? "127.0.0.1" : o.host, ec);
  if (ec) return Error::invalid("invalid listen address '" + o.host + "': " + ec.message());
  if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
    if (o.tls_cert_file.empty() || o.tls_key_file.empty())
      return Error::invalid("TLS needs both tls_cert_file and tls_key_file");
    auto& ctx = impl_->tls.emplace(ssl::context::tls_server);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    ctx.use_certificate_chain_file(o.tls_cert_file, ec);
    if (ec) return Error::invalid("cannot load TLS certificate '" + o.tls_cert_file + "': " + ec.message());
    ctx.use_private_key_file(o.tls_key_file, ssl::context::pem, ec);
    if (ec) return Error::invalid("cannot load TLS key '" + o.tls_key_file + "': " + ec.message());
    if (!o.tls_client_ca_file.empty()) {
      ctx.load_verify_file(o.tls_client_ca_file, ec);
      if (ec) return Error::invalid("cannot load client CA '" + o.tls_client_ca_file + "': " + ec.message());
      ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    }
  }
  tcp::endpoint endpoint(address, o.port);
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec && !set_close_on_exec(acc.native_handle())) ec.assign(errno, boost::system::system_category());
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acc.close();
    return Error::io("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + ec.message());
  }
  impl_->port = acc.local_endpoint(ec).port();
  impl_->limit = o.max_connections;
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    // Leave room for upstream connections, files and the listening socket.
    auto soft = static_cast<std::size_t>(files.rlim_cur);
    auto reserve = std::max<std::size_t>(64, soft / 8);
    auto room = soft > 2 * reserve ? soft - reserve : soft / 2;
    if (room < impl_->limit) {
      spdlog::info("net: open-file limit {} allows {} connections (max_connections {})", soft, room, impl_->limit);
      impl_->limit = room;
    }
  }
  impl_->limit = std::max<std::size_t>(impl_->limit, 1);
  return {};
}

std::uint16_t Server::port() const {
  return impl_->port;
}

void Server::start() {
  spawn_background(impl_->strand, impl_->accept_loop(), "net: accept loop");
}

Task<void> Server::shutdown() {
  auto impl = impl_;
  co_await asio::co_spawn(impl->strand, impl->do_shutdown(), asio::use_awaitable);
}

std::size_t Server::connection_count() const {
  return impl_->count();
}

std::size_t Server::connection_limit() const {
  return impl_->limit;
}

std::uint64_t Server::connections_shed() const {
  return impl_->shed_total.load(std::memory_order_relaxed);
}

}  // namespace kaos::net
