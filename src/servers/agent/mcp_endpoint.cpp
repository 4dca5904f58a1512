// /mcp — the agent as an MCP server with one tool, `send_message`, so any MCP client (an IDE,
// another framework's agent) can talk to a KAOS agent. Stateless Streamable HTTP: every POST
// is answered with JSON, no session id is issued (the specification lets a server do without),
// and GET/DELETE answer 405 since there is no server-to-client stream to offer. Conversations
// continue through the tool's `session_id` argument, which maps to the agent's memory session.
#include <fmt/format.h>

#include "core/ids.hpp"
#include "core/version.hpp"
#include "protocol/jsonrpc/message.hpp"
#include "protocol/mcp/mcp.hpp"
#include "servers/agent/server_impl.hpp"

namespace kaos::agent {

namespace {

namespace rpc = protocol::jsonrpc;
namespace mcp = protocol::mcp;

constexpr std::string_view kToolName = "send_message";

json::object tool_definition(const AgentConfig& config) {
  json::object message;
  message["type"] = "string";
  message["description"] = "What to ask or tell the agent";
  json::object session;
  session["type"] = "string";
  session["description"] = "Continue an earlier conversation: the session_id a previous call returned";
  json::object props;
  props["message"] = std::move(message);
  props["session_id"] = std::move(session);
  json::array required;
  required.push_back("message");
  json::object schema;
  schema["type"] = "object";
  schema["properties"] = std::move(props);
  schema["required"] = std::move(required);
  json::object tool;
  tool["name"] = kToolName;
  tool["title"] = "Message " + config.name;
  tool["description"] =
      fmt::format("Send a message to the '{}' agent ({}) and get its answer.", config.name, config.description);
  tool["inputSchema"] = std::move(schema);
  return tool;
}

rpc::ErrorObject rpc_err(int code, std::string message) {
  rpc::ErrorObject e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

}  // namespace

void AgentServer::Impl::mount_mcp(net::Router& r) {
  r.post("/mcp", [this](net::Request& req) -> net::Task<net::Response> {
    auto batch = rpc::parse(req.body, 1);
    if (batch.batch || batch.items.empty())
      co_return net::Response::json(
          400, rpc::error_json(nullptr, rpc_err(rpc::kInvalidRequest, "send one JSON-RPC message per POST")));
    auto& item = batch.items.front();
    if (item.rejection) co_return net::Response::json(400, rpc::error_json(item.reply_id, *item.rejection));
    const auto& msg = *item.message;
    if (msg.kind != rpc::Message::Kind::request) co_return net::Response::empty(202);
    const rpc::Id id = msg.id;
    const json::object empty;
    const json::object& params = msg.params.is_object() ? msg.params.get_object() : empty;

    if (msg.method == "initialize") {
      auto requested = string_field(params, "protocolVersion").value_or(mcp::kLatestVersion);
      json::object tools_cap;
      tools_cap["listChanged"] = false;
      json::object caps;
      caps["tools"] = std::move(tools_cap);
      json::object info;
      info["name"] = config.name;
      info["version"] = version();
      json::object result;
      result["protocolVersion"] = mcp::negotiate_version(requested);
      result["capabilities"] = std::move(caps);
      result["serverInfo"] = std::move(info);
      result["instructions"] = fmt::format("Use {} to talk to the '{}' agent.", kToolName, config.name);
      co_return net::Response::json(200, rpc::result_json(id, result));
    }
    if (msg.method == "ping") co_return net::Response::json(200, rpc::result_json(id, json::object{}));
    if (msg.method == "tools/list") {
      json::array tools_list;
      tools_list.push_back(tool_definition(config));
      json::object result;
      result["tools"] = std::move(tools_list);
      co_return net::Response::json(200, rpc::result_json(id, result));
    }
    if (msg.method == "tools/call") {
      auto name = string_field(params, "name").value_or("");
      if (name != kToolName)
        co_return net::Response::json(
            200, rpc::error_json(id, rpc_err(rpc::kInvalidParams, fmt::format("Unknown tool: {}", name))));
      const auto* args = find_field(params, "arguments");
      const json::object* a = args && args->is_object() ? &args->get_object() : nullptr;
      auto text = a ? string_field(*a, "message") : std::nullopt;
      if (!text || text->empty()) {
        auto result = mcp::tool_error_result("Invalid arguments: 'message' (a non-empty string) is required");
        co_return net::Response::json(200, rpc::result_json(id, result));
      }
      if (auto too_large = message_too_large(text->size(), config))
        co_return net::Response::json(413, rpc::error_json(id, rpc_err(rpc::kInvalidParams, *too_large)));
      auto ctx = inbound_context(req);
      RunRequest run;
      auto session = a ? string_field(*a, "session_id") : std::nullopt;
      run.session_id = session && !session->empty() ? std::string(*session) : random_id("session_", 12);
      run.prompt = std::string(*text);
      run.outbound_headers = ctx.outbound;
      run.delegation_depth = ctx.depth;
      const std::string session_id = run.session_id;
      auto out = co_await loop->run(std::move(run));
      json::object structured;
      structured["response"] = out.text;
      structured["session_id"] = session_id;
      json::array content;
      content.push_back(mcp::text_content(out.text));
      json::value sv(structured);
      auto result = mcp::tool_result(std::move(content), &sv, out.failed);
      co_return net::Response::json(200, rpc::result_json(id, result));
    }
    co_return net::Response::json(
        200, rpc::error_json(id, rpc_err(rpc::kMethodNotFound, "Method not found: " + msg.method)));
  });
  auto not_allowed = [](net::Request&) -> net::Task<net::Response> {
    auto res = net::Response::detail(405, "this MCP endpoint is stateless: use POST");
    res.headers.set("Allow", "POST");
    co_return res;
  };
  r.get("/mcp", not_allowed);
  r.add("DELETE", "/mcp", not_allowed);
}

}  // namespace kaos::agent
