#include "clients/openai/chat_client.hpp"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>

namespace kaos::clients::openai {

namespace {

// The provider's own words for a failed call: OpenAI's {"error":{"message"}}, KAOS's
// {"detail"}, or the first bytes of whatever came back.
std::string upstream_message(const net::ClientResponse& r) {
  if (auto v = parse_json(r.body); v && v->is_object()) {
    const auto& o = v->get_object();
    if (const auto* e = find_field(o, "error")) {
      if (e->is_object()) {
        if (auto m = string_field(e->get_object(), "message")) return std::string(*m);
      } else if (e->is_string()) {
        return std::string(e->get_string());
      }
    }
    if (auto d = string_field(o, "detail")) return std::string(*d);
  }
  return r.body.substr(0, 200);
}

}  // namespace

Result<ChatReply> parse_chat_completion(std::string_view body) {
  auto parsed = parse_json(body);
  if (!parsed) return Error{ErrorKind::protocol, "model API returned invalid JSON: " + parsed.error().message};
  if (!parsed->is_object()) return Error{ErrorKind::protocol, "model API returned JSON that is not an object"};
  const auto& o = parsed->get_object();
  ChatReply reply;
  if (auto m = string_field(o, "model")) reply.model = std::string(*m);
  if (auto u = protocol::openai::usage_of(o)) {
    reply.usage = *u;
    reply.has_usage = true;
  }
  const auto* choices = find_field(o, "choices");
  if (!choices || !choices->is_array() || choices->get_array().empty() || !choices->get_array()[0].is_object())
    return Error{ErrorKind::protocol, "model API answer has no choices[0]"};
  const auto& choice = choices->get_array()[0].get_object();
  if (auto f = string_field(choice, "finish_reason")) reply.finish_reason = std::string(*f);
  const auto* message = find_field(choice, "message");
  if (!message || !message->is_object())
    return Error{ErrorKind::protocol, "model API answer has no choices[0].message"};
  const auto& msg = message->get_object();
  reply.content = protocol::openai::content_text(find_field(msg, "content"));
  if (const auto* calls = find_field(msg, "tool_calls")) {
    if (!calls->is_array()) return Error{ErrorKind::protocol, "choices[0].message.tool_calls must be an array"};
    std::size_t i = 0;
    for (const auto& c : calls->get_array()) {
      const auto* call = c.if_object();
      const json::object* fn = nullptr;
      if (call) {
        if (const auto* f = find_field(*call, "function"); f && f->is_object()) fn = &f->get_object();
      }
      auto name = fn ? string_field(*fn, "name") : std::nullopt;
      if (!name || name->empty())
        return Error{ErrorKind::protocol, fmt::format("choices[0].message.tool_calls[{}].function.name is missing", i)};
      ToolCall tc;
      tc.name = std::string(*name);
      if (auto id = string_field(*call, "id")) tc.id = std::string(*id);
      if (tc.id.empty()) tc.id = fmt::format("call_{}_{}", i, tc.name);
      if (const auto* a = find_field(*fn, "arguments")) {
        // Some servers send an object instead of the JSON text the API specifies.
        tc.arguments = a->is_string() ? std::string(a->get_string()) : to_json(*a);
      }
      reply.tool_calls.push_back(std::move(tc));
      ++i;
    }
  }
  return reply;
}

std::string chat_base_url(std::string_view model_api_url) {
  std::string base(model_api_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.size() < 3 || base.compare(base.size() - 3, 3, "/v1") != 0) base += "/v1";
  return base;
}

ChatClient::ChatClient(net::HttpClient& http, std::string base_url, std::string api_key)
    : http_(http),
      base_url_(std::move(base_url)),
      url_(base_url_ + "/chat/completions"),
      api_key_(std::move(api_key)) {}

net::Task<Result<ChatReply>> ChatClient::complete(const json::object& body, const net::Headers& headers,
                                                  std::chrono::milliseconds timeout) {
  auto text = to_json(body);
  co_return co_await complete_raw(std::move(text), headers, timeout);
}

net::Task<Result<ChatReply>> ChatClient::complete_raw(std::string body, const net::Headers& headers,
                                                      std::chrono::milliseconds timeout) {
  net::ClientRequest req;
  req.method = "POST";
  req.url = url_;
  req.headers = headers;
  req.headers.set("Content-Type", "application/json");
  req.headers.set("Accept", "application/json");
  // A configured key is the agent's own credential for its model and wins; without one the
  // caller's Authorization (propagated by the agent, KAOS §2.12) reaches the ModelAPI gateway.
  if (!api_key_.empty()) req.headers.set("Authorization", "Bearer " + api_key_);
  req.body = std::move(body);
  req.timeout = timeout;
  auto res = co_await http_.send(std::move(req));
  if (!res) co_return res.error();
  if (res->status < 200 || res->status >= 300)
    co_return Error::http(res->status, fmt::format("model API returned {}: {}", res->status, upstream_message(*res)),
                          ErrorKind::upstream);
  co_return parse_chat_completion(res->body);
}

}  // namespace kaos::clients::openai
