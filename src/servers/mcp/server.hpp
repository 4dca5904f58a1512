#pragma once
// The native MCP server: tools, resources, prompts, completion, logging, ping, progress,
// cancellation and server-to-client requests, over the Streamable HTTP transport, with
// /health, /ready and /metrics beside /mcp.
//
// Thread-safety: register tools/resources/prompts before serving or from the server's
// executor; list_changed notifications go to every live session.
#include <memory>
#include <string>
#include <vector>

#include "net/router.hpp"
#include "servers/mcp/tool.hpp"
#include "servers/mcp/transport.hpp"

namespace kaos::mcp {

struct ServerInfo {
  std::string name = "kaos-mcp";
  std::string title;
  std::string version;
  std::string instructions;
};

class McpServer {
 public:
  McpServer(net::Executor executor, ServerInfo info, TransportOptions transport = {});
  ~McpServer();
  McpServer(const McpServer&) = delete;
  McpServer& operator=(const McpServer&) = delete;

  /// Adds (or replaces) a tool; sessions get notifications/tools/list_changed when serving.
  void add_tool(Tool tool);
  bool remove_tool(std::string_view name);
  void add_resource(Resource resource);
  void add_resource_template(ResourceTemplate resource_template);
  void add_prompt(Prompt prompt);
  /// Tells subscribed sessions that `uri` changed (notifications/resources/updated).
  void notify_resource_updated(std::string_view uri);
  /// Page size of tools/list, resources/list, prompts/list (cursor pagination).
  void set_page_size(std::size_t n);

  /// Readiness: /ready answers 503 with `reason` until set_ready(true).
  void set_ready(bool ready, std::string reason = {});
  /// What the runtime's sandbox enforces (python-string: a worker's ready report). Shown in
  /// /ready's body as "sandbox"; each entry of its "missing" list becomes the metric
  /// mcp_sandbox_degraded{missing="..."} = 1.
  void set_sandbox_report(json::object report);

  /// Mounts /mcp (transport), /health, /ready and /metrics on `router`.
  void mount(net::Router& router);
  /// Ends every session (call on shutdown).
  void close();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace kaos::mcp
