// HttpClient connections: TLS context, keep-alive pool, connect (resolve, TCP, TLS), deadline.
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "net/descriptors.hpp"
#include "net/detail/client_impl.hpp"

namespace kaos::net::detail {

ClientConn::ClientConn(Executor ex, ssl::context* tls_ctx) : plain(ex) {
  if (tls_ctx) tls = std::make_unique<ssl::stream<tcp::socket>>(ex, *tls_ctx);
}

ClientState::ClientState(Executor ex, ClientOptions opts) : executor(ex), options(std::move(opts)) {}

ssl::context* ClientState::tls_context() {
  std::call_once(tls_once, [this] { make_tls(); });
  return tls ? &*tls : nullptr;
}

namespace {
/// Loads the CA, client certificate and key of `t` into `ctx`, each from its file or its PEM
/// text. Throws std::runtime_error naming what could not be loaded.
void load_tls_material(ssl::context& ctx, const TlsOptions& t) {
  boost::system::error_code ec;
  if (!t.ca_file.empty() && !t.ca_pem.empty()) throw std::runtime_error("give ca_file or ca_pem, not both");
  if (!t.cert_file.empty() && !t.cert_pem.empty()) throw std::runtime_error("give cert_file or cert_pem, not both");
  if (!t.key_file.empty() && !t.key_pem.empty()) throw std::runtime_error("give key_file or key_pem, not both");
  if (!t.ca_file.empty()) {
    ctx.load_verify_file(t.ca_file, ec);
    if (ec) throw std::runtime_error("cannot load CA file '" + t.ca_file + "': " + ec.message());
  }
  if (!t.ca_pem.empty()) {
    ctx.add_certificate_authority(asio::buffer(t.ca_pem), ec);
    if (ec) throw std::runtime_error("cannot load the CA certificate given as PEM data: " + ec.message());
  }
  const bool has_cert = !t.cert_file.empty() || !t.cert_pem.empty();
  const bool has_key = !t.key_file.empty() || !t.key_pem.empty();
  if (!has_cert && !has_key) return;
  if (!has_cert || !has_key) throw std::runtime_error("a client certificate needs both a certificate and a key");
  if (!t.cert_file.empty()) {
    ctx.use_certificate_chain_file(t.cert_file, ec);
    if (ec) throw std::runtime_error("cannot load client certificate '" + t.cert_file + "': " + ec.message());
  } else {
    ctx.use_certificate_chain(asio::buffer(t.cert_pem), ec);
    if (ec) throw std::runtime_error("cannot load the client certificate given as PEM data: " + ec.message());
  }
  if (!t.key_file.empty()) {
    ctx.use_private_key_file(t.key_file, ssl::context::pem, ec);
    if (ec) throw std::runtime_error("cannot load client key '" + t.key_file + "': " + ec.message());
  } else {
    ctx.use_private_key(asio::buffer(t.key_pem), ssl::context::pem, ec);
    if (ec) throw std::runtime_error("cannot load the client key given as PEM data: " + ec.message());
  }
}
}  // namespace

void ClientState::make_tls() {
  try {
    auto& ctx = tls.emplace(ssl::context::tls_client);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3);
    boost::system::error_code ec;
    ctx.set_default_verify_paths(ec);  // a missing system store is not fatal
    load_tls_material(ctx, options.tls);
    ctx.set_verify_mode(options.tls.verify ? ssl::verify_peer : ssl::verify_none);
  } catch (const std::exception& e) {
    tls.reset();
    tls_error = e.what();
  }
}

