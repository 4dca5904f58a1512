#include "servers/modelapi/mock.hpp"

#include "core/json.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace kaos::modelapi::mock {

namespace po = protocol::openai;

std::int64_t count_tokens(std::string_view text) {
  std::int64_t n = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

std::uint64_t fnv1a(std::string_view text, std::uint64_t seed) {
  std::uint64_t h = seed;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

namespace {
std::string hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// The first balanced {...} in `text` that parses as a JSON object, re-serialized compactly.
std::string first_json_object(std::string_view text) {
  for (std::size_t start = text.find('{'); start != std::string_view::npos; start = text.find('{', start + 1)) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (std::size_t i = start; i < text.size(); ++i) {
      char c = text[i];
      if (in_string) {
        if (escaped)
          escaped = false;
        else if (c == '\\')
          escaped = true;
        else if (c == '"')
          in_string = false;
        continue;
      }
      if (c == '"')
        in_string = true;
      else if (c == '{')
        ++depth;
      else if (c == '}' && --depth == 0) {
        auto parsed = parse_json(text.substr(start, i - start + 1));
        if (parsed && parsed->is_object()) return kaos::to_json(*parsed);
        break;
      }
    }
  }
  return "{}";
}

const json::object* tool_function(const json::value& tool) {
  if (!tool.is_object()) return nullptr;
  const auto* fn = tool.get_object().if_contains("function");
  return fn && fn->is_object() ? &fn->get_object() : nullptr;
}

// Which tool the last user message asks for, or empty.
std::string choose_tool(const json::object& req, std::string_view user_text) {
  const auto* tools = req.if_contains("tools");
  if (!tools || !tools->is_array() || tools->get_array().empty()) return {};
  const auto* choice = req.if_contains("tool_choice");
  if (choice && choice->is_string() && choice->get_string() == "none") return {};
  if (choice && choice->is_object()) {
    const auto* fn = choice->get_object().if_contains("function");
    if (fn && fn->is_object())
      if (auto name = string_field(fn->get_object(), "name")) return std::string(*name);
  }
  for (const auto& t : tools->get_array()) {
    const auto* fn = tool_function(t);
    if (!fn) continue;
    auto name = string_field(*fn, "name");
    if (name && !name->empty() && user_text.find(*name) != std::string_view::npos) return std::string(*name);
  }
  if (choice && choice->is_string() && choice->get_string() == "required") {
    const auto* fn = tool_function(tools->get_array().front());
    if (fn) return std::string(string_field(*fn, "name").value_or(""));
  }
  return {};
}

std::int64_t prompt_tokens(const json::array& messages) {
  std::int64_t n = 0;
  for (const auto& mv : messages) {
    const auto& m = mv.get_object();
    n += count_tokens(po::content_text(m.if_contains("content")));
    if (const auto* tcs = m.if_contains("tool_calls"); tcs && tcs->is_array()) {
      for (const auto& tc : tcs->get_array()) {
        if (!tc.is_object()) continue;
        const auto* fn = tc.get_object().if_contains("function");
        if (fn && fn->is_object()) n += count_tokens(string_field(fn->get_object(), "arguments").value_or(""));
      }
    }
  }
  return n;
}
}  // namespace

Reply reply_to(const json::object& req, const MockSettings& settings) {
  Reply r;
  const auto& messages = req.at("messages").get_array();
  r.usage.prompt_tokens = prompt_tokens(messages);

  std::optional<std::string> fixed = settings.response;
  if (auto per_request = string_field(req, "mock_response")) fixed = std::string(*per_request);

  const auto& last = messages.back().get_object();
  const auto last_role = last.at("role").get_string();
  if (fixed) {
    r.content = *fixed;
  } else if (last_role == "tool" || last_role == "function") {
    // Answer with the tool results that end the conversation, in order.
    std::size_t first = messages.size();
    while (first > 0) {
      auto role = messages[first - 1].get_object().at("role").get_string();
      if (role != "tool" && role != "function") break;
      --first;
    }
    for (std::size_t i = first; i < messages.size(); ++i) {
      if (i > first) r.content += "\n";
      r.content += po::content_text(messages[i].get_object().if_contains("content"));
    }
  } else {
    std::string user_text;
    for (std::size_t i = messages.size(); i-- > 0;) {
      const auto& m = messages[i].get_object();
      if (m.at("role").get_string() == "user") {
        user_text = po::content_text(m.if_contains("content"));
        break;
      }
    }
    std::string tool = last_role == "user" ? choose_tool(req, user_text) : std::string();
    if (!tool.empty()) {
      ToolCall call;
      call.name = tool;
      call.arguments = first_json_object(user_text);
      call.id = "call_" + hex16(fnv1a(call.name + '\x1f' + call.arguments + '\x1f' + std::to_string(messages.size())));
      r.tool_calls.push_back(std::move(call));
    } else {
      r.content = user_text.empty() ? std::string("Mock response") : "Mock response to: " + user_text;
    }
  }
  if (r.tool_calls.empty()) {
    r.usage.completion_tokens = count_tokens(r.content);
    r.id = "chatcmpl-mock-" + hex16(fnv1a(r.content));
  } else {
    std::string key;
    for (const auto& c : r.tool_calls) {
      r.usage.completion_tokens += 1 + count_tokens(c.arguments);
      key += c.id;
    }
    r.id = "chatcmpl-mock-" + hex16(fnv1a(key));
  }
  return r;
}

std::string completion_json(const Reply& r, std::string_view model, std::int64_t created) {
  json::object msg;
  msg["role"] = "assistant";
  if (r.tool_calls.empty()) {
    msg["content"] = r.content;
  } else {
    msg["content"] = nullptr;
    json::array calls;
    for (const auto& c : r.tool_calls)
      calls.push_back(json::object{{"id", c.id},
                                   {"type", "function"},
                                   {"function", json::object{{"name", c.name}, {"arguments", c.arguments}}}});
    msg["tool_calls"] = std::move(calls);
  }
  return kaos::to_json(po::make_completion(r.id, created, model, std::move(msg), r.finish_reason(), r.usage));
}

std::vector<std::string> split_content(std::string_view content, int chunks) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < content.size()) {
    std::size_t j = i;
    while (j < content.size() && std::isspace(static_cast<unsigned char>(content[j]))) ++j;
    while (j < content.size() && !std::isspace(static_cast<unsigned char>(content[j]))) ++j;
    words.emplace_back(content.substr(i, j - i));
    i = j;
  }
  if (chunks <= 0 || static_cast<std::size_t>(chunks) >= words.size()) return words;
  std::vector<std::string> out(static_cast<std::size_t>(chunks));
  const std::size_t n = words.size(), k = static_cast<std::size_t>(chunks);
  for (std::size_t w = 0; w < n; ++w) out[w * k / n] += words[w];
  return out;
}

