// HttpClient: URL parsing, retries with backoff and full jitter, send/open on exchanges.
#include "net/client.hpp"

#include "core/backoff.hpp"
#include "net/detail/client_impl.hpp"

namespace kaos::net {

using namespace detail;

struct HttpClient::Impl : ClientState {
  using ClientState::ClientState;
};

namespace {

bool retryable_status(int status) {
  return status == 429 || status >= 500;
}

// Full jitter: many callers retrying the same upstream at once spread out.
std::chrono::milliseconds backoff_delay(const RetryPolicy& p, int attempt) {
  return Backoff{p.initial_backoff, p.max_backoff, 0.0}.delay(attempt);
}

/// `text` parsed, from a small per-thread cache: a gateway sends request after request to the
/// same few URLs, and parsing one (Boost.URL, several strings) cost more than the rest of the
/// client's per-request bookkeeping. Shared, so a suspended caller keeps its copy alive.
Result<std::shared_ptr<const ParsedUrl>> parsed_url(const std::string& text) {
  thread_local std::unordered_map<std::string, std::shared_ptr<const ParsedUrl>> cache;
  if (auto it = cache.find(text); it != cache.end()) return it->second;
  auto url = parse_url(text);
  if (!url) return url.error();
  auto parsed = std::make_shared<const ParsedUrl>(ParsedUrl{*url, url->origin()});
  if (cache.size() >= 64) cache.clear();  // bounded: callers with ever-changing URLs just miss
  cache.emplace(text, parsed);
  return parsed;
}

/// Opens an exchange, retrying per the request's policy. Any failure is a value.
Task<Result<std::unique_ptr<ClientExchange>>> open_with_retries(std::shared_ptr<ClientState> state,
                                                                const ClientRequest& req) {
  auto url = parsed_url(req.url);
  if (!url) co_return url.error();
  auto ex = co_await asio::this_coro::executor;
  const auto deadline = Clock::now() + req.timeout;
  const int attempts = req.retryable ? std::max(1, req.retry.max_attempts) : 1;
  try {
    for (int attempt = 1;; ++attempt) {
      auto exchange = std::make_unique<ClientExchange>(state, ex, deadline);
      auto started = co_await exchange->start(**url, req);
      bool again = attempt < attempts &&
                   (started ? retryable_status(exchange->status()) : started.error().kind == ErrorKind::connect);
      if (!again) {
        if (!started) co_return started.error();
        co_return std::move(exchange);
      }
      auto delay = backoff_delay(req.retry, attempt);
      if (Clock::now() + delay >= deadline) {  // no time left to retry: the last answer stands
        if (!started) co_return started.error();
        co_return std::move(exchange);
      }
      exchange.reset();  // closes a connection whose body we will not read
      asio::steady_timer pause(ex, delay);
      auto [ec] = co_await pause.async_wait(kTuple);
      if (ec) co_return cancelled_error();
    }
  } catch (const boost::system::system_error&) {
    co_return cancelled_error();
  }
}

}  // namespace

Task<Result<std::string>> ResponseStream::read_all() {
  std::string out;
  for (;;) {
    auto piece = co_await next();
    if (!piece) co_return piece.error();
    if (!*piece) co_return out;
    out += **piece;
  }
}

HttpClient::HttpClient(Executor executor, ClientOptions options)
    : impl_(std::make_shared<Impl>(executor, std::move(options))) {}

HttpClient::~HttpClient() = default;

Task<Result<ClientResponse>> HttpClient::send(ClientRequest request) {
  try {
    auto opened = co_await open_with_retries(impl_, request);
    if (!opened) co_return opened.error();
    auto& exchange = **opened;
    ClientResponse res;
    res.status = exchange.status();
    res.headers = exchange.take_headers();
    auto body = co_await exchange.read_body(res.body);
    if (!body) co_return body.error();
    co_return res;
  } catch (const boost::system::system_error&) {
    co_return cancelled_error();  // co_await after the caller was cancelled
  }
}

Task<Result<std::unique_ptr<ResponseStream>>> HttpClient::open(ClientRequest request) {
  try {
    auto opened = co_await open_with_retries(impl_, request);
    if (!opened) co_return opened.error();
    co_return std::unique_ptr<ResponseStream>(std::move(*opened));
  } catch (const boost::system::system_error&) {
    co_return cancelled_error();
  }
}

HttpClient::Stats HttpClient::stats() const {
  Stats s;
  s.connections_opened = impl_->opened.load(std::memory_order_relaxed);
  s.connections_reused = impl_->reused.load(std::memory_order_relaxed);
  s.waits = impl_->waits.load(std::memory_order_relaxed);
  s.idle = impl_->idle_count();
  s.open = impl_->open_count();
  return s;
}

}  // namespace kaos::net
