// Gateway wiring: routes, probes, models list, metrics, master-key check, shared helpers.
#include "servers/modelapi/gateway.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>

#include "core/json.hpp"
#include "net/api_key.hpp"
#include "net/url.hpp"
#include "protocol/openai/errors.hpp"
#include "servers/modelapi/gateway_impl.hpp"
#include "telemetry/metrics.hpp"

namespace kaos::modelapi {
namespace detail {

net::Response error_response(int status, std::string_view message, std::string_view type, std::string_view param,
                             std::string_view code) {
  return net::Response::json(status, po::error_json(message, type, param, code));
}

namespace {
thread_local std::vector<std::unique_ptr<unsigned char[]>> arena_blocks;

/// Replaces every occurrence of the deployment's upstream key in an upstream's error body: a
/// provider that echoes the key it was sent must not hand it to our client. Keys under 8
/// characters are not real provider keys (and would match ordinary text); they are left alone.
void scrub_key(std::string& body, std::string_view key) {
  constexpr std::string_view kRedacted = "[redacted]";
  if (key.size() < 8) return;
  for (auto at = body.find(key); at != std::string::npos; at = body.find(key, at + kRedacted.size()))
    body.replace(at, key.size(), kRedacted);
}

constexpr std::size_t kCachedBlocks = 16;

// Who was called, for an error the client reads: the provider and its base URL (scheme, host,
// port and path only: never userinfo or a query that could hold a credential) and the model
// sent, not the public pattern ("*") the client asked through.
std::string upstream_name(const Deployment& dep, const Target& t) {
  std::string provider = !dep.provider.empty()               ? dep.provider
                         : t.kind == ProviderKind::anthropic ? std::string("anthropic")
                                                             : std::string("the OpenAI-compatible server");
  std::string base = "its apiBase";
  if (auto u = net::parse_url(t.api_base)) base = u->origin() + u->target.substr(0, u->target.find('?'));
  return provider + " at " + base + " (model " + t.upstream_model + ")";
}
}  // namespace

ArenaBlock::ArenaBlock() {
  if (arena_blocks.empty()) {
    block_.reset(new unsigned char[kSize]);
  } else {
    block_ = std::move(arena_blocks.back());
    arena_blocks.pop_back();
  }
}

ArenaBlock::~ArenaBlock() {
  if (block_ && arena_blocks.size() < kCachedBlocks) arena_blocks.push_back(std::move(block_));
}

Result<json::value> parse_body(std::string_view text, json::storage_ptr sp) {
  json::parse_options opts;
  opts.max_depth = 64;
  boost::system::error_code ec;
  // The parser's working stack lives here, not on the heap, for any ordinary body; the value
  // goes to `sp` (a stream_parser's constructor storage is only for its temporaries).
  unsigned char scratch[4096];
  json::stream_parser p({}, opts, scratch, sizeof scratch);
  p.reset(std::move(sp));
  std::size_t consumed = p.write_some(text.data(), text.size(), ec);
  if (!ec && consumed < text.size() && text.substr(consumed).find_first_not_of(" \t\r\n") != std::string_view::npos)
    ec = json::make_error_code(json::error::extra_data);
  if (!ec) p.finish(ec);
  if (ec) {
    if (text.empty()) return Error::invalid("request body is empty; expected a JSON object");
    return Error::invalid("request body is not valid JSON (offset " + std::to_string(consumed) + "): " + ec.message());
  }
  return p.release();
}

RequestScope::RequestScope(GatewayMetrics& metrics, std::string model)
    : metrics_(metrics), model_(std::move(model)), start_(Clock::now()) {
  metrics_.in_flight().add(1);
}

RequestScope::~RequestScope() {
  finish(499, "client_gone");
  metrics_.in_flight().add(-1);
}

void RequestScope::finish(int status, std::string_view error_type) {
  if (finished_) return;
  finished_ = true;
  const double secs = std::chrono::duration<double>(Clock::now() - start_).count();
  metrics_.record_request(model_, status, error_type, secs);
  if (has_usage_) metrics_.record_usage(model_, usage_);
}

Gateway::Gateway(GatewayOptions options, net::Executor executor)
    : router_(std::move(options.config)), client_(std::move(executor), options.client) {
  const auto& deps = router_.config().deployments;
  bearer_.reserve(deps.size());
  for (const auto& d : deps) bearer_.push_back(d.api_key.empty() ? std::string() : "Bearer " + d.api_key);

  json::array data;
  for (const auto& p : router_.patterns())
    data.push_back(json::object{{"id", p}, {"object", "model"}, {"created", 0}, {"owned_by", "kaos"}});
  models_json_ = kaos::to_json(json::object{{"object", "list"}, {"data", std::move(data)}});
  for (const auto& p : router_.patterns()) {
    if (!patterns_list_.empty()) patterns_list_ += ", ";
    patterns_list_ += "\"" + p + "\"";
  }
}

std::string Gateway::not_found_message(std::string_view model) const {
  return "model \"" + std::string(model) + "\" is not served by this gateway; supported models (exact names, " +
         "\"prefix/*\" patterns, \"*\" for any): [" + patterns_list_ + "]";
}

net::Response Gateway::models() const {
  return net::Response::json(200, models_json_);
}

net::Response Gateway::metrics_text() const {
  return net::Response::text(200, metrics_.render(), telemetry::kPrometheusContentType);
}

std::optional<net::Response> Gateway::check_auth(const net::Request& req) const {
  const auto& key = router_.config().master_key;
  if (key.empty()) return std::nullopt;
  if (auto token = net::bearer_token(req); token && net::constant_time_equal(*token, key)) return std::nullopt;
  if (auto k = req.headers.get("x-api-key"); k && net::constant_time_equal(*k, key)) return std::nullopt;
  return error_response(401,
                        "invalid or missing API key: send the gateway's master key as "
                        "'Authorization: Bearer <key>' or 'x-api-key: <key>'",
                        po::kAuthentication, {}, "invalid_api_key");
}

net::ClientRequest Gateway::upstream_request(const Target& t, std::string url, std::string body) const {
  const auto& dep = router_.deployment(t.deployment);
  net::ClientRequest r;
  r.method = "POST";
  r.url = std::move(url);
  r.body = std::move(body);
  r.headers.reserve(3);
  r.headers.add("Content-Type", "application/json");
  r.timeout = dep.timeout;
  r.retryable = true;
  r.retry.max_attempts = router_.config().num_retries + 1;
  if (t.kind == ProviderKind::anthropic) {
    if (!dep.api_key.empty()) r.headers.add("x-api-key", dep.api_key);
    r.headers.add("anthropic-version", dep.anthropic_version);
  } else if (!bearer_[t.deployment].empty()) {
    r.headers.add("Authorization", bearer_[t.deployment]);
  }
  return r;
}

void Gateway::deployment_failed(std::size_t d) {
  const bool cooled = router_.record_failure(d, Clock::now());
  metrics_.record_deployment_failure(router_.deployment(d).id, cooled);
  if (cooled)
    spdlog::warn("deployment {} ({}) cooling down for {} ms after {} consecutive failures", router_.deployment(d).id,
                 router_.deployment(d).litellm_model, router_.config().cooldown.count(),
                 router_.config().allowed_fails);
}

Attempt Gateway::upstream_error(const Error& e, const Target& t, std::string_view model) {
  const auto& dep = router_.deployment(t.deployment);
  if (e.kind == ErrorKind::cancelled) return {net::Response::empty(499), false, "client_gone"};
  deployment_failed(t.deployment);
  spdlog::debug("upstream {} for {} failed: {}: {}", dep.id, model, to_string(e.kind), e.message);
  if (e.kind == ErrorKind::timeout)
    return {error_response(504,
                           "upstream " + upstream_name(dep, t) + " did not answer within " +
                               std::to_string(dep.timeout.count()) + " ms: " + e.message,
                           po::kTimeout, {}, "upstream_timeout"),
            false, "upstream_timeout"};
  return {error_response(502, "upstream " + upstream_name(dep, t) + " is unreachable: " + e.message, po::kApiError, {},
                         "upstream_unreachable"),
          e.kind == ErrorKind::connect, "upstream_unreachable"};
}

Attempt Gateway::upstream_status(const Target& t, int status, net::Response response) {
  scrub_key(response.body, router_.deployment(t.deployment).api_key);
  const bool overloaded = status == 429 || status >= 500;
  if (overloaded)
    deployment_failed(t.deployment);
  else
    router_.record_success(t.deployment);
  return {std::move(response), overloaded, "upstream_status"};
}

}  // namespace detail

std::shared_ptr<const net::Router> make_gateway_router(GatewayOptions options, net::Executor executor) {
  auto browser = std::move(options.browser);
  auto gw = std::make_shared<detail::Gateway>(std::move(options), std::move(executor));
  auto router = std::make_shared<net::Router>();
  router->set_error_responder([](int status, std::string message) {
    std::string_view type = status == 404 || status == 405 || status < 500 ? protocol::openai::kInvalidRequest
                                                                           : protocol::openai::kApiError;
    return detail::error_response(status, message, type);
  });
  // First: nothing a web page sends gets further (OpenAI's error shape on every route).
  router->use(
      net::browser_safety_middleware(std::move(browser), [](const net::Request&, int status, std::string message) {
        return detail::error_response(status, message, protocol::openai::kInvalidRequest, {},
                                      status == 415 ? "unsupported_media_type" : "forbidden");
      }));
  // Master key on everything except probes and metrics.
  router->use([gw](net::Request& req, const net::Handler& next) -> net::Task<net::Response> {
    const auto& p = req.path;
    const bool open = p.starts_with("/health") || p == "/ready" || p == "/metrics";
    if (!open) {
      if (auto denied = gw->check_auth(req)) co_return std::move(*denied);
    }
    co_return co_await next(req);
  });
  auto chat = [gw](net::Request& req) { return gw->chat(req); };
  router->post("/v1/chat/completions", chat);
  router->post("/chat/completions", chat);
  auto emb = [gw](net::Request& req) { return gw->embeddings(req); };
  router->post("/v1/embeddings", emb);
  router->post("/embeddings", emb);
  auto models = [gw](net::Request&) -> net::Task<net::Response> { co_return gw->models(); };
  router->get("/v1/models", models);
  router->get("/models", models);
  auto alive = [](net::Request&) -> net::Task<net::Response> {
    co_return net::Response::json(200, R"({"status":"healthy"})");
  };
  router->get("/health/liveliness", alive);
  router->get("/health/liveness", alive);
  router->get("/health/readiness", alive);
  router->get("/health", alive);
  router->get("/ready", alive);
  router->get("/metrics", [gw](net::Request&) -> net::Task<net::Response> { co_return gw->metrics_text(); });
  return router;
}

}  // namespace kaos::modelapi