std::vector<std::string> chunk_payloads(const Reply& r, std::string_view model, std::int64_t created, int chunks,
                                        bool include_usage) {
  std::vector<std::string> out;
  auto emit = [&](json::object delta, std::string_view finish = {}) {
    out.push_back(kaos::to_json(po::make_chunk(r.id, created, model, std::move(delta), finish)));
  };
  if (r.tool_calls.empty()) {
    emit(json::object{{"role", "assistant"}, {"content", ""}});
    for (auto& piece : split_content(r.content, chunks)) emit(json::object{{"content", piece}});
  } else {
    for (std::size_t i = 0; i < r.tool_calls.size(); ++i) {
      const auto& c = r.tool_calls[i];
      json::object header{{"index", i},
                          {"id", c.id},
                          {"type", "function"},
                          {"function", json::object{{"name", c.name}, {"arguments", ""}}}};
      json::object delta;
      if (i == 0) {
        delta["role"] = "assistant";
        delta["content"] = nullptr;
      }
      delta["tool_calls"] = json::array{std::move(header)};
      emit(std::move(delta));
      emit(json::object{{"tool_calls", json::array{json::object{
                                           {"index", i}, {"function", json::object{{"arguments", c.arguments}}}}}}});
    }
  }
  emit(json::object{}, r.finish_reason());
  if (include_usage) out.push_back(kaos::to_json(po::make_usage_chunk(r.id, created, model, r.usage)));
  return out;
}

