#include "servers/agent/server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/env.hpp"
#include "core/ids.hpp"
#include "core/version.hpp"
#include "net/api_key.hpp"
#include "protocol/jsonrpc/message.hpp"
#include "protocol/kaos/agent_tools.hpp"
#include "protocol/kaos/memory_api.hpp"
#include "servers/agent/memory/local_memory.hpp"
#include "servers/agent/memory/null_memory.hpp"
#include "servers/agent/memory/redis_memory.hpp"
#include "servers/agent/server_impl.hpp"

namespace kaos::agent {

namespace wire = protocol::kaos;

namespace {

std::unique_ptr<Memory> make_memory(net::Executor ex, const AgentConfig& c) {
  if (!c.memory_enabled) return std::make_unique<NullMemory>();
  MemoryLimits limits{c.memory_max_sessions, c.memory_max_session_events, c.memory_max_session_bytes,
                      c.memory_max_total_bytes};
  if (!c.memory_store_endpoint.empty())
    spdlog::warn("MEMORY_STORE_ENDPOINT is set but this build has no MemoryStore client yet: using {} memory",
                 c.memory_type);
  if (c.memory_type == "redis") {
    clients::redis::RedisOptions o;
    o.url = c.memory_redis_url;
    return std::make_unique<RedisMemory>(std::move(ex), std::move(o), c.name, limits);
  }
  return std::make_unique<LocalMemory>(limits);
}

bool valid_traceparent(std::string_view v) {
  // version(2)-trace(32)-parent(16)-flags(2), lowercase hex, trace and parent not all zero.
  if (v.size() < 55 || v[2] != '-' || v[35] != '-' || v[52] != '-') return false;
  for (std::size_t i = 0; i < 55; ++i) {
    if (i == 2 || i == 35 || i == 52) continue;
    char c = v[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return v.substr(0, 2) != "ff" && v.substr(3, 32) != std::string(32, '0') && v.substr(36, 16) != std::string(16, '0');
}

/// Refusals before routing, in each route's shape: JSON-RPC on A2A (POST /) and /mcp,
/// `{"detail": ...}` elsewhere.
net::Response refusal(const net::Request& req, int status, std::string message) {
  if (req.path == "/" || req.path == "/mcp") {
    protocol::jsonrpc::ErrorObject e{protocol::jsonrpc::kInvalidRequest, std::move(message), std::nullopt};
    return net::Response::json(status, protocol::jsonrpc::error_json(nullptr, e));
  }
  return net::Response::detail(status, message);
}

}  // namespace

net::Response detail_error(int status, std::string_view message) {
  return net::Response::detail(status, message);
}

InboundContext inbound_context(const net::Request& req) {
  InboundContext ctx;
  // Continue the caller's trace with a span of our own; start a trace when there is none.
  std::string trace_id, flags = "01";
  if (auto tp = req.headers.get("traceparent"); tp && valid_traceparent(*tp)) {
    trace_id = std::string(tp->substr(3, 32));
    flags = std::string(tp->substr(53, 2));
    if (auto ts = req.headers.get("tracestate")) ctx.outbound.set("tracestate", *ts);
  } else {
    trace_id = random_hex(32);
  }
  ctx.outbound.set("traceparent", fmt::format("00-{}-{}-{}", trace_id, random_hex(16), flags));
  if (auto auth = req.headers.get("Authorization")) ctx.outbound.set("Authorization", *auth);
  if (auto d = req.headers.get(kDelegationDepthHeader)) {
    int depth = 0;
    for (char c : *d) {
      if (c < '0' || c > '9' || depth > 1000) {
        depth = 0;
        break;
      }
      depth = depth * 10 + (c - '0');
    }
    ctx.depth = depth;
  }
  return ctx;
}

AgentServer::Impl::Impl(net::Executor ex, AgentConfig c) : executor(ex), config(std::move(c)), http(ex) {
  if (!config.mock_responses)
    chat = std::make_unique<clients::openai::ChatClient>(http, clients::openai::chat_base_url(config.model_api_url),
                                                         config.model_api_key);
  model = make_model(config, chat.get());
  memory = make_memory(ex, config);
  tools = make_toolbox(ex, config, http, metrics);
  loop = std::make_unique<AgentLoop>(config, *model, *tools, *memory, metrics);
  TaskStoreOptions to;
  to.enabled = config.task_store != "null";
  to.max_bytes = config.task_store_max_bytes;
  tasks = std::make_unique<TaskManager>(ex, config, *loop, metrics, to);
}

std::string AgentServer::Impl::base_url(const net::Request& req) const {
  if (auto u = env_string("AGENT_PUBLIC_URL"); u && !u->empty()) return *u;
  if (auto host = req.headers.get("Host"); host && !host->empty()) return "http://" + std::string(*host);
  return fmt::format("http://127.0.0.1:{}", port);
}

void AgentServer::Impl::mount_basic(net::Router& r) {
  r.get("/health", [this](net::Request&) -> net::Task<net::Response> {
    json::object o;
    o["status"] = "healthy";
    o["name"] = config.name;
    o["timestamp"] = unix_seconds();
    co_return net::Response::json(200, to_json(o));
  });
  r.get("/ready", [this](net::Request&) -> net::Task<net::Response> {
    json::object o;
    o["status"] = "ready";
    o["name"] = config.name;
    o["timestamp"] = unix_seconds();
    co_return net::Response::json(200, to_json(o));
  });
  auto card = [this](net::Request& req) -> net::Task<net::Response> {
    auto list = co_await tools->list();
    a2a::CardInfo info;
    info.name = config.name;
    info.description = config.description;
    info.url = base_url(req);
    info.version = std::string(version());
    for (const auto& t : list->entries) info.skills.push_back({t.name, t.name, t.description});
    info.tool_execution = !config.mcp_servers.empty();
    info.task_delegation = !config.peers.empty();
    co_return net::Response::json(200, to_json(a2a::agent_card_json(info)));
  };
  // 1.0's path, 0.3's and KAOS's (PAIS), and the older KAOS framework's.
  r.get("/.well-known/agent-card.json", card);
  r.get("/.well-known/agent.json", card);
  r.get("/.well-known/agent", card);
  r.get(wire::kToolsPath, [this](net::Request&) -> net::Task<net::Response> {
    auto list = co_await tools->list();
    wire::ToolsBody body{config.name, {}};
    body.tools.reserve(list->entries.size());
    for (const auto& t : list->entries) {
      body.tools.push_back({t.name, t.description, t.parameters, std::string(t.kind_name()), t.server});
    }
    co_return net::Response::json(200, to_json(wire::to_json(body)));
  });
  r.get(wire::kMemoryEventsPath, [this](net::Request& req) -> net::Task<net::Response> {
    auto query = wire::parse_memory_events_query(req.query_param("limit"), req.query_param("session_id"));
    if (!query) co_return detail_error(422, query.error().message);
    auto events = co_await memory->events(query->session_id, query->limit);
    if (!events) {
      metrics.memory_errors.with({"read"}).inc();
      co_return detail_error(503, "memory unavailable: " + events.error().message);
    }
    co_return net::Response::json(200, to_json(wire::to_json(wire::MemoryEventsBody{config.name, std::move(*events)})));
  });
  r.get(wire::kMemorySessionsPath, [this](net::Request&) -> net::Task<net::Response> {
    auto sessions = co_await memory->sessions();
    if (!sessions) {
      metrics.memory_errors.with({"read"}).inc();
      co_return detail_error(503, "memory unavailable: " + sessions.error().message);
    }
    co_return net::Response::json(200,
                                  to_json(wire::to_json(wire::MemorySessionsBody{config.name, std::move(*sessions)})));
  });
  r.get("/v1/models", [this](net::Request&) -> net::Task<net::Response> {
    json::object m;
    m["id"] = config.name;
    m["object"] = "model";
    m["created"] = unix_seconds();
    m["owned_by"] = "kaos";
    json::array data;
    data.push_back(std::move(m));
    json::object body;
    body["object"] = "list";
    body["data"] = std::move(data);
    co_return net::Response::json(200, to_json(body));
  });
  r.get("/metrics", [this](net::Request&) -> net::Task<net::Response> {
    co_return net::Response::text(200, registry.render_prometheus(), telemetry::kPrometheusContentType);
  });
}

std::shared_ptr<AgentServer> AgentServer::create(net::Executor executor, AgentConfig config) {
  return std::shared_ptr<AgentServer>(new AgentServer(std::make_unique<Impl>(std::move(executor), std::move(config))));
}

AgentServer::AgentServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AgentServer::~AgentServer() = default;

std::shared_ptr<const net::Router> AgentServer::router(const AgentAccess& access) {
  auto r = std::make_shared<net::Router>();
  impl_->mount_basic(*r);
  impl_->mount_chat(*r);
  impl_->mount_a2a(*r);
  impl_->mount_mcp(*r);
  auto* metrics = &impl_->metrics;
  r->use([metrics](net::Request& req, const net::Handler& next) -> net::Task<net::Response> {
    auto started = std::chrono::steady_clock::now();
    auto res = co_await next(req);
    // Endpoint label: the fixed paths only, so arbitrary URLs cannot grow the series.
    std::string_view endpoint = "other";
    for (std::string_view p :
         {"/v1/chat/completions", "/", "/mcp", "/health", "/ready", "/tools", "/memory/events", "/memory/sessions",
          "/v1/models", "/metrics", "/.well-known/agent-card.json", "/.well-known/agent.json", "/.well-known/agent"})
      if (req.path == p) endpoint = p;
    metrics->requests.with({endpoint, std::to_string(res.status)}).inc();
    metrics->request_seconds.with({endpoint})
        .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    co_return res;
  });
  // Inside the metrics (refusals are counted, by status) and before anything that acts.
  r->use(net::browser_safety_middleware(access.browser, refusal));
  r->use(net::api_key_middleware(access.api_key, refusal, "AGENT_API_KEY"));
  return r;
}

void AgentServer::on_listening(std::uint16_t port) {
  impl_->port = port;
  if (!impl_->config.autonomous_goal.empty()) {
    auto id = impl_->tasks->start_continuous(impl_->config.autonomous_goal);
    spdlog::info("autonomous mode: task {} working toward AUTONOMOUS_GOAL", id);
  }
}

void AgentServer::on_shutdown() {
  impl_->tasks->stop_all();
}

}  // namespace kaos::agent
