// OpenAI chat request → Anthropic Messages request.
#include "protocol/anthropic/messages.hpp"

namespace kaos::protocol::anthropic {

namespace {
using openai::FieldError;

std::string idx(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

// A data URL "data:image/png;base64,AAAA" → base64 source; anything else → url source.
json::object image_block(std::string_view url) {
  json::object source;
  if (url.starts_with("data:")) {
    auto semi = url.find(';');
    auto comma = url.find(',');
    if (semi != std::string_view::npos && comma != std::string_view::npos && semi < comma) {
      source["type"] = "base64";
      source["media_type"] = url.substr(5, semi - 5);
      source["data"] = url.substr(comma + 1);
    }
  }
  if (source.empty()) {
    source["type"] = "url";
    source["url"] = url;
  }
  json::object b;
  b["type"] = "image";
  b["source"] = std::move(source);
  return b;
}

json::object text_block(std::string_view text) {
  json::object b;
  b["type"] = "text";
  b["text"] = text;
  return b;
}

// User/assistant content → Anthropic blocks.
std::variant<json::array, FieldError> content_blocks(const json::value* content, const std::string& path) {
  json::array blocks;
  if (!content || content->is_null()) return blocks;
  if (content->is_string()) {
    if (!content->get_string().empty()) blocks.push_back(text_block(content->get_string()));
    return blocks;
  }
  const auto& parts = content->get_array();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto p = idx(path, i);
    if (!parts[i].is_object()) return FieldError{p, "'" + p + "' must be an object"};
    const auto& part = parts[i].get_object();
    auto type = string_field(part, "type").value_or("text");
    if (type == "text") {
      auto text = string_field(part, "text");
      if (!text) return FieldError{p + ".text", "'" + p + ".text' must be a string"};
      blocks.push_back(text_block(*text));
    } else if (type == "image_url") {
      const auto* iu = part.if_contains("image_url");
      std::optional<std::string_view> url;
      if (iu && iu->is_string())
        url = iu->get_string();
      else if (iu && iu->is_object())
        url = string_field(iu->get_object(), "url");
      if (!url) return FieldError{p + ".image_url.url", "'" + p + ".image_url.url' must be a string"};
      blocks.push_back(image_block(*url));
    } else {
      return FieldError{p + ".type", "'" + p + ".type' \"" + std::string(type) +
                                         "\" cannot be sent to an Anthropic model (supported: text, image_url)"};
    }
  }
  return blocks;
}

// Appends blocks to the last message when it has the same role (Anthropic merges
// consecutive same-role turns anyway; tool results must share one user turn).
void push_turn(json::array& messages, std::string_view role, json::array blocks) {
  if (blocks.empty()) return;
  if (!messages.empty()) {
    auto& last = messages.back().get_object();
    if (last["role"].get_string() == role) {
      auto& c = last["content"].get_array();
      for (auto& b : blocks) c.push_back(std::move(b));
      return;
    }
  }
  json::object m;
  m["role"] = role;
  m["content"] = std::move(blocks);
  messages.push_back(std::move(m));
}

std::variant<json::value, FieldError> translate_tool_choice(const json::value& tc, bool disable_parallel) {
  json::object out;
  if (tc.is_string()) {
    const auto& s = tc.get_string();
    if (s == "auto")
      out["type"] = "auto";
    else if (s == "required")
      out["type"] = "any";
    else if (s == "none")
      out["type"] = "none";
    else
      return FieldError{"tool_choice", "'tool_choice' must be auto, required, none or a function object"};
  } else if (tc.is_object()) {
    const auto* fn = tc.get_object().if_contains("function");
    std::optional<std::string_view> name;
    if (fn && fn->is_object()) name = string_field(fn->get_object(), "name");
    if (!name) return FieldError{"tool_choice.function.name", "'tool_choice.function.name' must be a string"};
    out["type"] = "tool";
    out["name"] = *name;
  } else {
    return FieldError{"tool_choice", "'tool_choice' must be a string or an object"};
  }
  if (disable_parallel && out["type"].get_string() != "none") out["disable_parallel_tool_use"] = true;
  return json::value(std::move(out));
}
}  // namespace

std::variant<json::object, FieldError> to_messages_request(const json::object& req, std::string_view upstream_model) {
  json::object out;
  out["model"] = upstream_model;
  std::string system;
  json::array messages;

  const auto& in = req.at("messages").get_array();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto path = idx("messages", i);
    const auto& m = in[i].get_object();
    const auto role = m.at("role").get_string();
    const auto* content = m.if_contains("content");
    if (role == "system" || role == "developer") {
      auto text = openai::content_text(content);
      if (!system.empty() && !text.empty()) system += "\n\n";
      system += text;
    } else if (role == "user") {
      auto blocks = content_blocks(content, path + ".content");
      if (auto* e = std::get_if<FieldError>(&blocks)) return *e;
      push_turn(messages, "user", std::move(std::get<json::array>(blocks)));
    } else if (role == "assistant") {
      auto blocks = content_blocks(content, path + ".content");
      if (auto* e = std::get_if<FieldError>(&blocks)) return *e;
      auto& b = std::get<json::array>(blocks);
      if (const auto* tcs = m.if_contains("tool_calls"); tcs && tcs->is_array()) {
        const auto& calls = tcs->get_array();
        for (std::size_t j = 0; j < calls.size(); ++j) {
          const auto cp = path + ".tool_calls[" + std::to_string(j) + "]";
          if (!calls[j].is_object()) return FieldError{cp, "'" + cp + "' must be an object"};
          const auto& call = calls[j].get_object();
          const auto* fn = call.if_contains("function");
          if (!fn || !fn->is_object()) return FieldError{cp + ".function", "'" + cp + ".function' must be an object"};
          auto name = string_field(fn->get_object(), "name");
          if (!name) return FieldError{cp + ".function.name", "'" + cp + ".function.name' must be a string"};
          json::value input = json::object{};
          if (auto args = string_field(fn->get_object(), "arguments"); args && !args->empty()) {
            auto parsed = parse_json(*args);
            if (!parsed || !parsed->is_object())
              return FieldError{cp + ".function.arguments",
                                "'" + cp + ".function.arguments' must be a JSON object encoded as a string"};
            input = std::move(*parsed);
          }
          json::object tu;
          tu["type"] = "tool_use";
          tu["id"] = string_field(call, "id").value_or("call_" + std::to_string(i) + "_" + std::to_string(j));
          tu["name"] = *name;
          tu["input"] = std::move(input);
          b.push_back(std::move(tu));
        }
      }
      push_turn(messages, "assistant", std::move(b));
    } else if (role == "tool" || role == "function") {
      json::object tr;
      tr["type"] = "tool_result";
      auto id = string_field(m, "tool_call_id");
      if (!id) id = string_field(m, "name");
      if (!id) return FieldError{path + ".tool_call_id", "'" + path + ".tool_call_id' is required for tool messages"};
      tr["tool_use_id"] = *id;
      tr["content"] = openai::content_text(content);
      push_turn(messages, "user", json::array{std::move(tr)});
    }
  }
  if (!system.empty()) out["system"] = system;
  out["messages"] = std::move(messages);

