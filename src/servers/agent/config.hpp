#pragma once
// The agent's configuration, read from KAOS's environment contract (KAOS-REFERENCE §2.9) so a
// pod spec written for KAOS's Python runtime works unchanged. Every problem is collected and
// reported at once, each naming its variable; nothing starts with a bad configuration.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace kaos::agent {

enum class ToolCallMode { native, string };  ///< `auto` is native, as in KAOS

struct McpServerRef {
  std::string name;
  std::string url;  ///< ends in /mcp (appended when missing, as KAOS does)
};

struct PeerRef {
  std::string name;
  std::string url;  ///< the peer's base URL (card at url/.well-known/agent.json)
};

struct TaskBudgets {
  std::int64_t max_iterations = 10;
  std::int64_t max_runtime_seconds = 300;
  std::int64_t max_tool_calls = 50;
  std::int64_t interval_seconds = 0;
};

struct AgentConfig {
  std::string name;
  std::string description = "AI Agent";
  std::string instructions = "You are a helpful assistant.";
  std::string system_prompt;
  std::uint16_t port = 8000;
  std::string model_api_url;
  std::string model_name;
  std::string model_api_key;  ///< OPENAI_API_KEY / MODEL_API_KEY when set, else none
  int max_steps = 5;
  ToolCallMode tool_call_mode = ToolCallMode::native;
  std::vector<McpServerRef> mcp_servers;
  std::vector<PeerRef> peers;

  // memory
  bool memory_enabled = true;
  std::string memory_type = "local";  ///< local | remote (MemoryStore; local until a client exists) | redis
  /// MEMORY_MAX_READ_SCOPE: session | agent | user, the widest level recall and search_memory
  /// read (KAOS's operator always sets it when config.memory is set). Only session is served
  /// until the MemoryStore client exists.
  std::string memory_max_read_scope = "session";
  std::string memory_redis_url;
  std::size_t memory_context_limit = 6;
  std::size_t memory_max_sessions = 1000;
  std::size_t memory_max_session_events = 500;
  std::size_t memory_max_session_bytes = 8 * 1024 * 1024;  ///< MEMORY_MAX_SESSION_BYTES (oldest events go)
  std::size_t memory_max_total_bytes = 128 * 1024 * 1024;  ///< MEMORY_MAX_TOTAL_BYTES (oldest sessions go)
  /// AGENT_MAX_MESSAGE_BYTES: the largest user message (chat, A2A, /mcp send_message); larger: 413.
  std::size_t max_message_bytes = 1024 * 1024;
  std::string memory_store_endpoint;  ///< remote MemoryStore (not served yet: local is used)

  // tasks and autonomy
  std::string task_store = "local";                     ///< local | null
  std::size_t task_store_max_bytes = 64 * 1024 * 1024;  ///< TASK_STORE_MAX_BYTES (oldest finished tasks go)
  TaskBudgets task_budgets;
  std::string autonomous_goal;
  std::int64_t autonomous_interval_seconds = 0;
  std::int64_t autonomous_max_iter_runtime_seconds = 60;

  std::optional<std::vector<std::string>> mock_responses;  ///< DEBUG_MOCK_RESPONSES

  std::string log_level = "INFO";
  bool access_log = false;
  std::chrono::milliseconds model_timeout{120'000};
  std::chrono::milliseconds tool_timeout{60'000};
  std::chrono::milliseconds delegation_timeout{60'000};
  int max_delegation_depth = 8;  ///< KAOS_MAX_DELEGATION_DEPTH: guards against delegation cycles
};

/// The answer to a user message over max_message_bytes: nullopt when it fits, else the message
/// of a 413 naming the limit and AGENT_MAX_MESSAGE_BYTES.
std::optional<std::string> message_too_large(std::size_t bytes, const AgentConfig& config);

/// Reads a variable (tests pass a map; the server passes getenv).
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
EnvLookup process_env();

/// Builds the configuration; the error message lists every problem, one per line.
Result<AgentConfig> load_agent_config(const EnvLookup& env);

/// DEBUG_MOCK_RESPONSES as KAOS reads it: a JSON array of strings (non-string items are
/// serialized), any other JSON value is one item, invalid JSON is the raw string.
std::vector<std::string> parse_mock_responses(std::string_view raw);

}  // namespace kaos::agent