namespace {
/// False when the peer closed an idle connection (or sent something unexpected on it).
bool still_open(ClientConn& c) {
  char byte;
  ssize_t n = ::recv(c.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}
}  // namespace

PoolTicket::~PoolTicket() {
  if (auto s = state.lock()) s->ticket_returned(origin);
}

namespace {
void wake(const std::shared_ptr<PoolWaiter>& w) {
  asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
}
}  // namespace

PoolLease ClientState::try_checkout_locked(OriginPool& pool, const std::string& origin, bool reuse,
                                           std::vector<std::unique_ptr<ClientConn>>& dead) {
  auto now = Clock::now();
  while (reuse && !pool.idle.empty()) {
    auto c = std::move(pool.idle.back());
    pool.idle.pop_back();
    if (now - c->idle_since > options.idle_timeout || !still_open(*c)) {
      dead.push_back(std::move(c));  // its ticket comes back once the lock is released
      continue;
    }
    reused.fetch_add(1, std::memory_order_relaxed);
    return {std::move(c), nullptr};
  }
  const auto max = options.max_per_origin;
  bool room = max == 0 || pool.open < max;
  if (!room && !reuse && !pool.idle.empty()) {
    // A fresh connection is wanted (a reused one was stale): an idle one makes way.
    dead.push_back(std::move(pool.idle.back()));
    pool.idle.pop_back();
    room = true;
  }
  if (!room) return {};
  ++pool.open;
  return {nullptr, std::make_unique<PoolTicket>(weak_from_this(), origin)};
}

Task<Result<PoolLease>> ClientState::checkout(const std::string& origin, Clock::time_point deadline, bool reuse) {
  auto ex = co_await asio::this_coro::executor;
  std::shared_ptr<PoolWaiter> waiter;
  {
    std::vector<std::unique_ptr<ClientConn>> dead;  // destroyed after the lock below
    std::lock_guard lock(mu);
    auto& pool = pools[origin];
    auto lease = try_checkout_locked(pool, origin, reuse, dead);
    if (lease.conn || lease.ticket) co_return std::move(lease);
    waiter = std::make_shared<PoolWaiter>(ex);
    waiter->timer.expires_at(deadline);
    pool.waiters.push_back(waiter);
    waits.fetch_add(1, std::memory_order_relaxed);
  }
  // A grant cancels the timer through a post to this executor, which runs only after the wait
  // below has started (the connections dropped above may already have granted one).
  auto [ec] = co_await waiter->timer.async_wait(kTuple);
  std::lock_guard lock(mu);
  if (waiter->conn) {
    reused.fetch_add(1, std::memory_order_relaxed);
    co_return PoolLease{std::move(waiter->conn), nullptr};
  }
  if (waiter->may_connect) co_return PoolLease{nullptr, std::make_unique<PoolTicket>(weak_from_this(), origin)};
  auto& queue = pools[origin].waiters;
  queue.erase(std::remove(queue.begin(), queue.end(), waiter), queue.end());
  if (Clock::now() >= deadline)
    co_return Error::timeout("waiting for a free connection to " + origin + " (" +
                             std::to_string(options.max_per_origin) + " in use): request deadline passed");
  co_return cancelled_error();
}

void ClientState::release(std::unique_ptr<ClientConn> conn) {
  conn->idle_since = Clock::now();
  std::unique_ptr<ClientConn> surplus;  // closed after the lock: its ticket comes back
  std::shared_ptr<PoolWaiter> waiter;
  {
    std::lock_guard lock(mu);
    auto& pool = pools[conn->origin];
    if (!pool.waiters.empty()) {
      waiter = std::move(pool.waiters.front());
      pool.waiters.pop_front();
      waiter->conn = std::move(conn);
    } else if (pool.idle.size() < options.max_idle_per_origin) {
      pool.idle.push_back(std::move(conn));
    } else {
      surplus = std::move(conn);
    }
  }
  if (waiter) wake(waiter);
}

void ClientState::ticket_returned(const std::string& origin) {
  std::shared_ptr<PoolWaiter> waiter;
  {
    std::lock_guard lock(mu);
    auto it = pools.find(origin);
    if (it == pools.end()) return;
    auto& pool = it->second;
    if (pool.open > 0) --pool.open;
    if (!pool.waiters.empty() && (options.max_per_origin == 0 || pool.open < options.max_per_origin)) {
      waiter = std::move(pool.waiters.front());
      pool.waiters.pop_front();
      waiter->may_connect = true;
      ++pool.open;  // the waiter's ticket
    }
  }
  if (waiter) wake(waiter);
}

std::size_t ClientState::idle_count() {
  std::lock_guard lock(mu);
  std::size_t n = 0;
  for (auto& [origin, pool] : pools) n += pool.idle.size();
  return n;
}

std::size_t ClientState::open_count() {
  std::lock_guard lock(mu);
  std::size_t n = 0;
  for (auto& [origin, pool] : pools) n += pool.open;
  return n;
}

namespace {

// (Re)opens `socket` for `endpoint` and marks it close-on-exec, which Asio's own open cannot.
boost::system::error_code open_close_on_exec(tcp::socket& socket, const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  socket.close(ec);
  socket.open(endpoint.protocol(), ec);
  if (!ec && !set_close_on_exec(socket.native_handle())) ec.assign(errno, boost::system::system_category());
  return ec;
}

}  // namespace

Error cancelled_error() {
  return Error{ErrorKind::cancelled, "request cancelled"};
}

void ClientExchange::arm(Clock::time_point when) {
  auto gen = ++watchdog_->generation;
  timer_.expires_at(when);
  timer_.async_wait([wd = watchdog_, gen](const boost::system::error_code& ec) {
    if (ec || wd->generation != gen) return;
    wd->fired = true;
    boost::system::error_code ignored;
    if (wd->conn) wd->conn->socket().cancel(ignored);
    if (wd->resolver) wd->resolver->cancel();
  });
}

Error ClientExchange::io_error(const boost::system::error_code& ec, std::string_view what) const {
  if (watchdog_->fired) return Error::timeout(std::string(what) + ": request deadline passed");
  if (ec == asio::error::operation_aborted) return cancelled_error();
  return Error::io(std::string(what) + ": " + ec.message());
}

Task<Result<std::unique_ptr<ClientConn>>> ClientExchange::connect(const Url& url, std::unique_ptr<PoolTicket> ticket) {
  auto ex = co_await asio::this_coro::executor;
  ssl::context* tls_ctx = url.tls() ? state_->tls_context() : nullptr;
  if (url.tls() && !tls_ctx) co_return Error{ErrorKind::connect, "TLS is not available: " + state_->tls_error};
  auto conn = std::make_unique<ClientConn>(ex, tls_ctx);
  conn->origin = url.origin();
  conn->ticket = std::move(ticket);
  auto connect_deadline = std::min(deadline_, Clock::now() + state_->options.connect_timeout);
  arm(connect_deadline);
  auto where = url.host + ":" + std::to_string(url.port);
  auto fail = [&](const boost::system::error_code& ec) -> Error {
    if (watchdog_->fired) {
      if (Clock::now() >= deadline_) return Error::timeout("connect to " + where + ": request deadline passed");
      return Error{ErrorKind::connect, "connect to " + where + " timed out"};
    }
    if (ec == asio::error::operation_aborted) return cancelled_error();
    return Error{ErrorKind::connect, "cannot connect to " + where + ": " + ec.message()};
  };

  boost::system::error_code ec;
  auto address = asio::ip::make_address(url.host, ec);
  if (!ec) {
    tcp::endpoint endpoint(address, url.port);
    watchdog_->conn = conn.get();
    ec = open_close_on_exec(conn->socket(), endpoint);
    if (!ec) std::tie(ec) = co_await conn->socket().async_connect(endpoint, kTuple);
  } else {
    tcp::resolver resolver(ex);
    watchdog_->resolver = &resolver;
    auto [rec, results] = co_await resolver.async_resolve(url.host, std::to_string(url.port), kTuple);
    watchdog_->resolver = nullptr;
    if (rec) co_return fail(rec);
    watchdog_->conn = conn.get();
    // One endpoint at a time rather than asio::async_connect, which opens each socket itself.
    ec = asio::error::host_not_found;
    for (const auto& entry : results) {
      ec = open_close_on_exec(conn->socket(), entry.endpoint());
      if (!ec) std::tie(ec) = co_await conn->socket().async_connect(entry.endpoint(), kTuple);
      if (!ec || watchdog_->fired || ec == asio::error::operation_aborted) break;
    }
  }
  if (ec) co_return fail(ec);
  conn->socket().set_option(tcp::no_delay(true), ec);
  if (conn->tls) {
    // The name the certificate must carry: the configured override, else the URL's host.
    const std::string& peer_name = state_->options.tls.server_name.empty() ? url.host : state_->options.tls.server_name;
    boost::system::error_code not_ip;
    asio::ip::make_address(peer_name, not_ip);
    if (not_ip) SSL_set_tlsext_host_name(conn->tls->native_handle(), peer_name.c_str());
    if (state_->options.tls.verify) conn->tls->set_verify_callback(ssl::host_name_verification(peer_name));
    std::tie(ec) = co_await conn->tls->async_handshake(ssl::stream_base::client, kTuple);
    if (ec) {
      if (watchdog_->fired || ec == asio::error::operation_aborted) co_return fail(ec);
      co_return Error{ErrorKind::connect, "TLS handshake with " + where + " failed: " + ec.message()};
    }
  }
  state_->opened.fetch_add(1, std::memory_order_relaxed);
  watchdog_->conn = nullptr;
  arm(deadline_);
  co_return std::move(conn);
}

}  // namespace kaos::net::detail
