// McpClient's calls: request ids, deadlines, progress tokens, one reconnect-and-retry when the
// session expired or the transport went away before the request was sent, the tools cache.
#include "clients/mcp/client.hpp"

#include <boost/asio/dispatch.hpp>
#include <set>

#include "clients/mcp/client_impl.hpp"

namespace kaos::clients::mcp {

namespace asio = boost::asio;
namespace jsonrpc = protocol::jsonrpc;
using detail::Clock;
using detail::Deadline;

std::optional<Transport> parse_transport(std::string_view name) {
  if (name == "auto") return Transport::automatic;
  if (name == "streamable-http") return Transport::streamable_http;
  if (name == "sse") return Transport::sse;
  return std::nullopt;
}

std::string_view transport_name(Transport t) {
  switch (t) {
    case Transport::automatic:
      return "auto";
    case Transport::streamable_http:
      return "streamable-http";
    case Transport::sse:
      return "sse";
  }
  return "auto";
}

McpClient::Impl::Impl(net::Executor ex, McpClientOptions opts, McpHandlers hooks)
    : executor(ex),
      options(std::move(opts)),
      handlers(std::move(hooks)),
      http(std::make_shared<net::HttpClient>(ex, options.http)) {}

namespace {

/// Errors from the transport keep their code; only the message gains the method for context.
Error in_call(std::string_view method, const std::string& url, Error e, std::chrono::milliseconds budget) {
  if (e.kind == ErrorKind::timeout)
    return Error::timeout(std::string(method) + " to " + url + " got no answer within " +
                          std::to_string(budget.count() / 1000.0).substr(0, 5) + " s (" + e.message + ")");
  return e;
}

/// Built outside any coroutine: GCC 12 mis-handles the lifetime of braced initializer lists
/// inside coroutines (double frees), so no JSON is brace-initialized in a coroutine body here.
json::object tool_call_params(const std::string& name, json::object arguments) {
  json::object params;
  params["name"] = name;
  params["arguments"] = std::move(arguments);
  return params;
}

}  // namespace

net::Task<Result<json::value>> McpClient::Impl::call(std::string method, json::value params, Deadline deadline,
                                                     ProgressCallback on_progress, net::Headers headers) {
  const auto budget = detail::remaining(deadline);
  for (int attempt = 0;; ++attempt) {
    auto w = co_await ensure_connected(deadline);
    if (!w) co_return in_call(method, options.url, w.error(), budget);
    const auto id = next_id++;
    if (on_progress) {
      if (!params.is_object()) params = json::object{};
      auto& meta = params.as_object()["_meta"];
      if (!meta.is_object()) meta = json::object{};
      meta.as_object()["progressToken"] = id;
      progress[id] = on_progress;
    }
    auto answer = co_await (*w)->request(jsonrpc::request_json(id, method, params), id, deadline, nullptr,
                                         headers.empty() ? nullptr : &headers);
    progress.erase(id);
    if (!answer) {
      const auto kind = answer.error().kind;
      // The request never ran (expired session, dead stream, server restarted and refused the
      // connection): reconnect and send it once more.
      if (kind == ErrorKind::session_expired || kind == ErrorKind::gone || kind == ErrorKind::connect) {
        drop(*w);
        if (attempt == 0) continue;
      }
      if (kind == ErrorKind::io && (*w)->kind() == Transport::sse) drop(*w);
      co_return in_call(method, options.url, answer.error(), budget);
    }
    if (answer->kind == jsonrpc::Message::Kind::error)
      co_return Error::rpc(
          answer->error.code,
          method + ": " + answer->error.message + " (JSON-RPC error " + std::to_string(answer->error.code) + ")",
          ErrorKind::remote);
    co_return std::move(answer->result);
  }
}

McpClient::McpClient(net::Executor executor, McpClientOptions options, McpHandlers handlers)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options), std::move(handlers))) {}

McpClient::~McpClient() {
  // The legacy reader runs on the executor: stop it there (inline when we are on it; when the
  // io_context has stopped, its frame goes with the context).
  if (auto w = impl_->wire) asio::dispatch(impl_->executor, [w] { w->abandon(); });
}

// Public calls: each runs the Impl coroutine and turns the exception a cancelled co_await
// throws into Error "cancelled". (No lambdas-as-coroutines here: GCC 12 destroys a closure
// passed by value into a coroutine twice.)
namespace {
Error cancelled() {
  return Error{ErrorKind::cancelled, "the call was cancelled"};
}
}  // namespace

