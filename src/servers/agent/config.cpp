#include "servers/agent/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "clients/redis/redis_client.hpp"
#include "core/env.hpp"
#include "core/env_contract.hpp"
#include "core/json.hpp"

namespace kaos::agent {

namespace {

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// "a,b" or "[a, b]" (KAOS accepts the brackets), empty items dropped.
std::vector<std::string> split_list(std::string_view raw) {
  std::string s = trim(raw);
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    auto item = trim(std::string_view(s).substr(start, comma - start));
    if (item.size() >= 2 && (item.front() == '"' || item.front() == '\'') && item.back() == item.front())
      item = item.substr(1, item.size() - 2);
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

bool is_http_url(std::string_view u) {
  return u.starts_with("http://") || u.starts_with("https://");
}

std::string strip_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

class Reader {
 public:
  explicit Reader(const EnvLookup& env) : env_(env) {}
  std::optional<std::string> str(std::string_view name) {
    auto v = env_(name);
    if (v && v->empty()) return std::nullopt;
    return v;
  }
  void text(std::string_view name, std::string& out) {
    if (auto v = env_(name)) out = *v;
  }
  template <class T>
  void integer(std::string_view name, T& out, std::int64_t min, std::int64_t max) {
    auto v = str(name);
    if (!v) return;
    auto t = trim(*v);
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0' || errno == ERANGE || n < min || n > max) {
      fail(fmt::format("{}='{}': expected an integer from {} to {}", name, *v, min, max));
      return;
    }
    out = static_cast<T>(n);
  }
  void boolean(std::string_view name, bool& out) {
    auto v = str(name);
    if (!v) return;
    if (auto b = parse_bool_word(trim(*v))) {
      out = *b;
    } else {
      fail(fmt::format("{}='{}': expected true or false", name, *v));
    }
  }
  std::string choice(std::string_view name, std::string fallback, std::initializer_list<std::string_view> allowed) {
    auto v = str(name);
    if (!v) return fallback;
    std::string lower = trim(*v);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (auto a : allowed)
      if (lower == a) return lower;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    fail(fmt::format("{}='{}': expected one of {}", name, *v, list));
    return fallback;
  }
  void fail(std::string message) { errors_.push_back(std::move(message)); }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  const EnvLookup& env_;
  std::vector<std::string> errors_;
};

}  // namespace

EnvLookup process_env() {
  return [](std::string_view name) { return env_string(name); };
}

std::vector<std::string> parse_mock_responses(std::string_view raw) {
  auto parsed = parse_json(raw);
  if (!parsed) return {std::string(raw)};
  std::vector<std::string> out;
  if (parsed->is_array()) {
    for (const auto& item : parsed->get_array())
      out.push_back(item.is_string() ? std::string(item.get_string()) : to_json(item));
  } else {
    out.push_back(parsed->is_string() ? std::string(parsed->get_string()) : to_json(*parsed));
  }
  return out;
}

Result<AgentConfig> load_agent_config(const EnvLookup& env) {
  Reader r(env);
  AgentConfig c;
  if (auto name = r.str("AGENT_NAME")) {
    c.name = trim(*name);
  } else {
    r.fail("AGENT_NAME is required (the agent's name, e.g. AGENT_NAME=assistant)");
  }
  r.text("AGENT_DESCRIPTION", c.description);
  r.text("AGENT_INSTRUCTIONS", c.instructions);
  r.text("AGENT_SYSTEM_PROMPT", c.system_prompt);
  r.integer("AGENT_PORT", c.port, 0, 65535);
  if (auto v = r.str("MODEL_API_URL")) {
    c.model_api_url = strip_slashes(trim(*v));
    if (!is_http_url(c.model_api_url)) r.fail(fmt::format("MODEL_API_URL='{}': expected an http(s):// URL", *v));
  }
  if (auto v = r.str("MODEL_NAME")) c.model_name = trim(*v);
  if (auto v = r.str("MODEL_API_KEY")) {
    c.model_api_key = *v;
  } else if (auto k = r.str("OPENAI_API_KEY")) {
    c.model_api_key = *k;
  }
  r.integer("AGENTIC_LOOP_MAX_STEPS", c.max_steps, 1, 1000);
  auto mode = r.choice("TOOL_CALL_MODE", "auto", {"auto", "native", "string"});
  c.tool_call_mode = mode == "string" ? ToolCallMode::string : ToolCallMode::native;

  if (auto v = r.str("MCP_SERVERS")) {
    for (auto& name : split_list(*v)) {
      auto var = mcp_server_url_var(name);
      auto url = r.str(var);
      if (!url) {
        r.fail(fmt::format("MCP_SERVERS lists '{}' but {} is not set", name, var));
        continue;
      }
      std::string u = strip_slashes(trim(*url));
      if (!is_http_url(u)) {
        r.fail(fmt::format("{}='{}': expected an http(s):// URL", var, *url));
        continue;
      }
      if (!u.ends_with("/mcp")) u += "/mcp";
      c.mcp_servers.push_back({name, u});
    }
  }

  if (auto v = r.str("AGENT_SUB_AGENTS")) {
    for (auto& item : split_list(*v)) {
      auto colon = item.find(':');
      if (colon == std::string::npos || colon == 0) {
        r.fail(fmt::format("AGENT_SUB_AGENTS item '{}': expected name:url", item));
        continue;
      }
      std::string url = strip_slashes(trim(item.substr(colon + 1)));
      if (!is_http_url(url)) {
        r.fail(fmt::format("AGENT_SUB_AGENTS item '{}': expected an http(s):// URL after the name", item));
        continue;
      }
      c.peers.push_back({trim(item.substr(0, colon)), url});
    }
  } else if (auto peers = r.str("PEER_AGENTS")) {
    for (auto& name : split_list(*peers)) {
      auto var = peer_card_url_var(name);
      auto url = r.str(var);
      if (!url) {
        r.fail(fmt::format("PEER_AGENTS lists '{}' but {} is not set", name, var));
        continue;
      }
      std::string u = strip_slashes(trim(*url));
      // A card URL may point at the card itself; delegation wants the base.
      for (std::string_view suffix : {"/.well-known/agent-card.json", "/.well-known/agent.json"})
        if (u.ends_with(suffix)) u.resize(u.size() - suffix.size());
      if (!is_http_url(u)) {
        r.fail(fmt::format("{}='{}': expected an http(s):// URL", var, *url));
        continue;
      }
      c.peers.push_back({name, u});
    }
  }

  r.boolean("MEMORY_ENABLED", c.memory_enabled);
  // remote (a MemoryStore, KAOS's operator sets it with memoryStore) runs local memory until
  // this build has a MemoryStore client.
  c.memory_type = r.choice("MEMORY_TYPE", "local", {"local", "remote", "redis"});
  c.memory_max_read_scope = r.choice("MEMORY_MAX_READ_SCOPE", "session", {"session", "agent", "user"});
  if (auto v = r.str("MEMORY_REDIS_URL")) c.memory_redis_url = trim(*v);
  if (c.memory_enabled && c.memory_type == "redis") {
    if (c.memory_redis_url.empty()) {
      r.fail("MEMORY_TYPE=redis needs MEMORY_REDIS_URL (e.g. redis://127.0.0.1:6379/0)");
    } else if (auto ep = clients::redis::parse_redis_url(c.memory_redis_url); !ep) {
      r.fail("MEMORY_REDIS_URL: " + ep.error().message);
    }
  }
  r.integer("MEMORY_CONTEXT_LIMIT", c.memory_context_limit, 0, 10'000);
  r.integer("MEMORY_MAX_SESSIONS", c.memory_max_sessions, 1, 10'000'000);
  r.integer("MEMORY_MAX_SESSION_EVENTS", c.memory_max_session_events, 1, 10'000'000);
  r.integer("MEMORY_MAX_SESSION_BYTES", c.memory_max_session_bytes, 1024, std::int64_t{1} << 40);
  r.integer("MEMORY_MAX_TOTAL_BYTES", c.memory_max_total_bytes, 1024, std::int64_t{1} << 40);
  r.integer("AGENT_MAX_MESSAGE_BYTES", c.max_message_bytes, 1, std::int64_t{1} << 40);
  if (auto v = r.str("MEMORY_STORE_ENDPOINT")) c.memory_store_endpoint = trim(*v);

  c.task_store = r.choice("TASK_STORE_TYPE", "local", {"local", "null"});
  r.integer("TASK_STORE_MAX_BYTES", c.task_store_max_bytes, 1024, std::int64_t{1} << 40);
  r.integer("TASK_MAX_ITERATIONS", c.task_budgets.max_iterations, 0, 1000);
  r.integer("TASK_MAX_RUNTIME_SECONDS", c.task_budgets.max_runtime_seconds, 0, 86'400);
  r.integer("TASK_MAX_TOOL_CALLS", c.task_budgets.max_tool_calls, 0, 10'000);
  if (auto v = r.str("AUTONOMOUS_GOAL")) c.autonomous_goal = trim(*v);
  r.integer("AUTONOMOUS_INTERVAL_SECONDS", c.autonomous_interval_seconds, 0, 3600);
  r.integer("AUTONOMOUS_MAX_ITER_RUNTIME_SECONDS", c.autonomous_max_iter_runtime_seconds, 0, 86'400);

  if (auto v = env("DEBUG_MOCK_RESPONSES"); v && !trim(*v).empty()) c.mock_responses = parse_mock_responses(*v);

  if (auto v = r.str("LOG_LEVEL")) {
    c.log_level = trim(*v);
  } else if (auto a = r.str("AGENT_LOG_LEVEL")) {
    c.log_level = trim(*a);
  }
  r.boolean("AGENT_ACCESS_LOG", c.access_log);
  std::int64_t secs = 120;
  r.integer("MODEL_TIMEOUT_SECONDS", secs, 1, 3600);
  c.model_timeout = std::chrono::seconds(secs);
  secs = 60;
  r.integer("MCP_TOOL_CALL_TIMEOUT_SECONDS", secs, 1, 3600);
  c.tool_timeout = std::chrono::seconds(secs);
  secs = 60;
  r.integer("DELEGATION_TIMEOUT_SECONDS", secs, 1, 3600);
  c.delegation_timeout = std::chrono::seconds(secs);
  r.integer("KAOS_MAX_DELEGATION_DEPTH", c.max_delegation_depth, 1, 64);

  if (!c.mock_responses && c.model_api_url.empty())
    r.fail(
        "MODEL_API_URL is required unless DEBUG_MOCK_RESPONSES is set (the ModelAPI's base URL, e.g. "
        "http://127.0.0.1:8001)");
  if (!c.mock_responses && c.model_name.empty() && !c.model_api_url.empty())
    r.fail("MODEL_NAME is required with MODEL_API_URL (the model id to request, e.g. gpt-4o-mini)");

  if (!r.errors().empty()) {
    std::string msg = "invalid agent configuration:";
    for (const auto& e : r.errors()) msg += "\n  " + e;
    return Error::invalid(std::move(msg));
  }
  return c;
}

std::optional<std::string> message_too_large(std::size_t bytes, const AgentConfig& config) {
  if (bytes <= config.max_message_bytes) return std::nullopt;
  return fmt::format("message of {} bytes exceeds the limit of {} bytes (AGENT_MAX_MESSAGE_BYTES)", bytes,
                     config.max_message_bytes);
}

}  // namespace kaos::agent
