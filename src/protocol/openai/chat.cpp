#include "protocol/openai/chat.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/stream_parser.hpp>
#include <chrono>

namespace kaos::protocol::openai {

namespace {
bool known_role(std::string_view r) {
  return r == "system" || r == "developer" || r == "user" || r == "assistant" || r == "tool" || r == "function";
}
FieldError field_error(std::string param, std::string what) {
  std::string msg = "'" + param + "' " + what;
  return {std::move(param), std::move(msg)};
}
}  // namespace

std::optional<FieldError> validate_chat_request(const json::object& req, ChatRequestInfo& info) {
  const auto* model = req.if_contains("model");
  if (!model || model->is_null()) return field_error("model", "is required");
  if (!model->is_string()) return field_error("model", "must be a string, got " + std::string(json_kind_name(*model)));
  if (model->get_string().empty()) return field_error("model", "must not be empty");
  info.model = model->get_string();

  const auto* messages = req.if_contains("messages");
  if (!messages || messages->is_null()) return field_error("messages", "is required");
  if (!messages->is_array())
    return field_error("messages", "must be an array, got " + std::string(json_kind_name(*messages)));
  const auto& arr = messages->get_array();
  if (arr.empty()) return field_error("messages", "must contain at least one message");
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const std::string path = "messages[" + std::to_string(i) + "]";
    if (!arr[i].is_object()) return field_error(path, "must be an object, got " + std::string(json_kind_name(arr[i])));
    const auto& m = arr[i].get_object();
    const auto* role = m.if_contains("role");
    if (!role || role->is_null()) return field_error(path + ".role", "is required");
    if (!role->is_string()) return field_error(path + ".role", "must be a string");
    if (!known_role(role->get_string()))
      return field_error(path + ".role", "must be one of system, developer, user, assistant, tool; got '" +
                                             std::string(role->get_string()) + "'");
    if (const auto* c = m.if_contains("content"); c && !c->is_null() && !c->is_string() && !c->is_array())
      return field_error(path + ".content", "must be a string, an array of content parts or null");
  }

  if (const auto* s = req.if_contains("stream"); s && !s->is_null()) {
    if (!s->is_bool()) return field_error("stream", "must be a boolean");
    info.stream = s->get_bool();
  }
  if (const auto* so = req.if_contains("stream_options"); so && !so->is_null()) {
    if (!so->is_object()) return field_error("stream_options", "must be an object");
    if (const auto* iu = so->get_object().if_contains("include_usage"); iu && iu->is_bool())
      info.include_usage = iu->get_bool();
  }
  if (const auto* t = req.if_contains("tools"); t && !t->is_null()) {
    if (!t->is_array()) return field_error("tools", "must be an array");
    const auto& tools = t->get_array();
    for (std::size_t i = 0; i < tools.size(); ++i) {
      const std::string path = "tools[" + std::to_string(i) + "]";
      if (!tools[i].is_object()) return field_error(path, "must be an object");
      const auto* fn = tools[i].get_object().if_contains("function");
      if (!fn || !fn->is_object()) return field_error(path + ".function", "is required and must be an object");
      const auto* name = fn->get_object().if_contains("name");
      if (!name || !name->is_string()) return field_error(path + ".function.name", "is required and must be a string");
    }
  }
  return std::nullopt;
}

std::optional<Usage> usage_of(const json::object& obj) {
  const auto* u = obj.if_contains("usage");
  if (!u || !u->is_object()) return std::nullopt;
  Usage out;
  const auto& o = u->get_object();
  if (const auto* p = o.if_contains("prompt_tokens")) out.prompt_tokens = as_int64(*p).value_or(0);
  if (const auto* c = o.if_contains("completion_tokens")) out.completion_tokens = as_int64(*c).value_or(0);
  return out;
}

