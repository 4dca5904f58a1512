// RedisClient: one connection, driven from a strand. Every call is a coroutine spawned on the
// strand that takes the connection through a FIFO lock, (re)connects if needed, writes its
// commands and reads exactly as many replies. Timeouts are watchdog timers that close the
// socket, which fails the pending operation; the call then reports "timeout".
#include <poll.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <exception>
#include <optional>

#include "clients/redis/redis_client.hpp"
#include "clients/redis/resp.hpp"

namespace kaos::clients::redis {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Reply = Result<std::vector<RedisReply>>;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string ms(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}
}  // namespace

struct RedisClient::Impl : std::enable_shared_from_this<Impl> {
  // A caller queued behind the connection's current user. `granted` distinguishes the hand-over
  // (release cancels the timer) from a cancellation of the waiting caller.
  struct Waiter {
    explicit Waiter(const asio::strand<net::Executor>& s) : timer(s, asio::steady_timer::time_point::max()) {}
    asio::steady_timer timer;
    bool granted = false;
  };

  // Closes the connection when `limit` passes before it is disarmed (destroyed).
  class Watchdog {
   public:
    Watchdog(const std::shared_ptr<Impl>& s, std::chrono::milliseconds limit)
        : state_(std::make_shared<State>()), timer_(s->strand, limit) {
      timer_.async_wait([weak = std::weak_ptr<Impl>(s), st = state_](boost::system::error_code ec) {
        if (ec || st->disarmed) return;  // a completed wait can still be queued after disarming
        st->fired = true;
        if (auto alive = weak.lock()) alive->close_connection();
      });
    }
    ~Watchdog() {
      state_->disarmed = true;
      timer_.cancel();
    }
    bool fired() const { return state_->fired; }

   private:
    struct State {
      bool fired = false;
      bool disarmed = false;
    };
    std::shared_ptr<State> state_;
    asio::steady_timer timer_;
  };

  Impl(net::Executor ex, RedisOptions o)
      : strand(asio::make_strand(ex)),
        options(std::move(o)),
        endpoint(parse_redis_url(options.url)),
        address(endpoint ? endpoint->address() : options.url),
        socket(strand),
        resolver(strand) {}

  asio::strand<net::Executor> strand;
  const RedisOptions options;
  const Result<RedisEndpoint> endpoint;
  const std::string address;
  // Everything below is touched only on the strand (or after the last call finished).
  tcp::socket socket;
  tcp::resolver resolver;
  std::optional<detail::ReplyReader> reader;  // present while connected
  bool busy = false;                          // a call owns the connection
  std::deque<std::shared_ptr<Waiter>> waiters;
  std::array<char, 16 * 1024> buffer{};

  void close_connection() {
    boost::system::error_code ignored;
    resolver.cancel();
    socket.close(ignored);
    reader.reset();
  }

