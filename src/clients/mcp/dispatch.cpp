// Messages the server sends on its own: notifications (progress, log messages, list changes)
// go to the hooks; requests (ping, sampling, elicitation, roots) are answered through the wire
// they came on, each in its own coroutine so a slow handler never stalls the stream reader.
#include "clients/mcp/client_impl.hpp"
#include "core/log.hpp"
#include "net/background.hpp"

namespace kaos::clients::mcp {

namespace asio = boost::asio;
namespace jsonrpc = protocol::jsonrpc;
using detail::Clock;

namespace {

void on_progress(McpClient::Impl& self, const json::value& params) {
  if (!params.is_object()) return;
  const auto& p = params.as_object();
  auto* token = find_field(p, "progressToken");
  if (token == nullptr) return;
  std::optional<std::int64_t> key = as_int64(*token);
  if (!key && token->is_string()) {
    char* end = nullptr;
    const auto& s = token->as_string();
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (end != s.c_str() && *end == '\0') key = v;
  }
  if (!key) return;
  auto it = self.progress.find(*key);
  if (it == self.progress.end() || !it->second) return;
  Progress pr;
  if (auto* v = find_field(p, "progress")) pr.progress = as_double(*v).value_or(0);
  if (auto* v = find_field(p, "total")) pr.total = as_double(*v);
  pr.message = std::string(string_field(p, "message").value_or(""));
  it->second(pr);
}

/// JSON-RPC error reply (a plain function: no braced lists inside coroutines, a GCC 12 bug).
std::string error_reply(const json::value& id, int code, std::string message) {
  jsonrpc::ErrorObject e;
  e.code = code;
  e.message = std::move(message);
  return jsonrpc::error_json(id, e);
}

/// The answer to one server request, sent back through `wire`.
net::Task<void> answer(std::weak_ptr<McpClient::Impl> weak, std::shared_ptr<detail::Wire> wire,
                       jsonrpc::Message request) {
  ServerRequestHandler handler;
  std::chrono::milliseconds timeout{60'000};
  {
    auto self = weak.lock();
    if (!self) co_return;
    timeout = self->options.request_timeout;
    if (request.method == "sampling/createMessage") handler = self->handlers.sampling;
    if (request.method == "elicitation/create") handler = self->handlers.elicitation;
    if (request.method == "roots/list") handler = self->handlers.roots;
  }
  std::string reply;
  if (request.method == "ping") {
    reply = jsonrpc::result_json(request.id, json::object{});
  } else if (!handler) {
    reply = error_reply(request.id, jsonrpc::kMethodNotFound,
                        "Method not found: this client does not handle " + request.method);
  } else {
    auto result = co_await handler(request.params);
    reply = result ? jsonrpc::result_json(request.id, *result)
                   : error_reply(request.id, jsonrpc::kInternalError, result.error().message);
  }
  auto sent = co_await wire->send(std::move(reply), Clock::now() + timeout);
  if (!sent) spdlog::warn("mcp client: could not answer the server's {}: {}", request.method, sent.error().message);
}

}  // namespace

void McpClient::Impl::dispatch(jsonrpc::Message message, detail::Wire& from) {
  using Kind = jsonrpc::Message::Kind;
  if (message.kind == Kind::request) {
    net::spawn_background(executor, answer(weak_from_this(), from.shared_from_this(), std::move(message)),
                          "mcp client: answering a server request");
    return;
  }
  if (message.kind != Kind::notification) return;  // a response nobody waits for any more
  const auto& method = message.method;
  if (method == "notifications/progress") {
    on_progress(*this, message.params);
  } else if (method == "notifications/message") {
    if (handlers.on_log && message.params.is_object()) handlers.on_log(message.params.as_object());
  } else if (method.ends_with("/list_changed")) {
    if (method == "notifications/tools/list_changed") {
      tools_cache.reset();
      ++tools_epoch;
    }
    if (handlers.on_list_changed) handlers.on_list_changed(method);
  } else if (handlers.on_notification) {
    handlers.on_notification(method, message.params);
  }
}

detail::WireContext McpClient::Impl::wire_context() {
  detail::WireContext ctx;
  ctx.http = http;
  ctx.options = std::make_shared<const McpClientOptions>(options);
  // Wires may outlive the client briefly (a reader unwinding); they then dispatch to nothing.
  ctx.dispatch = [weak = weak_from_this()](jsonrpc::Message m, detail::Wire& from) {
    if (auto self = weak.lock()) self->dispatch(std::move(m), from);
  };
  return ctx;
}

}  // namespace kaos::clients::mcp
