// The mock provider served in-process (docs/modelapi-mock.md): optional latency before the
// answer and pacing between streamed chunks, both cancellable when the client leaves.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "servers/modelapi/gateway_impl.hpp"
#include "servers/modelapi/mock.hpp"

namespace kaos::modelapi::detail {

namespace {
namespace asio = boost::asio;

// False when the wait was cancelled (client gone).
net::Task<bool> sleep_for(std::chrono::milliseconds d) {
  if (d.count() <= 0) co_return true;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(d);
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

net::Task<void> pump_mock_stream(std::shared_ptr<std::vector<std::string>> payloads, MockSettings settings,
                                 std::shared_ptr<RequestScope> scope, net::BodyWriter& out) {
  if (!co_await sleep_for(settings.latency)) {
    scope->finish(499, "client_gone");
    co_return;
  }
  if (settings.chunk_delay.count() <= 0) {
    std::string all;
    for (const auto& p : *payloads) all += po::sse_data(p);
    all += po::kSseDone;
    if (!co_await out.write(all)) {
      scope->finish(499, "client_gone");
      co_return;
    }
    scope->finish(200);
    co_return;
  }
  for (std::size_t i = 0; i < payloads->size(); ++i) {
    if (i > 0 && !co_await sleep_for(settings.chunk_delay)) {
      scope->finish(499, "client_gone");
      co_return;
    }
    if (!co_await out.write(po::sse_data((*payloads)[i]))) {
      scope->finish(499, "client_gone");
      co_return;
    }
  }
  if (!co_await out.write(po::kSseDone)) {
    scope->finish(499, "client_gone");
    co_return;
  }
  scope->finish(200);
}
}  // namespace

net::Task<Attempt> Gateway::mock_chat(const Target& t, ChatCall& call) {
  const auto& settings = router_.deployment(t.deployment).mock;
  const auto reply = mock::reply_to(call.body.get_object(), settings);
  call.scope->add_usage(reply.usage);
  const auto created = po::unix_now();
  if (!call.info.stream) {
    if (!co_await sleep_for(settings.latency)) co_return Attempt{net::Response::empty(499), false, "client_gone"};
    co_return Attempt{net::Response::json(200, mock::completion_json(reply, call.info.model, created)), false, {}};
  }
  auto payloads = std::make_shared<std::vector<std::string>>(
      mock::chunk_payloads(reply, call.info.model, created, settings.chunks, call.info.include_usage));
  auto out = net::sse_response(200);
  out.stream = [payloads, settings, scope = call.scope, lease = call.lease](net::BodyWriter& w) {
    return pump_mock_stream(payloads, settings, scope, w);
  };
  co_return Attempt{std::move(out), false, {}};
}

}  // namespace kaos::modelapi::detail
