// POST /v1/embeddings: mock vectors in-process, OpenAI-compatible upstreams by forwarding.
#include "protocol/openai/embeddings.hpp"
#include "protocol/openai/errors.hpp"
#include "servers/modelapi/gateway_impl.hpp"
#include "servers/modelapi/mock.hpp"

namespace kaos::modelapi::detail {

net::Task<net::Response> Gateway::embeddings(net::Request& req) {
  RequestArena arena;
  json::value body(json::storage_ptr(&arena.resource));  // same storage: the parse moves in
  {
    auto parsed = parse_body(req.body, json::storage_ptr(&arena.resource));
    if (!parsed) {
      metrics_.record_request("", 400, "invalid_request", 0);
      co_return error_response(400, parsed.error().message, po::kInvalidRequest, {}, "invalid_json");
    }
    body = std::move(*parsed);
  }
  if (!body.is_object()) {
    metrics_.record_request("", 400, "invalid_request", 0);
    co_return error_response(400, "request body must be a JSON object", po::kInvalidRequest);
  }
  po::EmbeddingsRequestInfo info;
  if (auto e = po::validate_embeddings_request(body.get_object(), info)) {
    metrics_.record_request("", 400, "invalid_request", 0);
    co_return error_response(400, e->message, po::kInvalidRequest, e->param);
  }
  const auto* group = router_.match(info.model);
  if (!group) {
    metrics_.record_request("", 404, "model_not_found", 0);
    co_return error_response(404, not_found_message(info.model), po::kInvalidRequest, "model", "model_not_found");
  }
  RequestScope scope(metrics_, std::string(info.model));
  std::size_t exclude = SIZE_MAX;
  for (std::size_t attempt = 0;; ++attempt) {
    const auto d = router_.pick(*group, Clock::now(), exclude);
    const Target t = router_.resolve(d, *group, info.model);
    DeploymentLease lease(router_.state(d));
    Attempt result;
    if (t.kind == ProviderKind::mock) {
      const int dim = router_.deployment(d).mock.embedding_dim;
      if (auto too_large = mock::embeddings_too_large(info, dim)) {
        result.response = error_response(400, *too_large, po::kInvalidRequest, "dimensions", "embeddings_too_large");
        result.error_type = "invalid_request";
        scope.finish(result.response.status, result.error_type);
        co_return std::move(result.response);
      }
      auto text = mock::embeddings_json(info, info.model, dim);
      if (auto u = po::extract_usage(text)) scope.add_usage(*u);
      result.response = net::Response::json(200, std::move(text));
    } else if (t.kind == ProviderKind::anthropic) {
      result.response = error_response(
          400, "model \"" + std::string(info.model) + "\" is served by Anthropic, which has no embeddings API",
          po::kInvalidRequest, "model", "embeddings_not_supported");
      result.error_type = "invalid_request";
    } else {
      result = co_await openai_embeddings(t, body, req.body, info.model, scope);
    }
    if (!result.failover || attempt + 1 >= group->members.size()) {
      scope.finish(result.response.status, result.error_type);
      co_return std::move(result.response);
    }
    exclude = d;
  }
}

}  // namespace kaos::modelapi::detail
