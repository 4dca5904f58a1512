// OpenAI-compatible upstreams: the request body is forwarded as received (re-serialized only
// when the model name changes), the answer passes through unchanged. Streams are forwarded
// event by event as the raw upstream bytes; the SSE parser only watches for usage.
#include <boost/json/serialize.hpp>

#include "core/json.hpp"
#include "protocol/openai/errors.hpp"
#include "servers/modelapi/gateway_impl.hpp"
#include "servers/modelapi/sse_forward.hpp"

namespace kaos::modelapi::detail {

namespace {
// The body to send: the original bytes when the model name is unchanged.
std::string upstream_body(json::value& body, const std::string& raw, std::string_view requested,
                          const std::string& upstream_model) {
  if (requested == upstream_model) return raw;
  json::object copy(body.get_object(), json::storage_ptr());
  copy["model"] = upstream_model;
  return kaos::to_json(copy);
}

net::Response passthrough(int status, std::string body, const net::Headers& upstream_headers) {
  net::Response out;
  out.status = status;
  out.body = std::move(body);
  out.headers.add("Content-Type", upstream_headers.get("content-type").value_or("application/json"));
  return out;
}

net::Task<void> pump_openai_stream(std::shared_ptr<Gateway> gw, std::shared_ptr<net::ResponseStream> up,
                                   std::shared_ptr<RequestScope> scope, std::size_t deployment, net::BodyWriter& out) {
  auto outcome = co_await forward_sse(*up, out, [&scope](const po::Usage& u) { scope->add_usage(u); });
  switch (outcome.kind) {
    case ForwardOutcome::Kind::completed:
      scope->finish(200);
      break;
    case ForwardOutcome::Kind::client_gone:
      scope->finish(499, "client_gone");
      break;
    case ForwardOutcome::Kind::upstream_failed: {
      gw->deployment_failed(deployment);
      const auto err =
          po::error_json("upstream stream failed: " + outcome.error, po::kApiError, {}, "upstream_stream_error");
      co_await out.write(po::sse_data(err) + std::string(po::kSseDone));
      scope->finish(200, "upstream_stream_error");
      break;
    }
  }
}

/// A streamed chat: the upstream's SSE body is forwarded event by event.
net::Task<Attempt> openai_chat_stream(Gateway& gw, const Target& t, ChatCall& call, net::ClientRequest creq) {
  creq.headers.add("Accept", "text/event-stream");
  auto opened = co_await gw.client().open(std::move(creq));
  if (!opened) co_return gw.upstream_error(opened.error(), t, call.scope->model());
  std::shared_ptr<net::ResponseStream> stream(std::move(*opened));
  if (stream->status() != 200) {
    auto body = co_await stream->read_all();
    co_return gw.upstream_status(
        t, stream->status(), passthrough(stream->status(), body ? std::move(*body) : std::string(), stream->headers()));
  }
  gw.deployment_ok(t.deployment);
  auto out = net::sse_response(200);
  out.stream = [gw = gw.shared_from_this(), stream, scope = call.scope, lease = call.lease,
                d = t.deployment](net::BodyWriter& w) { return pump_openai_stream(gw, stream, scope, d, w); };
  co_return Attempt{std::move(out), false, {}};
}

/// The outcome of a non-streamed chat from the upstream's answer. A plain function: its
/// temporaries stay off openai_chat's coroutine frame (see chat.cpp on frame size).
Attempt openai_chat_answer(Gateway& gw, const Target& t, ChatCall& call, net::ClientResponse& res) {
  const int status = res.status;
  auto out = passthrough(status, std::move(res.body), res.headers);
  if (status < 200 || status >= 300) return gw.upstream_status(t, status, std::move(out));
  gw.deployment_ok(t.deployment);
  if (auto u = po::extract_usage(out.body)) call.scope->add_usage(*u);
  return Attempt{std::move(out), false, {}};
}
}  // namespace

net::Task<Attempt> Gateway::openai_chat(const Target& t, ChatCall& call) {
  auto creq = upstream_request(t, t.api_base + "/chat/completions",
                               upstream_body(call.body, call.raw, call.info.model, t.upstream_model));
  if (call.info.stream) co_return co_await openai_chat_stream(*this, t, call, std::move(creq));
  auto res = co_await client_.send(std::move(creq));
  if (!res) co_return upstream_error(res.error(), t, call.scope->model());
  co_return openai_chat_answer(*this, t, call, *res);
}

net::Task<Attempt> Gateway::openai_embeddings(const Target& t, const json::value& body, std::string& raw,
                                              std::string_view model, RequestScope& scope) {
  std::string upstream = raw;
  if (model != t.upstream_model) {
    json::object copy(body.get_object(), json::storage_ptr());
    copy["model"] = t.upstream_model;
    upstream = kaos::to_json(copy);
  }
  auto res = co_await client_.send(upstream_request(t, t.api_base + "/embeddings", std::move(upstream)));
  if (!res) co_return upstream_error(res.error(), t, model);
  const int status = res->status;
  auto out = passthrough(status, std::move(res->body), res->headers);
  if (status < 200 || status >= 300) co_return upstream_status(t, status, std::move(out));
  deployment_ok(t.deployment);
  if (auto u = po::extract_usage(out.body)) scope.add_usage(*u);
  co_return Attempt{std::move(out), false, {}};
}

}  // namespace kaos::modelapi::detail
