// POST /v1/chat/completions: parse once, validate, route, call the provider (failing over to
// another deployment of the group when one is unreachable or overloaded).
//
// Frame size matters here: GCC keeps every local of a coroutine (and the result of every
// co_await) in its heap frame, and Asio's per-thread frame cache only takes frames up to
// ~1 KiB; a larger one costs a slow malloc/free pair per request. So the non-suspending
// prelude lives in a plain function and the providers are awaited at one site.
#include <spdlog/spdlog.h>

#include "protocol/openai/errors.hpp"
#include "servers/modelapi/gateway_impl.hpp"

namespace kaos::modelapi::detail {

namespace {
/// Parses and validates the request into `call` (whose body storage is the handler's arena)
/// and finds its model group: the error response, or nullopt when the request may proceed.
std::optional<net::Response> admit(Gateway& gw, net::Request& req, ChatCall& call, const ModelRouter::Group*& group) {
  auto& metrics = gw.metrics();
  {
    auto parsed = parse_body(req.body, call.body.storage());
    if (!parsed) {
      metrics.record_request("", 400, "invalid_request", 0);
      return error_response(400, parsed.error().message, po::kInvalidRequest, {}, "invalid_json");
    }
    call.body = std::move(*parsed);  // same storage: no copy
  }
  if (!call.body.is_object()) {
    metrics.record_request("", 400, "invalid_request", 0);
    return error_response(400, "request body must be a JSON object", po::kInvalidRequest);
  }
  if (auto e = po::validate_chat_request(call.body.get_object(), call.info)) {
    metrics.record_request("", 400, "invalid_request", 0);
    return error_response(400, e->message, po::kInvalidRequest, e->param);
  }
  group = gw.router().match(call.info.model);
  if (!group) {
    metrics.record_request("", 404, "model_not_found", 0);
    return error_response(404, gw.not_found_message(call.info.model), po::kInvalidRequest, "model", "model_not_found");
  }
  call.raw = std::move(req.body);
  call.scope = std::make_shared<RequestScope>(metrics, std::string(call.info.model));
  return std::nullopt;
}
}  // namespace

net::Task<Attempt> Gateway::provider_chat(const Target& t, ChatCall& call) {
  switch (t.kind) {
    case ProviderKind::mock:
      return mock_chat(t, call);
    case ProviderKind::anthropic:
      return anthropic_chat(t, call);
    case ProviderKind::openai_compatible:
      break;
  }
  return openai_chat(t, call);
}

net::Task<net::Response> Gateway::chat(net::Request& req) {
  RequestArena arena;  // outlives `call`, whose JSON lives in it
  ChatCall call(json::storage_ptr(&arena.resource));
  const ModelRouter::Group* group = nullptr;
  if (auto rejected = admit(*this, req, call, group)) co_return std::move(*rejected);

  std::size_t exclude = SIZE_MAX;
  const std::size_t tries = group->members.size();
  for (std::size_t attempt = 0;; ++attempt) {
    const auto d = router_.pick(*group, Clock::now(), exclude);
    const Target target = router_.resolve(d, *group, call.info.model);
    call.lease = std::make_shared<DeploymentLease>(router_.state(d));
    Attempt result = co_await provider_chat(target, call);
    if (!result.failover || attempt + 1 >= tries) {
      // A streamed response records its outcome when the stream ends.
      if (!result.response.stream) call.scope->finish(result.response.status, result.error_type);
      co_return std::move(result.response);
    }
    spdlog::debug("model {}: deployment {} failed, trying another", call.info.model, router_.deployment(d).id);
    exclude = d;
  }
}

}  // namespace kaos::modelapi::detail
