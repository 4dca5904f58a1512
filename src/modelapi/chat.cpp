// POST /v1/chat/completions: parse once, validate, route, call the provider (failing over to
// another deployment of the group when one is unreachable or overloaded).
#include <spdlog/spdlog.h>

#include "modelapi/gateway_impl.hpp"
#include "protocol/openai/errors.hpp"

namespace kaos::modelapi::detail {

net::Task<net::Response> Gateway::chat(net::Request& req) {
  json::monotonic_resource arena(2048);  // outlives `call`, whose JSON lives in it
  ChatCall call;
  {
    auto parsed = parse_body(req.body, json::storage_ptr(&arena));
    if (!parsed) {
      metrics_.record_request("", 400, "invalid_request", 0);
      co_return error_response(400, parsed.error().message, po::kInvalidRequest, {}, "invalid_json");
    }
    call.body = std::move(*parsed);
  }
  if (!call.body.is_object()) {
    metrics_.record_request("", 400, "invalid_request", 0);
    co_return error_response(400, "request body must be a JSON object", po::kInvalidRequest);
  }
  if (auto e = po::validate_chat_request(call.body.get_object(), call.info)) {
    metrics_.record_request("", 400, "invalid_request", 0);
    co_return error_response(400, e->message, po::kInvalidRequest, e->param);
  }
  const auto* group = router_.match(call.info.model);
  if (!group) {
    metrics_.record_request("", 404, "model_not_found", 0);
    co_return error_response(404, not_found_message(call.info.model), po::kInvalidRequest, "model", "model_not_found");
  }
  call.raw = std::move(req.body);
  call.scope = std::make_shared<RequestScope>(metrics_, std::string(call.info.model));

  std::size_t exclude = SIZE_MAX;
  const std::size_t tries = group->members.size();
  for (std::size_t attempt = 0;; ++attempt) {
    const auto d = router_.pick(*group, Clock::now(), exclude);
    const Target target = router_.resolve(d, *group, call.info.model);
    call.lease = std::make_shared<DeploymentLease>(router_.state(d));
    Attempt result;
    switch (target.kind) {
      case ProviderKind::mock:
        result = co_await mock_chat(target, call);
        break;
      case ProviderKind::anthropic:
        result = co_await anthropic_chat(target, call);
        break;
      case ProviderKind::openai_compatible:
        result = co_await openai_chat(target, call);
        break;
    }
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
