// A2aClient: JSON-RPC framing over net::HttpClient (see a2a_client.hpp for the error contract).
#include "clients/a2a/a2a_client.hpp"

#include <array>
#include <atomic>

#include "core/ids.hpp"

#include "protocol/jsonrpc/message.hpp"

namespace kaos::clients::a2a {
namespace pa = protocol::a2a;
namespace {

constexpr std::size_t kExcerpt = 300;
constexpr std::array<std::string_view, 2> kCardPaths{"/.well-known/agent-card.json",
                                                     "/.well-known/agent.json"};  // of a bad body, in error messages

std::atomic<std::int64_t> next_request_id{1};

std::string excerpt(std::string_view body) {
  return std::string(body.substr(0, kExcerpt)) + (body.size() > kExcerpt ? "..." : "");
}

net::ClientRequest make_request(std::string method, std::string url, net::Headers headers, std::string body,
                                std::chrono::milliseconds timeout) {
  net::ClientRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers = std::move(headers);
  r.timeout = timeout;
  if (!r.headers.has("Accept")) r.headers.set("Accept", "application/json");
  if (!body.empty()) {
    r.headers.set("Content-Type", "application/json");
    r.body = std::move(body);
  }
  return r;
}

// The message a server put in its error body ({"detail"}, {"error":{"message"}}), else an excerpt.
Error http_error(const net::ClientResponse& res, std::string_view url) {
  std::string detail = excerpt(res.body);
  if (auto body = parse_json(res.body); body && body->is_object()) {
    const auto& o = body->as_object();
    if (auto d = string_field(o, "detail")) detail = std::string(*d);
    if (const auto* e = find_field(o, "error"); e && e->is_object()) {
      if (auto m = string_field(e->as_object(), "message")) detail = std::string(*m);
    }
  }
  return Error::http(res.status, "HTTP " + std::to_string(res.status) + " from " + std::string(url) + ": " + detail);
}

// A JSON-RPC answer: `result`, or the peer's error as an ErrorKind::rpc Error (with its code). Servers answer errors
// with 200 (A2A, KAOS) or with a 4xx/5xx carrying the JSON-RPC body; both are read here.
Result<json::value> read_rpc_answer(const net::ClientResponse& res, std::string_view url) {
  auto body = parse_json(res.body);
  if (!body || !body->is_object()) {
    if (res.status < 200 || res.status >= 300) return http_error(res, url);
    return Error{ErrorKind::protocol, "invalid JSON-RPC answer from " + std::string(url) + ": " + excerpt(res.body)};
  }
  const auto& o = body->as_object();
  if (const auto* e = find_field(o, "error"); e && e->is_object()) {
    auto msg = std::string(string_field(e->as_object(), "message").value_or("JSON-RPC error"));
    if (auto code = int_field(e->as_object(), "code")) return Error::rpc(static_cast<int>(*code), std::move(msg));
    return Error{ErrorKind::rpc, std::move(msg)};
  }
  if (res.status < 200 || res.status >= 300) return http_error(res, url);
  if (!o.contains("result")) {
    return Error{ErrorKind::protocol, "JSON-RPC answer from " + std::string(url) + " has neither result nor error"};
  }
  return o.at("result");
}

std::string_view method_for(pa::MethodKind kind, pa::Dialect d) {
  const bool v1 = d == pa::Dialect::v1;
  switch (kind) {
    case pa::MethodKind::get:
      return v1 ? "GetTask" : "tasks/get";
    case pa::MethodKind::list:
      return v1 ? "ListTasks" : "tasks/list";
    case pa::MethodKind::cancel:
      return v1 ? "CancelTask" : "tasks/cancel";
    default:
      return pa::send_method(d);
  }
}

Result<std::string> read_chat_answer(const net::ClientResponse& res, std::string_view url) {
  if (res.status < 200 || res.status >= 300) return http_error(res, url);
  auto body = parse_json(res.body);
  if (body && body->is_object()) {
    const auto* choices = find_field(body->as_object(), "choices");
    if (choices && choices->is_array() && !choices->as_array().empty() && choices->as_array()[0].is_object()) {
      const auto* msg = find_field(choices->as_array()[0].as_object(), "message");
      if (msg && msg->is_object()) {
        if (auto content = string_field(msg->as_object(), "content")) return std::string(*content);
        return std::string();  // content null: an answer without text
      }
    }
  }
  return Error{ErrorKind::protocol, "invalid chat completion from " + std::string(url) + ": " + excerpt(res.body)};
}

}  // namespace

std::string trim_base_url(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

net::Task<Result<pa::CardView>> A2aClient::fetch_card(std::string base_url, net::Headers headers,
                                                      std::chrono::milliseconds timeout) {
  const auto base = trim_base_url(std::move(base_url));
  // A 1.0 server serves the version the client names; 0.3 servers ignore the header.
  if (!headers.has("A2A-Version")) headers.set("A2A-Version", "1.0");
  std::string attempts;
  for (std::string_view path : kCardPaths) {
    const auto url = base + std::string(path);
    auto req = make_request("GET", url, headers, std::string(), timeout);
    auto res = co_await http_.send(std::move(req));
    if (!res) co_return res.error();  // unreachable peer: the second path would fail alike
    if (res->status < 200 || res->status >= 300) {
      attempts += (attempts.empty() ? "" : "; ") + http_error(*res, url).message;
      continue;
    }
    auto json = parse_json(res->body);
    if (!json) {
      attempts += (attempts.empty() ? "" : "; ") + url + ": " + json.error().message;
      continue;
    }
    auto card = pa::parse_agent_card(*json);
    if (card) co_return card;
    attempts += (attempts.empty() ? "" : "; ") + url + ": " + card.error().message;
  }
  co_return Error{ErrorKind::not_found, "no agent card at " + base + " (" + attempts + ")"};
}

net::Task<Result<json::value>> A2aClient::call(std::string jsonrpc_url, std::string method, json::value params,
                                               net::Headers headers, std::chrono::milliseconds timeout) {
  const json::value id = next_request_id.fetch_add(1);
  auto body = protocol::jsonrpc::request_json(id, method, params);
  if (!headers.has("A2A-Version")) headers.set("A2A-Version", "1.0");
  auto req = make_request("POST", jsonrpc_url, std::move(headers), std::move(body), timeout);
  auto res = co_await http_.send(std::move(req));
  if (!res) co_return res.error();
  co_return read_rpc_answer(*res, jsonrpc_url);
}

net::Task<Result<std::string>> A2aClient::send_message(std::string jsonrpc_url, std::string text,
                                                       std::string context_id, json::object metadata,
                                                       net::Headers headers, std::chrono::milliseconds timeout,
                                                       pa::Dialect dialect) {
  pa::Message msg;
  msg.role = "user";
  msg.text = std::move(text);
  msg.message_id = random_id("msg_", 12);
  msg.context_id = std::move(context_id);
  msg.metadata = std::move(metadata);
  json::value params = pa::send_request_params(msg, dialect);
  std::string method(pa::send_method(dialect));
  auto result =
      co_await call(std::move(jsonrpc_url), std::move(method), std::move(params), std::move(headers), timeout);
  if (!result) co_return result.error();
  co_return pa::reply_text(*result);
}

net::Task<Result<json::value>> A2aClient::get_task(std::string jsonrpc_url, std::string task_id, net::Headers headers,
                                                   std::chrono::milliseconds timeout, pa::Dialect dialect) {
  json::value params = json::object{{"id", task_id}};
  std::string method(method_for(pa::MethodKind::get, dialect));
  co_return co_await call(std::move(jsonrpc_url), std::move(method), std::move(params), std::move(headers), timeout);
}

net::Task<Result<json::value>> A2aClient::list_tasks(std::string jsonrpc_url, json::object params, net::Headers headers,
                                                     std::chrono::milliseconds timeout, pa::Dialect dialect) {
  json::value p = std::move(params);
  std::string method(method_for(pa::MethodKind::list, dialect));
  co_return co_await call(std::move(jsonrpc_url), std::move(method), std::move(p), std::move(headers), timeout);
}

net::Task<Result<json::value>> A2aClient::cancel_task(std::string jsonrpc_url, std::string task_id,
                                                      net::Headers headers, std::chrono::milliseconds timeout,
                                                      pa::Dialect dialect) {
  json::value params = json::object{{"id", task_id}};
  std::string method(method_for(pa::MethodKind::cancel, dialect));
  co_return co_await call(std::move(jsonrpc_url), std::move(method), std::move(params), std::move(headers), timeout);
}

net::Task<Result<std::string>> A2aClient::chat_fallback(std::string base_url, std::string model, json::array messages,
                                                        net::Headers headers, std::chrono::milliseconds timeout) {
  const auto url = trim_base_url(std::move(base_url)) + "/v1/chat/completions";
  json::object body;
  body["model"] = model;
  body["messages"] = std::move(messages);
  body["stream"] = false;
  auto req = make_request("POST", url, std::move(headers), to_json(body), timeout);
  auto res = co_await http_.send(std::move(req));
  if (!res) co_return res.error();
  co_return read_chat_answer(*res, url);
}

}  // namespace kaos::clients::a2a
