#pragma once
// Internals shared by the route files of the agent server (server.cpp, chat_routes.cpp,
// a2a_routes.cpp, mcp_endpoint.cpp). Not part of the module's interface.
#include <memory>
#include <optional>
#include <string>

#include "clients/openai/chat_client.hpp"
#include "net/client.hpp"
#include "servers/agent/config.hpp"
#include "servers/agent/loop.hpp"
#include "servers/agent/memory/memory.hpp"
#include "servers/agent/metrics.hpp"
#include "servers/agent/model.hpp"
#include "servers/agent/server.hpp"
#include "servers/agent/tasks.hpp"
#include "servers/agent/toolbox.hpp"
#include "telemetry/metrics.hpp"

namespace kaos::agent {

struct AgentServer::Impl {
  Impl(net::Executor executor, AgentConfig config);

  net::Executor executor;
  AgentConfig config;
  telemetry::Registry registry;
  AgentMetrics metrics{registry};
  net::HttpClient http;
  std::unique_ptr<clients::openai::ChatClient> chat;
  std::unique_ptr<Model> model;
  std::unique_ptr<Memory> memory;
  std::unique_ptr<ToolBox> tools;
  std::unique_ptr<AgentLoop> loop;
  std::unique_ptr<TaskManager> tasks;
  std::uint16_t port = 0;

  void mount_basic(net::Router& r);  // health, ready, card, tools, memory, models, metrics
  void mount_chat(net::Router& r);   // /v1/chat/completions
  void mount_a2a(net::Router& r);    // POST /
  void mount_mcp(net::Router& r);    // /mcp

  /// The agent's base URL as the caller reached it (Host header), or AGENT_PUBLIC_URL.
  std::string base_url(const net::Request& req) const;
};

/// Headers every outbound call of a request carries: a W3C traceparent continuing the
/// caller's trace (or starting one), the caller's Authorization, and the delegation depth.
struct InboundContext {
  net::Headers outbound;
  int depth = 0;
};
InboundContext inbound_context(const net::Request& req);

/// {"detail": message} with `status` (KAOS's FastAPI error shape): net::Response::detail.
net::Response detail_error(int status, std::string_view message);

}  // namespace kaos::agent
