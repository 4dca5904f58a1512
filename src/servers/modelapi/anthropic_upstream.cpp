// Anthropic upstreams: OpenAI chat requests are translated to the Messages API, answers and
// stream events back to OpenAI shapes (protocol/anthropic does the translation).
#include <boost/json/serialize.hpp>

#include "core/json.hpp"
#include "net/sse.hpp"
#include "protocol/anthropic/messages.hpp"
#include "protocol/openai/errors.hpp"
#include "servers/modelapi/gateway_impl.hpp"

namespace kaos::modelapi::detail {

namespace {
namespace pa = protocol::anthropic;

net::Response translated_error(int status, std::string_view body) {
  return net::Response::json(status, pa::to_openai_error(body, status));
}

net::Task<void> pump_anthropic_stream(std::shared_ptr<Gateway> gw, std::shared_ptr<net::ResponseStream> up,
                                      std::shared_ptr<RequestScope> scope, std::size_t deployment, std::string alias,
                                      bool include_usage, net::BodyWriter& out) {
  net::SseParser parser;
  pa::StreamTranslator tr(alias, include_usage);
  std::string batch;
  auto fail = [&](std::string message) -> net::Task<void> {
    gw->deployment_failed(deployment);
    const auto err = po::error_json(message, po::kApiError, {}, "upstream_stream_error");
    co_await out.write(po::sse_data(err) + std::string(po::kSseDone));
    scope->add_usage(tr.usage());
    scope->finish(200, "upstream_stream_error");
  };
  for (;;) {
    auto piece = co_await up->next();
    if (!piece) {
      if (piece.error().kind == ErrorKind::cancelled || out.client_gone()) {
        scope->finish(499, "client_gone");
        co_return;
      }
      co_await fail("upstream stream failed: " + piece.error().message);
      co_return;
    }
    if (!*piece) {
      co_await fail("upstream stream ended before message_stop");
      co_return;
    }
    batch.clear();
    for (const auto& e : parser.feed(**piece)) {
      auto data = parse_json(e.data);
      if (!data || !data->is_object()) continue;
      for (const auto& payload : tr.on_event(e.event, data->get_object())) batch += po::sse_data(payload);
      if (tr.failed() || tr.done()) break;
    }
    if (tr.failed() || tr.done()) {
      batch += po::kSseDone;
      co_await out.write(batch);
      if (tr.failed()) gw->deployment_failed(deployment);
      scope->add_usage(tr.usage());
      scope->finish(200, tr.failed() ? "upstream_stream_error" : "");
      co_return;
    }
    if (!batch.empty() && !co_await out.write(batch)) {
      scope->finish(499, "client_gone");
      co_return;
    }
  }
}
}  // namespace

net::Task<Attempt> Gateway::anthropic_chat(const Target& t, ChatCall& call) {
  auto translated = pa::to_messages_request(call.body.get_object(), t.upstream_model);
  if (auto* e = std::get_if<po::FieldError>(&translated))
    co_return Attempt{error_response(400, e->message, po::kInvalidRequest, e->param), false, "invalid_request"};
  auto creq = upstream_request(t, t.api_base + "/v1/messages", kaos::to_json(std::get<json::object>(translated)));
  std::string alias(call.info.model);
  if (!call.info.stream) {
    auto res = co_await client_.send(std::move(creq));
    if (!res) co_return upstream_error(res.error(), t, alias);
    if (res->status < 200 || res->status >= 300)
      co_return upstream_status(t, res->status, translated_error(res->status, res->body));
    auto parsed = parse_json(res->body);
    if (!parsed || !parsed->is_object()) {
      deployment_failed(t.deployment);
      co_return Attempt{error_response(502, "Anthropic upstream returned a body that is not a JSON message",
                                       po::kApiError, {}, "upstream_invalid_response"),
                        false, "upstream_invalid_response"};
    }
    deployment_ok(t.deployment);
    auto completion = pa::to_chat_completion(parsed->get_object(), alias);
    if (auto u = po::usage_of(completion)) call.scope->add_usage(*u);
    co_return Attempt{net::Response::json(200, kaos::to_json(completion)), false, {}};
  }

  creq.headers.add("Accept", "text/event-stream");
  auto opened = co_await client_.open(std::move(creq));
  if (!opened) co_return upstream_error(opened.error(), t, alias);
  std::shared_ptr<net::ResponseStream> stream(std::move(*opened));
  if (stream->status() != 200) {
    auto body = co_await stream->read_all();
    co_return upstream_status(t, stream->status(), translated_error(stream->status(), body ? *body : std::string()));
  }
  deployment_ok(t.deployment);
  auto out = net::sse_response(200);
  out.stream = [gw = shared_from_this(), stream, scope = call.scope, lease = call.lease, d = t.deployment, alias,
                include_usage = call.info.include_usage](net::BodyWriter& w) {
    return pump_anthropic_stream(gw, stream, scope, d, alias, include_usage, w);
  };
  co_return Attempt{std::move(out), false, {}};
}

}  // namespace kaos::modelapi::detail