  // An idle connection has nothing to read; readable means the server closed it (restart,
  // idle timeout) or broke protocol. Checking before use avoids failing a call on a
  // connection that was already dead while Redis itself is fine.
  bool stale() {
    pollfd p{socket.native_handle(), POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;
  }

  Error failure(const Watchdog& dog, std::chrono::milliseconds limit, std::string_view what,
                boost::system::error_code ec) const {
    if (dog.fired()) return Error::timeout("redis " + address + ": no " + std::string(what) + " within " + ms(limit));
    if (ec == asio::error::eof) return Error::io("redis " + address + ": the server closed the connection");
    return Error::io("redis " + address + ": " + std::string(what) + " failed: " + ec.message());
  }

  net::Task<bool> acquire() {
    if (!busy) {
      busy = true;
      co_return true;
    }
    auto w = std::make_shared<Waiter>(strand);
    waiters.push_back(w);
    co_await w->timer.async_wait(kTuple);
    if (w->granted) co_return true;
    std::erase(waiters, w);  // the waiting caller was cancelled
    co_return false;
  }

  void release() {
    if (waiters.empty()) {
      busy = false;
      return;
    }
    auto next = std::move(waiters.front());
    waiters.pop_front();
    next->granted = true;  // `busy` stays set: ownership passes directly to the next caller
    next->timer.cancel();
  }

  // Writes `payload` and reads `count` replies on the open connection.
  net::Task<Reply> exchange(const std::string& payload, std::size_t count, const Watchdog& dog,
                            std::chrono::milliseconds limit) {
    auto [wec, written] = co_await asio::async_write(socket, asio::buffer(payload), kTuple);
    if (wec) co_return failure(dog, limit, "write", wec);
    std::vector<RedisReply> replies;
    replies.reserve(count);
    while (replies.size() < count) {
      auto next = reader->next();
      if (!next) co_return Error::io("redis " + address + ": " + next.error().message);
      if (*next) {
        replies.push_back(std::move(**next));
        continue;
      }
      auto [rec, n] = co_await socket.async_read_some(asio::buffer(buffer), kTuple);
      if (rec) co_return failure(dog, limit, "reply", rec);
      if (auto fed = reader->feed(std::string_view(buffer.data(), n)); !fed)
        co_return Error::io("redis " + address + ": " + fed.error().message);
    }
    co_return replies;
  }

  static net::Task<Result<void>> connect(std::shared_ptr<Impl> s) {
    const RedisEndpoint& ep = *s->endpoint;
    const auto limit = s->options.connect_timeout;
    Watchdog dog(s, limit);
    auto [rec, results] = co_await s->resolver.async_resolve(ep.host, std::to_string(ep.port), kTuple);
    if (rec) co_return s->failure(dog, limit, "connection", rec);
    boost::system::error_code cec = asio::error::host_not_found;
    // One endpoint at a time (not asio::async_connect), so a watchdog close ends the attempt
    // instead of moving on to the next address.
    for (const auto& entry : results) {
      boost::system::error_code ignored;
      s->socket.close(ignored);
      std::tie(cec) = co_await s->socket.async_connect(entry.endpoint(), kTuple);
      if (!cec || dog.fired()) break;
    }
    if (cec || dog.fired()) {
      s->close_connection();
      co_return s->failure(dog, limit, "connection", cec);
    }
    boost::system::error_code ignored;
    s->socket.set_option(tcp::no_delay(true), ignored);
    s->reader.emplace();

    std::string hello;
    std::size_t count = 0;
    if (!ep.password.empty()) {
      std::vector<std::string> auth{"AUTH"};
      if (!ep.user.empty()) auth.push_back(ep.user);
      auth.push_back(ep.password);
      detail::encode_command(auth, hello);
      ++count;
    }
    if (ep.db != 0) {
      std::vector<std::string> select{"SELECT", std::to_string(ep.db)};
      detail::encode_command(select, hello);
      ++count;
    }
    if (count == 0) co_return Result<void>();
    auto replies = co_await s->exchange(hello, count, dog, limit);
    if (!replies) {
      s->close_connection();
      co_return replies.error();
    }
    for (const auto& r : *replies) {
      if (!r.is_error()) continue;
      s->close_connection();
      const bool auth = !ep.password.empty() && &r == &replies->front();
      co_return Error::io("redis " + s->address + ": " + (auth ? "AUTH" : "SELECT") + " was refused: " + r.str);
    }
    co_return Result<void>();
  }

  static net::Task<Reply> run_locked(std::shared_ptr<Impl> s, const std::string& payload, std::size_t count) {
    if (s->socket.is_open() && s->stale()) s->close_connection();
    if (!s->socket.is_open()) {
      auto connected = co_await connect(s);
      if (!connected) co_return connected.error();
    }
    const auto limit = s->options.command_timeout;
    Watchdog dog(s, limit);
    auto replies = co_await s->exchange(payload, count, dog, limit);
    if (!replies) s->close_connection();  // the stream position is unknown now
    co_return replies;
  }

  // Runs on the strand. std::optional because co_spawn needs a default-constructible result.
  static net::Task<std::optional<Reply>> run(std::shared_ptr<Impl> s, std::string payload, std::size_t count) {
    if (!s->endpoint) co_return Reply(s->endpoint.error());
    if (!co_await s->acquire())
      co_return Reply(Error{ErrorKind::cancelled, "redis " + s->address + ": call cancelled"});
    std::optional<Reply> out;
    try {
      out = co_await run_locked(s, payload, count);
    } catch (const std::exception& e) {
      s->close_connection();
      out = Reply(Error::io("redis " + s->address + ": " + e.what()));
    }
    s->release();
    co_return out;
  }
};

RedisClient::RedisClient(net::Executor executor, RedisOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options))) {}

// Pending calls hold the state; an idle connection closes with it, on this thread (nothing
// else touches it then, and no running io_context is needed).
RedisClient::~RedisClient() = default;

const std::string& RedisClient::address() const {
  return impl_->address;
}

net::Task<Result<RedisReply>> RedisClient::command(std::vector<std::string> argv) {
  // Redis answers nothing to an empty command; waiting for that reply would only time out.
  if (argv.empty()) co_return Error::invalid("redis " + impl_->address + ": empty command");
  std::string payload;
  detail::encode_command(argv, payload);
  auto impl = impl_;
  auto replies = co_await asio::co_spawn(impl->strand, Impl::run(impl, std::move(payload), 1), asio::use_awaitable);
  if (!*replies) co_return replies->error();
  co_return std::move((*replies)->front());
}

net::Task<Result<std::vector<RedisReply>>> RedisClient::pipeline(std::vector<std::vector<std::string>> commands) {
  if (commands.empty()) co_return std::vector<RedisReply>();
  std::string payload;
  for (const auto& c : commands) {
    if (c.empty()) co_return Error::invalid("redis " + impl_->address + ": empty command in pipeline");
    detail::encode_command(c, payload);
  }
  auto impl = impl_;
  auto replies =
      co_await asio::co_spawn(impl->strand, Impl::run(impl, std::move(payload), commands.size()), asio::use_awaitable);
  co_return std::move(*replies);
}

}  // namespace kaos::clients::redis