std::optional<Usage> extract_usage(std::string_view text) {
  constexpr std::string_view kKey = "\"usage\"";
  auto pos = text.rfind(kKey);
  if (pos == std::string_view::npos) return std::nullopt;
  pos += kKey.size();
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n' || text[pos] == '\r' || text[pos] == '\t')) ++pos;
  if (pos >= text.size() || text[pos] != ':') return std::nullopt;
  ++pos;
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n' || text[pos] == '\r' || text[pos] == '\t')) ++pos;
  if (pos >= text.size() || text[pos] != '{') return std::nullopt;
  unsigned char buf[1024];
  json::monotonic_resource mr(buf, sizeof buf);
  // The value goes to `mr` (reset), the parser's working stack to `scratch`: no heap use for a
  // usage object (a stream_parser's constructor storage is only for its temporaries).
  unsigned char scratch[512];
  json::stream_parser p({}, {}, scratch, sizeof scratch);
  p.reset(&mr);
  boost::system::error_code ec;
  p.write_some(text.data() + pos, text.size() - pos, ec);
  if (ec || !p.done()) return std::nullopt;
  json::value v = p.release();
  if (!v.is_object()) return std::nullopt;
  Usage out;
  const auto& o = v.get_object();
  if (const auto* pt = o.if_contains("prompt_tokens")) out.prompt_tokens = as_int64(*pt).value_or(0);
  if (const auto* ct = o.if_contains("completion_tokens")) out.completion_tokens = as_int64(*ct).value_or(0);
  return out;
}

json::object usage_json(const Usage& u) {
  json::object o;
  o["prompt_tokens"] = u.prompt_tokens;
  o["completion_tokens"] = u.completion_tokens;
  o["total_tokens"] = u.total();
  return o;
}

std::string content_text(const json::value* content) {
  if (!content || content->is_null()) return {};
  if (content->is_string()) return std::string(content->get_string());
  std::string out;
  if (content->is_array()) {
    for (const auto& part : content->get_array()) {
      if (!part.is_object()) continue;
      const auto& p = part.get_object();
      const auto* type = p.if_contains("type");
      const auto* text = p.if_contains("text");
      if (text && text->is_string() && (!type || (type->is_string() && type->get_string() == "text")))
        out.append(text->get_string());
    }
  }
  return out;
}

namespace {

// The envelope every response and chunk shares, in OpenAI's key order: id, object, created,
// model, choices (then usage, where there is one).
json::object envelope(std::string_view id, std::string_view object, std::int64_t created, std::string_view model,
                      json::array choices) {
  json::object c;
  c["id"] = id;
  c["object"] = object;
  c["created"] = created;
  c["model"] = model;
  c["choices"] = std::move(choices);
  return c;
}

}  // namespace

json::object make_completion(std::string_view id, std::int64_t created, std::string_view model, json::object message,
                             std::string_view finish_reason, const Usage& usage, Logprobs logprobs) {
  json::object choice;
  choice["index"] = 0;
  choice["message"] = std::move(message);
  if (logprobs == Logprobs::null_field) choice["logprobs"] = nullptr;
  choice["finish_reason"] = finish_reason;
  auto c = envelope(id, "chat.completion", created, model, json::array{std::move(choice)});
  c["usage"] = usage_json(usage);
  return c;
}

json::object make_chunk(std::string_view id, std::int64_t created, std::string_view model, json::object delta,
                        std::string_view finish_reason) {
  json::object choice;
  choice["index"] = 0;
  choice["delta"] = std::move(delta);
  choice["logprobs"] = nullptr;
  if (finish_reason.empty())
    choice["finish_reason"] = nullptr;
  else
    choice["finish_reason"] = finish_reason;
  return envelope(id, "chat.completion.chunk", created, model, json::array{std::move(choice)});
}

json::object make_usage_chunk(std::string_view id, std::int64_t created, std::string_view model, const Usage& u) {
  auto c = envelope(id, "chat.completion.chunk", created, model, json::array{});
  c["usage"] = usage_json(u);
  return c;
}

std::string sse_data(std::string_view json_text) {
  std::string out;
  out.reserve(json_text.size() + 8);
  out += "data: ";
  out += json_text;
  out += "\n\n";
  return out;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace kaos::protocol::openai
