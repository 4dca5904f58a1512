#include "servers/agent/toolbox.hpp"

#include <fmt/format.h>

#include "core/log.hpp"

namespace kaos::agent {

namespace {
// A server that did not answer tools/list is skipped for this long, so a down server costs
// one short wait per pause instead of one per request.
constexpr auto kUnavailablePause = std::chrono::seconds(2);
constexpr auto kListTimeout = std::chrono::milliseconds(1500);

clients::mcp::McpClientOptions client_options(const McpServerRef& server, const AgentConfig& config) {
  clients::mcp::McpClientOptions o;
  o.url = server.url;
  o.request_timeout = config.tool_timeout;
  o.connect_timeout = kListTimeout;
  o.client_name = "kaos-agent-" + config.name;
  return o;
}
}  // namespace

McpToolset::McpToolset(net::Executor executor, const McpServerRef& server, const AgentConfig& config,
                       AgentMetrics& metrics)
    : server_(server),
      config_(config),
      metrics_(metrics),
      client_(std::move(executor), client_options(server, config)) {}

net::Task<ToolList> McpToolset::list_tools() {
  if (Clock::now() < unavailable_until_) co_return nullptr;
  auto listed = co_await client_.list_tools_shared(kListTimeout);
  if (!listed) {
    spdlog::warn("MCP server '{}' ({}) unavailable, its tools are skipped for now: {}", server_.name, server_.url,
                 listed.error().message);
    unavailable_until_ = Clock::now() + kUnavailablePause;
    co_return nullptr;
  }
  // No suspension from here on: concurrent runs see the snapshot and its key agree.
  if (tools_ && *listed == listed_) co_return tools_;
  auto tools = std::make_shared<std::vector<ToolEntry>>();
  for (const auto& t : **listed) {
    const auto* o = t.if_object();
    if (!o) continue;
    auto name = string_field(*o, "name");
    if (!name) continue;
    ToolEntry e;
    e.name = std::string(*name);
    e.description = std::string(string_field(*o, "description").value_or(""));
    if (const auto* schema = find_field(*o, "inputSchema"); schema && schema->is_object())
      e.parameters = schema->get_object();
    else
      e.parameters["type"] = "object";
    e.server = server_.name;
    e.toolset = this;
    tools->push_back(std::move(e));
  }
  listed_ = std::move(*listed);
  tools_ = std::move(tools);
  co_return tools_;
}

net::Task<ToolOutcome> McpToolset::call_tool(const ToolEntry& tool, json::object arguments, const RunContext& ctx) {
  auto started = Clock::now();
  clients::mcp::CallOptions options;
  options.timeout = config_.tool_timeout;
  // The run's outbound headers (traceparent, the caller's Authorization) go on tool calls
  // too, as on model and peer calls: without them the trace broke at every MCP hop.
  options.headers = ctx.outbound_headers;
  options.headers.erase(kDelegationDepthHeader);
  auto r = co_await client_.call_tool(tool.name, std::move(arguments), std::move(options));
  ToolOutcome outcome;
  if (!r) {
    outcome = {fmt::format("Tool '{}' failed: {}", tool.name, r.error().message), true};
  } else {
    bool is_error = bool_field(*r, "isError").value_or(false);
    auto text = tool_result_text(*r);
    outcome = {is_error ? "Tool error: " + text : text, is_error};
  }
  metrics_.tool_calls.with({tool.name, outcome.error ? "error" : "ok"}).inc();
  metrics_.tool_seconds.with({tool.name}).observe(std::chrono::duration<double>(Clock::now() - started).count());
  co_return outcome;
}

std::unique_ptr<CombinedToolset> make_toolbox(net::Executor executor, const AgentConfig& config, net::HttpClient& http,
                                              AgentMetrics& metrics) {
  std::vector<std::unique_ptr<Toolset>> members;
  for (const auto& server : config.mcp_servers)
    members.push_back(std::make_unique<McpToolset>(executor, server, config, metrics));
  auto delegator = std::make_shared<Delegator>(http, config);
  for (std::size_t p = 0; p < config.peers.size(); ++p)
    members.push_back(std::make_unique<DelegationToolset>(delegator, p, metrics));
  return std::make_unique<CombinedToolset>(std::move(members), metrics);
}

std::string tool_result_text(const json::object& result) {
  std::string text;
  json::array other;
  if (const auto* content = find_field(result, "content"); content && content->is_array()) {
    for (const auto& block : content->get_array()) {
      const auto* b = block.if_object();
      if (!b) continue;
      if (string_field(*b, "type").value_or("") == "text") {
        if (!text.empty()) text += '\n';
        text += std::string(string_field(*b, "text").value_or(""));
      } else {
        other.push_back(block);
      }
    }
  }
  if (!text.empty()) return text;
  if (const auto* sc = find_field(result, "structuredContent")) return to_json(*sc);
  if (!other.empty()) return to_json(other);
  return "";
}

}  // namespace kaos::agent
