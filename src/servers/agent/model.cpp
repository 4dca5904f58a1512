#include "servers/agent/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>
#include <cctype>

#include "servers/agent/delegation.hpp"

namespace kaos::agent {

namespace {

using clients::openai::ChatClient;

/// Appends the compact serialization of `a` to `out` (no intermediate string).
void append_json(std::string& out, const json::array& a) {
  json::serializer sr;
  sr.reset(&a);
  while (!sr.done()) {
    const auto used = out.size();
    out.resize(std::max<std::size_t>(out.capacity(), used + 1024));
    auto written = sr.read(out.data() + used, out.size() - used);
    out.resize(used + written.size());
  }
}

class NativeSession final : public ModelSession {
 public:
  NativeSession(ChatClient& chat, const std::string& model, std::chrono::milliseconds timeout)
      : chat_(chat), model_(model), timeout_(timeout) {}
  net::Task<Result<ModelReply>> complete(const json::array& messages, const ToolDefinitions& tools,
                                         const net::Headers& headers) override {
    auto body = chat_request_body(model_, messages, tools);
    auto r = co_await chat_.complete_raw(std::move(body), headers, timeout_);
    if (!r) co_return r.error();
    co_return ModelReply{std::move(r->content), std::move(r->tool_calls), r->usage, r->has_usage};
  }

 private:
  ChatClient& chat_;
  const std::string& model_;
  std::chrono::milliseconds timeout_;
};

class StringSession final : public ModelSession {
 public:
  StringSession(ChatClient& chat, const std::string& model, std::chrono::milliseconds timeout)
      : chat_(chat), model_(model), timeout_(timeout) {}
  net::Task<Result<ModelReply>> complete(const json::array& messages, const ToolDefinitions& tools,
                                         const net::Headers& headers) override {
    auto plain = string_mode_messages(messages, tools.array);
    const ToolDefinitions none;  // string mode describes the tools in the system prompt instead
    auto body = chat_request_body(model_, plain, none);
    auto r = co_await chat_.complete_raw(std::move(body), headers, timeout_);
    ModelReply reply;
    if (!r) {
      // KAOS's string mode answers model failures as text rather than failing the run.
      reply.content = "[Model error: " + r.error().message + "]";
      co_return reply;
    }
    reply.usage = r->usage;
    reply.has_usage = r->has_usage;
    reply.tool_calls = parse_string_mode_calls(r->content);
    if (reply.tool_calls.empty()) reply.content = std::move(r->content);
    co_return reply;
  }

 private:
  ChatClient& chat_;
  const std::string& model_;
  std::chrono::milliseconds timeout_;
};

class MockSession final : public ModelSession {
 public:
  explicit MockSession(const std::vector<std::string>& responses) : responses_(responses) {}
  net::Task<Result<ModelReply>> complete(const json::array&, const ToolDefinitions&, const net::Headers&) override {
    if (next_ >= responses_.size()) co_return ModelReply{"[no more mock responses]", {}, {}, false};
    co_return mock_reply(responses_[next_++]);
  }

 private:
  const std::vector<std::string>& responses_;
  std::size_t next_ = 0;
};

class ChatModel final : public Model {
 public:
  ChatModel(ChatClient& chat, std::string model, ToolCallMode mode, std::chrono::milliseconds timeout)
      : chat_(chat), model_(std::move(model)), mode_(mode), timeout_(timeout) {}
  std::unique_ptr<ModelSession> session() override {
    if (mode_ == ToolCallMode::string) return std::make_unique<StringSession>(chat_, model_, timeout_);
    return std::make_unique<NativeSession>(chat_, model_, timeout_);
  }
  const std::string& label() const override { return model_; }

 private:
  ChatClient& chat_;
  std::string model_;
  ToolCallMode mode_;
  std::chrono::milliseconds timeout_;
};

class MockModel final : public Model {
 public:
  explicit MockModel(std::vector<std::string> responses) : responses_(std::move(responses)) {}
  std::unique_ptr<ModelSession> session() override { return std::make_unique<MockSession>(responses_); }
  const std::string& label() const override { return label_; }