net::Task<Result<std::shared_ptr<const json::array>>> McpClient::Impl::list_tools(Deadline deadline) {
  if (tools_cache && wire) co_return tools_cache;
  json::array all;
  std::set<std::string> seen;
  std::string cursor;
  std::uint64_t epoch = 0;
  for (int page = 0;; ++page) {
    json::object params;
    if (!cursor.empty()) params["cursor"] = cursor;
    auto got = co_await call("tools/list", std::move(params), deadline, {});
    if (!got) co_return got.error();
    if (page == 0) epoch = tools_epoch;  // after connecting: initialize bumps it
    if (!got->is_object() || !got->as_object().contains("tools") || !got->as_object().at("tools").is_array())
      co_return Error{ErrorKind::protocol, "tools/list answer from " + options.url + " has no tools array"};
    for (auto& t : got->as_object().at("tools").as_array()) all.push_back(std::move(t));
    auto next = string_field(got->as_object(), "nextCursor");
    if (!next || next->empty()) break;
    cursor = std::string(*next);
    if (!seen.insert(cursor).second)
      co_return Error{ErrorKind::protocol, "tools/list from " + options.url + " repeated cursor '" + cursor +
                                               "'; the server's pagination loops"};
  }
  auto shared = std::make_shared<const json::array>(std::move(all));
  if (tools_epoch == epoch) tools_cache = shared;
  co_return shared;
}

net::Task<Result<ServerInfo>> McpClient::connect(std::optional<std::chrono::milliseconds> timeout) {
  auto self = impl_;
  try {
    auto w = co_await self->ensure_connected(Clock::now() + timeout.value_or(self->options.request_timeout));
    if (!w) co_return w.error();
    co_return *self->info;
  } catch (const boost::system::system_error&) {
    co_return cancelled();
  }
}

net::Task<Result<json::array>> McpClient::list_tools(std::optional<std::chrono::milliseconds> timeout) {
  auto self = impl_;
  try {
    auto got = co_await self->list_tools(Clock::now() + timeout.value_or(self->options.request_timeout));
    if (!got) co_return got.error();
    co_return json::array(**got);
  } catch (const boost::system::system_error&) {
    co_return cancelled();
  }
}

net::Task<Result<std::shared_ptr<const json::array>>> McpClient::list_tools_shared(
    std::optional<std::chrono::milliseconds> timeout) {
  auto self = impl_;
  try {
    co_return co_await self->list_tools(Clock::now() + timeout.value_or(self->options.request_timeout));
  } catch (const boost::system::system_error&) {
    co_return cancelled();
  }
}

net::Task<Result<json::object>> McpClient::call_tool(std::string name, json::object arguments, CallOptions options) {
  auto self = impl_;
  try {
    const auto deadline = Clock::now() + options.timeout.value_or(self->options.request_timeout);
    auto got = co_await self->call("tools/call", tool_call_params(name, std::move(arguments)), deadline,
                                   std::move(options.on_progress), std::move(options.headers));
    if (!got) co_return got.error();
    if (!got->is_object())
      co_return Error{ErrorKind::protocol,
                      "tools/call '" + name + "' answer from " + self->options.url + " is not an object"};
    co_return std::move(got->as_object());
  } catch (const boost::system::system_error&) {
    co_return cancelled();
  }
}

net::Task<Result<void>> McpClient::ping(std::optional<std::chrono::milliseconds> timeout) {
  auto self = impl_;
  try {
    auto got =
        co_await self->call("ping", json::object{}, Clock::now() + timeout.value_or(self->options.request_timeout), {});
    if (!got) co_return got.error();
    co_return Result<void>{};
  } catch (const boost::system::system_error&) {
    co_return cancelled();
  }
}

net::Task<Result<json::value>> McpClient::request(std::string method, json::value params, CallOptions options) {
  auto self = impl_;
  try {
    co_return co_await self->call(std::move(method), std::move(params),
                                  Clock::now() + options.timeout.value_or(self->options.request_timeout),
                                  std::move(options.on_progress), std::move(options.headers));
  } catch (const boost::system::system_error&) {
    co_return cancelled();
  }
}

net::Task<Result<void>> McpClient::close() {
  auto self = impl_;
  auto w = self->wire;
  if (!w) co_return Result<void>{};
  self->drop(w);
  try {
    co_return co_await w->close(Clock::now() + self->options.request_timeout);
  } catch (const boost::system::system_error&) {
    co_return cancelled();
  }
}

const ServerInfo* McpClient::server() const {
  return impl_->info ? &*impl_->info : nullptr;
}

std::string McpClient::session_id() const {
  return impl_->wire ? impl_->wire->session_id() : std::string();
}

}  // namespace kaos::clients::mcp
