#include "servers/mcp/native_session.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>

#include "core/json_schema.hpp"
#include "protocol/mcp/mcp.hpp"
#include "servers/mcp/call_context.hpp"

namespace kaos::mcp::detail {

namespace pmcp = protocol::mcp;

namespace {

jsonrpc::ErrorObject invalid_params(std::string message) {
  return jsonrpc::ErrorObject{jsonrpc::kInvalidParams, std::move(message), std::nullopt};
}

const json::object& object_or_empty(const json::value& v) {
  static const json::object kEmpty;
  return v.is_object() ? v.get_object() : kEmpty;
}

}  // namespace

NativeSession::NativeSession(std::shared_ptr<Catalog> catalog, std::shared_ptr<Outbound> outbound)
    : catalog_(std::move(catalog)), outbound_(std::move(outbound)) {}

Task<void> NativeSession::receive(jsonrpc::Message m) {
  using Kind = jsonrpc::Message::Kind;
  if (m.kind == Kind::response || m.kind == Kind::error) {
    resolve(m);
    co_return;
  }
  if (m.kind == Kind::notification) co_return;  // initialized, cancelled (the transport acts), roots/list_changed
  auto answer = co_await dispatch(m);
  catalog_->metrics.record_request(m.method, answer.error.has_value());
  outbound_->respond(
      m.id, answer.error ? jsonrpc::error_json(m.id, *answer.error) : jsonrpc::result_json(m.id, answer.result));
}

void NativeSession::close() {
  closed_ = true;
  std::map<std::string, std::shared_ptr<Pending>, std::less<>> pending;
  {
    std::lock_guard lock(mu_);
    pending.swap(pending_);
  }
  for (auto& [id, p] : pending) {
    p->reply = Reply(Error{ErrorKind::cancelled, "the MCP session ended"});
    p->wake->try_send(boost::system::error_code{});
  }
}

Task<NativeSession::Answer> NativeSession::dispatch(const jsonrpc::Message& m) {
  const auto& method = m.method;
  if (method == "initialize") co_return initialize(m.params);
  if (method == "ping") co_return json::object{};
  if (method == "tools/list") co_return list_page(m.params, "tools");
  if (method == "tools/call") co_return co_await call_tool(m);
  if (method == "resources/list") co_return list_page(m.params, "resources");
  if (method == "resources/templates/list") co_return list_page(m.params, "resourceTemplates");
  if (method == "resources/read") co_return co_await read_resource(m.params);
  if (method == "resources/subscribe") co_return subscribe(m.params, true);
  if (method == "resources/unsubscribe") co_return subscribe(m.params, false);
  if (method == "prompts/list") co_return list_page(m.params, "prompts");
  if (method == "prompts/get") co_return co_await get_prompt(m.params);
  if (method == "completion/complete") co_return complete(m.params);
  if (method == "logging/setLevel") co_return set_level(m.params);
  co_return jsonrpc::ErrorObject{jsonrpc::kMethodNotFound, "Method not found: " + method, std::nullopt};
}

NativeSession::Answer NativeSession::initialize(const json::value& params) {
  const auto& p = object_or_empty(params);
  auto requested = string_field(p, "protocolVersion");
  if (!requested) return invalid_params("initialize: params.protocolVersion (string) is required");
  std::string version(pmcp::negotiate_version(*requested));
  {
    std::lock_guard lock(mu_);
    protocol_version_ = version;
    if (auto* caps = p.if_contains("capabilities"); caps && caps->is_object())
      client_capabilities_ = caps->get_object();
  }
  json::object capabilities{{"tools", json::object{{"listChanged", true}}}, {"logging", json::object{}}};
  {
    std::shared_lock lock(catalog_->mu);
    if (!catalog_->resources.empty() || !catalog_->templates.empty()) {
      capabilities["resources"] = json::object{{"subscribe", true}, {"listChanged", true}};
    }
    if (!catalog_->prompts.empty()) {
      capabilities["prompts"] = json::object{{"listChanged", true}};
      capabilities["completions"] = json::object{};
    }
  }
  const auto& info = catalog_->info;
  json::object server_info{{"name", info.name}, {"version", info.version}};
  if (!info.title.empty()) server_info["title"] = info.title;
  json::object result{
      {"protocolVersion", version}, {"capabilities", std::move(capabilities)}, {"serverInfo", std::move(server_info)}};
  if (!info.instructions.empty()) result["instructions"] = info.instructions;
  return result;
}

NativeSession::Answer NativeSession::list_page(const json::value& params, std::string_view key) {
  std::size_t offset = 0;
  if (auto cursor = string_field(object_or_empty(params), "cursor")) {
    auto [p, ec] = std::from_chars(cursor->data(), cursor->data() + cursor->size(), offset);
    if (ec != std::errc{} || p != cursor->data() + cursor->size()) {
      return invalid_params("Invalid cursor '" + std::string(*cursor) + "': pass the nextCursor of the previous page");
    }
  }
  json::array items;
  std::size_t total = 0;
  const std::size_t page = std::max<std::size_t>(catalog_->page_size, 1);
  auto take = [&](const auto& list) {
    total = list.size();
    for (std::size_t i = offset; i < list.size() && items.size() < page; ++i) items.push_back(list[i]->describe());
  };
  {
    std::shared_lock lock(catalog_->mu);
    if (key == "tools")
      take(catalog_->tools);
    else if (key == "resources")
      take(catalog_->resources);
    else if (key == "resourceTemplates")
      take(catalog_->templates);
    else
      take(catalog_->prompts);
  }
  if (offset > total) return invalid_params("Invalid cursor: past the end of the list");
  json::object result{{key, std::move(items)}};
  if (offset + page < total) result["nextCursor"] = std::to_string(offset + page);
  return result;
}

Task<NativeSession::Answer> NativeSession::call_tool(const jsonrpc::Message& m) {
  const auto& p = object_or_empty(m.params);
  auto name = string_field(p, "name");
  if (!name) co_return invalid_params("tools/call: params.name (string) is required");
  auto tool = catalog_->find_tool(*name);
  auto started = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  if (!tool) {
    catalog_->metrics.record_tool_call(*name, "unknown_tool", 0);
    co_return invalid_params("Unknown tool: " + std::string(*name) + " (tools/list shows the available tools)");
  }
  json::object arguments;
  if (auto* a = p.if_contains("arguments"); a != nullptr && !a->is_null()) {
    if (!a->is_object()) co_return invalid_params("tools/call: params.arguments must be an object");
    arguments = a->get_object();
  }
  auto violations = validate_json_schema(arguments, tool->input_schema);
  if (!violations.empty()) {
    catalog_->metrics.record_tool_call(tool->name, "invalid_arguments", seconds());
    std::string message = "Invalid arguments for tool " + tool->name + ": " + describe_violations(violations);
    // Since 2025-11-25 input validation failures are tool execution errors the model can read
    // and correct (SEP-1303); earlier versions answer them as invalid params.
    if (pmcp::version_at_least(protocol_version(), "2025-11-25"))
      co_return json::value(pmcp::tool_error_result(message));
    co_return invalid_params(message);
  }
  json::value token;
  if (auto* meta = p.if_contains("_meta"); meta != nullptr && meta->is_object()) {
    if (auto* t = meta->get_object().if_contains("progressToken")) token = *t;
  }
  CallContextImpl context(shared_from_this(), m.id, std::move(token));
  ToolResult result;
  std::string outcome = "ok";
  try {
    result = co_await tool->handler(arguments, context);
    if (result.is_error) outcome = "tool_error";
  } catch (const boost::system::system_error& e) {
    if (e.code() == boost::asio::error::operation_aborted) throw;  // cancelled: no answer
    result = ToolResult::error(std::string("Error executing tool ") + tool->name + ": " + e.what());
    outcome = "exception";
  } catch (const std::exception& e) {
    result = ToolResult::error(std::string("Error executing tool ") + tool->name + ": " + e.what());
    outcome = "exception";
  }
  catalog_->metrics.record_tool_call(tool->name, outcome, seconds());
  co_return json::value(result.to_json());
}

Task<NativeSession::Answer> NativeSession::read_resource(const json::value& params) {
  auto uri = string_field(object_or_empty(params), "uri");
  if (!uri) co_return invalid_params("resources/read: params.uri (string) is required");
  std::shared_ptr<const Resource> direct;
  std::shared_ptr<const ResourceTemplate> templ;
  std::map<std::string, std::string> vars;
  {
    std::shared_lock lock(catalog_->mu);
    for (const auto& r : catalog_->resources) {
      if (r->uri == *uri) direct = r;
    }
    for (const auto& t : catalog_->templates) {
      if (direct || templ) break;
      if (auto v = t->match(*uri)) {
        templ = t;
        vars = std::move(*v);
      }
    }
  }
  Result<std::vector<ResourceContents>> contents = Error{ErrorKind::not_found, ""};
  if (direct)
    contents = co_await direct->read(std::string(*uri));
  else if (templ)
    contents = co_await templ->read(std::string(*uri), vars);
  if (!contents) {
    co_return jsonrpc::ErrorObject{pmcp::kResourceNotFound, "Resource not found: " + std::string(*uri),
                                   json::object{{"uri", *uri}}};
  }
  json::array out;
  for (const auto& c : *contents) out.push_back(c.to_json());
  co_return json::object{{"contents", std::move(out)}};
}

Task<NativeSession::Answer> NativeSession::get_prompt(const json::value& params) {
  const auto& p = object_or_empty(params);
  auto name = string_field(p, "name");
  if (!name) co_return invalid_params("prompts/get: params.name (string) is required");
  auto prompt = catalog_->find_prompt(*name);
  if (!prompt) co_return invalid_params("Unknown prompt: " + std::string(*name));
  std::map<std::string, std::string> args;
  if (auto* a = p.if_contains("arguments"); a != nullptr && a->is_object()) {
    for (const auto& [k, v] : a->get_object()) {
      if (!v.is_string()) co_return invalid_params("prompts/get: argument '" + std::string(k) + "' must be a string");
      args[std::string(k)] = std::string(v.get_string());
    }
  }
  for (const auto& arg : prompt->arguments) {
    if (arg.required && !args.count(arg.name)) {
      co_return invalid_params("prompts/get: missing required argument '" + arg.name + "' of prompt " + prompt->name);
    }
  }
  auto messages = co_await prompt->get(args);
  if (!messages) co_return invalid_params(messages.error().message);
  json::object result{{"messages", std::move(*messages)}};
  if (!prompt->description.empty()) result["description"] = prompt->description;
  co_return result;
}

NativeSession::Answer NativeSession::complete(const json::value& params) {
  const auto& p = object_or_empty(params);
  const auto* ref = p.if_contains("ref");
  const auto* argument = p.if_contains("argument");
  if (ref == nullptr || !ref->is_object() || argument == nullptr || !argument->is_object()) {
    return invalid_params("completion/complete: params.ref and params.argument (objects) are required");
  }
  auto type = string_field(ref->get_object(), "type").value_or("");
  auto arg_name = string_field(argument->get_object(), "name").value_or("");
  auto prefix = string_field(argument->get_object(), "value").value_or("");
  json::array values;
  if (type == "ref/prompt") {
    auto prompt = catalog_->find_prompt(string_field(ref->get_object(), "name").value_or(""));
    if (!prompt) return invalid_params("completion/complete: unknown prompt in params.ref.name");
    for (const auto& a : prompt->arguments) {
      if (a.name != arg_name) continue;
      for (const auto& s : a.suggestions) {
        if (s.compare(0, prefix.size(), prefix) == 0 && values.size() < 100) values.push_back(json::value(s));
      }
    }
  } else if (type != "ref/resource") {
    return invalid_params("completion/complete: params.ref.type must be ref/prompt or ref/resource");
  }
  auto total = values.size();
  return json::object{
      {"completion", json::object{{"values", std::move(values)}, {"total", total}, {"hasMore", false}}}};
}

NativeSession::Answer NativeSession::set_level(const json::value& params) {
  auto level = string_field(object_or_empty(params), "level");
  auto rank = level ? pmcp::log_level_rank(*level) : std::nullopt;
  if (!rank) {
    return invalid_params(
        "logging/setLevel: params.level must be one of debug, info, notice, warning, error, "
        "critical, alert, emergency");
  }
  std::lock_guard lock(mu_);
  min_log_rank_ = *rank;
  return json::object{};
}

NativeSession::Answer NativeSession::subscribe(const json::value& params, bool on) {
  auto uri = string_field(object_or_empty(params), "uri");
  if (!uri)
    return invalid_params(std::string(on ? "resources/subscribe" : "resources/unsubscribe") +
                          ": params.uri (string) is required");
  std::lock_guard lock(mu_);
  if (on)
    subscriptions_.insert(std::string(*uri));
  else if (auto it = subscriptions_.find(*uri); it != subscriptions_.end())
    subscriptions_.erase(it);
  return json::object{};
}

bool NativeSession::wants_log(std::string_view level) const {
  auto rank = pmcp::log_level_rank(level);
  std::lock_guard lock(mu_);
  return rank && *rank >= min_log_rank_;
}

std::string NativeSession::protocol_version() const {
  std::lock_guard lock(mu_);
  return protocol_version_;
}

bool NativeSession::subscribed(std::string_view uri) const {
  std::lock_guard lock(mu_);
  return subscriptions_.find(uri) != subscriptions_.end();
}

Task<Result<json::value>> NativeSession::request(std::string_view method, json::value params,
                                                 const json::value& related, std::chrono::milliseconds timeout) {
  using namespace boost::asio::experimental::awaitable_operators;
  auto ex = co_await boost::asio::this_coro::executor;
  auto pending = std::make_shared<Pending>();
  pending->wake = std::make_shared<Wakeup>(ex, 1);
  std::string id;
  {
    std::lock_guard lock(mu_);
    if (closed_) co_return Error{ErrorKind::cancelled, "the MCP session ended"};
    id = "kaos-" + std::to_string(next_request_++);
    pending_[request_key(json::value(id))] = pending;
  }
  outbound_->send(jsonrpc::request_json(json::value(id), method, params), related);
  boost::asio::steady_timer timer(ex, timeout);
  struct Forget {
    NativeSession& s;
    std::string key;
    ~Forget() {
      std::lock_guard lock(s.mu_);
      s.pending_.erase(key);
    }
  } forget{*this, request_key(json::value(id))};
  auto woke = co_await (pending->wake->async_receive(boost::asio::use_awaitable) ||
                        timer.async_wait(boost::asio::use_awaitable));
  if (woke.index() == 1 || !pending->reply) {
    co_return Error{ErrorKind::timeout, std::string(method) + ": the client did not answer within " +
                                            std::to_string(timeout.count()) + " ms"};
  }
  co_return std::move(*pending->reply);
}

void NativeSession::resolve(const jsonrpc::Message& m) {
  std::shared_ptr<Pending> p;
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(request_key(m.id));
    if (it == pending_.end()) return;  // late or unknown answer: nothing waits for it
    p = it->second;
    pending_.erase(it);
  }
  if (m.kind == jsonrpc::Message::Kind::error) {
    p->reply = Reply(
        Error::rpc(m.error.code, m.error.message + " (code " + std::to_string(m.error.code) + ")", ErrorKind::remote));
  } else {
    p->reply = Reply(m.result);
  }
  p->wake->try_send(boost::system::error_code{});
}

}  // namespace kaos::mcp::detail