std::vector<float> embedding_for(std::string_view text, int dim) {
  std::vector<float> v(static_cast<std::size_t>(dim));
  std::uint64_t x = fnv1a(text) | 1;
  double norm = 0;
  for (auto& f : v) {
    // xorshift64*
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    const std::uint64_t r = x * 2685821657736338717ull;
    const double u = static_cast<double>(r >> 11) * (1.0 / 9007199254740992.0);  // [0,1)
    f = static_cast<float>(u * 2 - 1);
    norm += static_cast<double>(f) * f;
  }
  norm = std::sqrt(norm);
  if (norm > 0)
    for (auto& f : v) f = static_cast<float>(f / norm);
  return v;
}

namespace {
std::string base64(const unsigned char* data, std::size_t n) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((n + 2) / 3 * 4);
  for (std::size_t i = 0; i < n; i += 3) {
    std::uint32_t chunk = static_cast<std::uint32_t>(data[i]) << 16;
    if (i + 1 < n) chunk |= static_cast<std::uint32_t>(data[i + 1]) << 8;
    if (i + 2 < n) chunk |= data[i + 2];
    out += tbl[(chunk >> 18) & 63];
    out += tbl[(chunk >> 12) & 63];
    out += i + 1 < n ? tbl[(chunk >> 6) & 63] : '=';
    out += i + 2 < n ? tbl[chunk & 63] : '=';
  }
  return out;
}
}  // namespace

std::optional<std::string> embeddings_too_large(const po::EmbeddingsRequestInfo& req, int dim) {
  const std::size_t dims = req.dimensions ? static_cast<std::size_t>(*req.dimensions) : static_cast<std::size_t>(dim);
  if (req.inputs.size() <= kMaxEmbeddingValues / std::max<std::size_t>(dims, 1)) return std::nullopt;
  return fmt::format(
      "{} inputs × {} dimensions asks for {} values; the mock provider answers at most {} per request: send fewer "
      "inputs or fewer dimensions",
      req.inputs.size(), dims, req.inputs.size() * dims, kMaxEmbeddingValues);
}

std::string embeddings_json(const po::EmbeddingsRequestInfo& req, std::string_view model, int dim) {
  if (req.dimensions) dim = static_cast<int>(*req.dimensions);
  json::array data;
  std::int64_t tokens = 0;
  for (std::size_t i = 0; i < req.inputs.size(); ++i) {
    auto vec = embedding_for(req.inputs[i], dim);
    tokens += count_tokens(req.inputs[i]);
    json::object e{{"object", "embedding"}, {"index", i}};
    if (req.encoding_format == "base64") {
      // float32 little-endian, as OpenAI sends it.
      std::string bytes(vec.size() * 4, '\0');
      for (std::size_t k = 0; k < vec.size(); ++k) {
        std::uint32_t bits;
        std::memcpy(&bits, &vec[k], 4);
        for (int b = 0; b < 4; ++b) bytes[k * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xff);
      }
      e["embedding"] = base64(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    } else {
      json::array arr;
      arr.reserve(vec.size());
      for (float f : vec) arr.push_back(static_cast<double>(f));
      e["embedding"] = std::move(arr);
    }
    data.push_back(std::move(e));
  }
  json::object out{{"object", "list"},
                   {"data", std::move(data)},
                   {"model", model},
                   {"usage", json::object{{"prompt_tokens", tokens}, {"total_tokens", tokens}}}};
  return kaos::to_json(out);
}

}  // namespace kaos::modelapi::mock