  std::int64_t max_tokens = kDefaultMaxTokens;
  for (auto key : {"max_completion_tokens", "max_tokens"}) {
    if (const auto* v = req.if_contains(key); v && !v->is_null()) {
      auto n = as_int64(*v);
      if (!n || *n < 1) return FieldError{key, "'" + std::string(key) + "' must be a positive integer"};
      max_tokens = *n;
      break;
    }
  }
  out["max_tokens"] = max_tokens;
  for (auto key : {"temperature", "top_p", "top_k"}) {
    if (const auto* v = req.if_contains(key); v && !v->is_null()) {
      if (!v->is_number()) return FieldError{key, "'" + std::string(key) + "' must be a number"};
      out[key] = *v;
    }
  }
  if (const auto* stop = req.if_contains("stop"); stop && !stop->is_null()) {
    json::array seqs;
    if (stop->is_string())
      seqs.push_back(*stop);
    else if (stop->is_array()) {
      for (const auto& s : stop->get_array()) {
        if (!s.is_string()) return FieldError{"stop", "'stop' must be a string or an array of strings"};
        seqs.push_back(s);
      }
    } else
      return FieldError{"stop", "'stop' must be a string or an array of strings"};
    if (!seqs.empty()) out["stop_sequences"] = std::move(seqs);
  }
  if (auto s = bool_field(req, "stream"); s && *s) out["stream"] = true;
  if (auto user = string_field(req, "user")) out["metadata"] = json::object{{"user_id", *user}};

  if (const auto* tools = req.if_contains("tools"); tools && tools->is_array() && !tools->get_array().empty()) {
    json::array at;
    for (const auto& t : tools->get_array()) {
      const auto& fn = t.get_object().at("function").get_object();
      json::object o;
      o["name"] = fn.at("name");
      if (auto d = string_field(fn, "description")) o["description"] = *d;
      if (const auto* p = fn.if_contains("parameters"); p && p->is_object())
        o["input_schema"] = *p;
      else
        o["input_schema"] = json::object{{"type", "object"}, {"properties", json::object{}}};
      at.push_back(std::move(o));
    }
    out["tools"] = std::move(at);
    const bool no_parallel = bool_field(req, "parallel_tool_calls") == std::optional<bool>(false);
    if (const auto* tc = req.if_contains("tool_choice"); tc && !tc->is_null()) {
      auto t = translate_tool_choice(*tc, no_parallel);
      if (auto* e = std::get_if<FieldError>(&t)) return *e;
      out["tool_choice"] = std::move(std::get<json::value>(t));
    } else if (no_parallel) {
      out["tool_choice"] = json::object{{"type", "auto"}, {"disable_parallel_tool_use", true}};
    }
  }
  return out;
}

}  // namespace kaos::protocol::anthropic