 private:
  std::vector<std::string> responses_;
  std::string label_ = "mock";
};

// Reads one {"<name_key>","arguments"} call ({"name"} natively, KAOS's older {"tool"}); arguments
// as an object or JSON text.
std::optional<ToolCall> read_call(const json::object& o, std::string_view id_prefix,
                                  std::string_view name_key = "name") {
  auto name = string_field(o, name_key);
  if (!name || name->empty()) return std::nullopt;
  ToolCall tc;
  tc.name = std::string(*name);
  if (auto id = string_field(o, "id")) tc.id = std::string(*id);
  if (tc.id.empty()) tc.id = std::string(id_prefix) + tc.name;
  if (const auto* a = find_field(o, "arguments")) {
    tc.arguments = a->is_string() ? std::string(a->get_string()) : to_json(*a);
  } else {
    tc.arguments = "{}";
  }
  return tc;
}

// KAOS's older delegation {"agent": P, "task": X} is a call of delegate_to_P with {"task": X}.
std::optional<ToolCall> read_delegation(const json::object& o, std::string_view id_prefix) {
  auto agent = string_field(o, "agent");
  if (!agent || agent->empty()) return std::nullopt;
  ToolCall tc;
  tc.name = delegation_tool_name(*agent);
  tc.id = std::string(id_prefix) + tc.name;
  json::object args;
  if (const auto* task = find_field(o, "task")) args["task"] = *task;
  tc.arguments = to_json(args);
  return tc;
}

// The JSON object in the first fenced block tagged `tag`: ```tag, a line break, the object, ```.
// `span` receives where the block starts and ends in `text`.
std::optional<json::object> fenced_object(std::string_view text, std::string_view tag,
                                          std::pair<std::size_t, std::size_t>& span) {
  const std::string open = "```" + std::string(tag);
  for (auto at = text.find(open); at != std::string_view::npos; at = text.find(open, at + 1)) {
    auto body = at + open.size();
    while (body < text.size() && (text[body] == ' ' || text[body] == '\t' || text[body] == '\r')) ++body;
    if (body >= text.size() || text[body] != '\n') continue;  // another tag ("```tool_calls")
    auto close = text.find("```", body);
    if (close == std::string_view::npos) return std::nullopt;
    auto v = parse_json(text.substr(body + 1, close - body - 1));
    if (!v || !v->is_object()) continue;
    span = {at, close + 3};
    return std::move(v->get_object());
  }
  return std::nullopt;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

/// KAOS's pre-PAIS text protocol (KAOS-REFERENCE §2.6): a reply holding a ```tool_call block
/// {"tool": T, "arguments": A}, else a ```delegate block {"agent": P, "task": X}. The call,
/// and the reply's text around the block as its content.
std::optional<ModelReply> text_protocol_call(std::string_view text, std::string_view id_prefix) {
  std::pair<std::size_t, std::size_t> span;
  std::optional<ToolCall> call;
  if (auto o = fenced_object(text, "tool_call", span)) call = read_call(*o, id_prefix, "tool");
  if (!call)
    if (auto o = fenced_object(text, "delegate", span)) call = read_delegation(*o, id_prefix);
  if (!call) return std::nullopt;
  ModelReply reply;
  reply.tool_calls.push_back(std::move(*call));
  auto before = trimmed(text.substr(0, span.first));
  auto after = trimmed(text.substr(span.second));
  reply.content = std::string(before);
  if (!before.empty() && !after.empty()) reply.content += '\n';
  reply.content += after;
  return reply;
}

std::vector<ToolCall> read_calls(const json::value& v, std::string_view id_prefix) {
  std::vector<ToolCall> out;
  const auto* o = v.if_object();
  if (!o) return out;
  if (const auto* calls = find_field(*o, "tool_calls")) {
    if (!calls->is_array()) return out;
    for (const auto& c : calls->get_array()) {
      if (!c.is_object()) continue;
      if (auto tc = read_call(c.get_object(), id_prefix)) out.push_back(std::move(*tc));
    }
    return out;
  }
  if (o->contains("arguments"))
    if (auto tc = read_call(*o, id_prefix)) out.push_back(std::move(*tc));
  if (out.empty())
    if (auto tc = read_call(*o, id_prefix, "tool")) out.push_back(std::move(*tc));  // KAOS's older {"tool"}
  return out;
}

}  // namespace

ToolDefinitions::ToolDefinitions(json::array tools) : array(std::move(tools)) {
  if (!array.empty()) text = to_json(array);
}

std::string chat_request_body(const std::string& model, const json::array& messages, const ToolDefinitions& tools) {
  std::string body;
  body.reserve(64 + model.size() + tools.text.size() + 256 * messages.size());
  body += "{\"model\":";
  body += json::serialize(json::string_view(model));
  body += ",\"messages\":";
  append_json(body, messages);
  if (!tools.text.empty()) {
    body += ",\"tools\":";
    body += tools.text;
  }
  body += '}';
  return body;
}

std::unique_ptr<Model> make_model(const AgentConfig& config, clients::openai::ChatClient* chat) {
  if (config.mock_responses) return std::make_unique<MockModel>(*config.mock_responses);
  return std::make_unique<ChatModel>(*chat, config.model_name, config.tool_call_mode, config.model_timeout);
}

ModelReply mock_reply(const std::string& response) {
  ModelReply reply;
  if (auto v = parse_json(response); v && v->is_object()) {
    const auto& o = v->get_object();
    if (o.contains("tool_calls")) {
      reply.tool_calls = read_calls(*v, "mock_");
    } else if (auto tc = read_call(o, "mock_", "tool")) {
      reply.tool_calls.push_back(std::move(*tc));
    }
    if (!reply.tool_calls.empty()) return reply;
  }
  if (auto call = text_protocol_call(response, "mock_")) return std::move(*call);
  reply.content = response;
  return reply;
}

std::string string_mode_tool_prompt(const json::array& tools) {
  std::string out = "\n\nYou have access to the following tools:\n";
  for (const auto& t : tools) {
    const auto* fn = t.is_object() ? find_field(t.get_object(), "function") : nullptr;
    if (!fn || !fn->is_object()) continue;
    const auto& f = fn->get_object();
    out += fmt::format("- {}: {}\n  parameters: {}\n", string_field(f, "name").value_or(""),
                       string_field(f, "description").value_or(""),
                       find_field(f, "parameters") ? to_json(*find_field(f, "parameters")) : "{}");
  }
  out +=
      "\nTo call tools, respond ONLY with a JSON object of the form "
      "{\"tool_calls\": [{\"name\": \"<tool name>\", \"arguments\": {<arguments>}}]} and nothing else. "
      "When you have all the information you need, respond with plain text.";
  return out;
}

json::array string_mode_messages(const json::array& messages, const json::array& tools) {
  json::array out;
  bool system_done = false;
  std::string tool_prompt = tools.empty() ? std::string() : string_mode_tool_prompt(tools);
  for (const auto& m : messages) {
    if (!m.is_object()) continue;
    const auto& o = m.get_object();
    auto role = string_field(o, "role").value_or("user");
    json::object plain;
    if (role == "system") {
      plain["role"] = "system";
      std::string text = protocol::openai::content_text(find_field(o, "content"));
      if (!system_done) text += tool_prompt;
      system_done = true;
      plain["content"] = text;
    } else if (role == "tool") {
      plain["role"] = "user";
      plain["content"] = "Tool result: " + protocol::openai::content_text(find_field(o, "content"));
    } else if (role == "assistant" && find_field(o, "tool_calls")) {
      json::array calls;
      for (const auto& c : find_field(o, "tool_calls")->get_array()) {
        const auto& fn = c.get_object().at("function").get_object();
        json::object call;
        call["name"] = fn.at("name");
        auto args = parse_json(string_field(fn, "arguments").value_or("{}"));
        call["arguments"] = args ? *args : json::value(json::object{});
        calls.push_back(std::move(call));
      }
      json::object wrapper;
      wrapper["tool_calls"] = std::move(calls);
      plain["role"] = "assistant";
      plain["content"] = to_json(wrapper);
    } else {
      plain["role"] = role;
      plain["content"] = protocol::openai::content_text(find_field(o, "content"));
    }
    out.push_back(std::move(plain));
  }
  if (!system_done && !tool_prompt.empty()) {
    json::object sys;
    sys["role"] = "system";
    sys["content"] = tool_prompt.substr(2);
    out.insert(out.begin(), std::move(sys));
  }
  return out;
}

std::vector<ToolCall> parse_string_mode_calls(std::string_view text) {
  // KAOS's older ```tool_call / ```delegate blocks first.
  if (auto call = text_protocol_call(text, "string_")) return std::move(call->tool_calls);
  // A fenced block (```json ... ``` or ``` ... ```), else the outermost {...}.
  std::string_view candidate;
  if (auto fence = text.find("```"); fence != std::string_view::npos) {
    auto body = text.find('\n', fence);
    auto end = body == std::string_view::npos ? body : text.find("```", body);
    if (body != std::string_view::npos && end != std::string_view::npos)
      candidate = text.substr(body + 1, end - body - 1);
  }
  if (candidate.empty()) {
    auto open = text.find('{');
    auto close = text.rfind('}');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return {};
    candidate = text.substr(open, close - open + 1);
  }
  auto v = parse_json(candidate);
  if (!v) return {};
  return read_calls(*v, "string_");
}

}  // namespace kaos::agent
