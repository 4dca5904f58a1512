#include "servers/mcp/transport_http.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "protocol/jsonrpc/message.hpp"

namespace kaos::mcp::http {
namespace asio = boost::asio;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

net::Response error(int status, int code, std::string message) {
  jsonrpc::ErrorObject err{code, std::move(message), std::nullopt};
  return net::Response::json(status, jsonrpc::error_json(nullptr, err));
}

net::Response refusal(const net::Request& req, int status, std::string message) {
  if (req.path.starts_with("/mcp")) return error(status, jsonrpc::kInvalidRequest, std::move(message));
  return net::Response::detail(status, message);
}

std::pair<bool, bool> accepts(const net::Request& req) {
  auto accept = req.headers.get("Accept");
  if (!accept || accept->empty()) return {true, true};
  auto a = lower(*accept);
  bool any = a.find("*/*") != std::string::npos;
  bool json = any || a.find("application/json") != std::string::npos || a.find("application/*") != std::string::npos;
  bool sse = any || a.find("text/event-stream") != std::string::npos;
  return {json, sse};
}

Task<void> pump(std::shared_ptr<detail::Session> session, std::shared_ptr<detail::Stream> stream, std::uint64_t after,
                std::shared_ptr<detail::Wakeup> wake, bool priming, const TransportOptions& options,
                net::BodyWriter& out, bool close_first) {
  using namespace asio::experimental::awaitable_operators;
  struct Detach {
    detail::Session& s;
    detail::Stream& st;
    std::shared_ptr<detail::Wakeup>& w;
    ~Detach() { s.detach(st, w); }
  } detach{*session, *stream, wake};

  net::SseWriter sse(out);
  if (priming) {
    std::string event = "id: " + detail::Session::event_id(*stream, after) +
                        "\nretry: " + std::to_string(options.retry_hint.count()) + "\ndata: \n\n";
    if (!co_await sse.raw(event)) co_return;
  }
  asio::steady_timer keepalive(co_await asio::this_coro::executor);
  for (;;) {
    auto batch = session->take(*stream, after, wake);
    for (const auto& e : batch.events) {
      if (!co_await sse.event(e.data, "message", detail::Session::event_id(*stream, e.seq))) co_return;
      after = e.seq;
    }
    if (!batch.events.empty()) session->mark_delivered(*stream, after);
    if (batch.finished) {
      session->forget(*stream);
      co_return;
    }
    if (batch.close || close_first) co_return;  // the client resumes with GET + Last-Event-ID
    if (!batch.events.empty()) continue;
    keepalive.expires_after(options.keepalive);
    std::size_t which = 0;
    try {
      auto woke = co_await (wake->async_receive(asio::use_awaitable) || keepalive.async_wait(asio::use_awaitable));
      which = woke.index();
    } catch (const std::exception&) {
      co_return;  // cancelled: the client went away or the server is stopping
    }
    if (which == 1 && !co_await sse.comment("keepalive")) co_return;
  }
}

}  // namespace kaos::mcp::http
