#pragma once
// Agent (agents.kaos.tools): an agent server bound to a ModelAPI, MCP servers, peer agents
// and optionally a MemoryStore. Field list and defaults: KAOS-REFERENCE.md §1.1.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "api/common_types.hpp"
#include "api/object_meta.hpp"

namespace kaos::api {

enum class ToolCallMode { Auto, Native, String };
enum class MemoryType { Local, Remote };
/// KAOS's three read levels, narrowest first (session ⊂ agent ⊂ user): `<` compares their rank.
enum class MemoryReadScope { Session, Agent, User };
enum class MemoryTools { All, Read, Write };
enum class FailureMode { Soft, Strict };

template <>
struct EnumNames<ToolCallMode> {
  static constexpr std::array values{std::pair{ToolCallMode::Auto, std::string_view("auto")},
                                     std::pair{ToolCallMode::Native, std::string_view("native")},
                                     std::pair{ToolCallMode::String, std::string_view("string")}};
};
template <>
struct EnumNames<MemoryType> {
  static constexpr std::array values{std::pair{MemoryType::Local, std::string_view("local")},
                                     std::pair{MemoryType::Remote, std::string_view("remote")}};
};
template <>
struct EnumNames<MemoryReadScope> {
  static constexpr std::array values{std::pair{MemoryReadScope::Session, std::string_view("session")},
                                     std::pair{MemoryReadScope::Agent, std::string_view("agent")},
                                     std::pair{MemoryReadScope::User, std::string_view("user")}};
};
template <>
struct EnumNames<MemoryTools> {
  static constexpr std::array values{std::pair{MemoryTools::All, std::string_view("all")},
                                     std::pair{MemoryTools::Read, std::string_view("read")},
                                     std::pair{MemoryTools::Write, std::string_view("write")}};
};
template <>
struct EnumNames<FailureMode> {
  static constexpr std::array values{std::pair{FailureMode::Soft, std::string_view("soft")},
                                     std::pair{FailureMode::Strict, std::string_view("strict")}};
};

struct AgentNetwork {
  std::optional<bool> expose;  ///< CRD default true
  std::vector<std::string> access;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("expose", s.expose);
    v("access", s.access);
  }
};

struct MemoryClientParams {
  std::optional<std::int32_t> token_budget;
  std::optional<bool> rolling_summary;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("tokenBudget", s.token_budget);
    v("rollingSummary", s.rolling_summary);
  }
};

struct MemoryConfig {
  std::optional<bool> enabled;     ///< CRD default true
  std::optional<MemoryType> type;  ///< absent: derived, see effective_memory_type()
  std::string memory_store;
  std::optional<MemoryReadScope> max_read_scope;  ///< absent: resolve_max_read_scope (memorystore.hpp)
  std::optional<MemoryClientParams> client_params;
  std::optional<MemoryTools> tools;
  std::optional<FailureMode> failure_mode;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("enabled", s.enabled);
    v("type", s.type);
    v("memoryStore", s.memory_store);
    v("maxReadScope", s.max_read_scope);
    v("clientParams", s.client_params);
    v("tools", s.tools);
    v("failureMode", s.failure_mode);
  }
};

struct AutonomousConfig {
  std::string goal;
  std::optional<std::int32_t> interval_seconds;          ///< runtime default 0
  std::optional<std::int32_t> max_iter_runtime_seconds;  ///< runtime default 60
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("goal", s.goal);
    v("intervalSeconds", s.interval_seconds);
    v("maxIterRuntimeSeconds", s.max_iter_runtime_seconds);
  }
};

struct TaskConfig {
  std::optional<std::int32_t> max_iterations;       ///< runtime default 10
  std::optional<std::int32_t> max_runtime_seconds;  ///< runtime default 300
  std::optional<std::int32_t> max_tool_calls;       ///< runtime default 50
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("maxIterations", s.max_iterations);
    v("maxRuntimeSeconds", s.max_runtime_seconds);
    v("maxToolCalls", s.max_tool_calls);
  }
};

struct AgentConfig {
  std::string description;
  std::string instructions;
  std::string system_prompt;
  std::optional<std::int32_t> reasoning_loop_max_steps;  ///< CRD default 5
  std::optional<ToolCallMode> tool_call_mode;            ///< CRD default auto
  std::optional<MemoryConfig> memory;
  std::optional<TelemetryConfig> telemetry;
  std::optional<AutonomousConfig> autonomous;
  std::optional<TaskConfig> task_config;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("description", s.description);
    v("instructions", s.instructions);
    v("systemPrompt", s.system_prompt);
    v("reasoningLoopMaxSteps", s.reasoning_loop_max_steps);
    v("toolCallMode", s.tool_call_mode);
    v("memory", s.memory);
    v("telemetry", s.telemetry);
    v("autonomous", s.autonomous);
    v("taskConfig", s.task_config);
  }
};

struct HarnessWorkspace {
  std::string repo_url;  ///< required
  std::string branch;    ///< empty: the operator clones "main" (effective_branch)
  std::optional<SecretKeySelector> credentials_secret_ref;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("repoURL", s.repo_url);
    v("branch", s.branch);
    v("credentialsSecretRef", s.credentials_secret_ref);
  }
};

struct HarnessConfig {
  std::string runtime;  ///< key into ConfigMap kaos-harness-runtimes
  std::optional<HarnessWorkspace> workspace;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("runtime", s.runtime);
    v("workspace", s.workspace);
  }
};

struct AgentSpec {
  std::string model_api;
  std::string model;
  std::vector<std::string> mcp_servers;
  std::optional<AgentNetwork> agent_network;
  std::optional<AgentConfig> config;
  std::optional<bool> wait_for_dependencies;  ///< CRD default true
  std::optional<GatewayRoute> gateway_route;
  std::optional<ContainerOverride> container;
  std::optional<json::object> pod_spec;
  std::optional<HarnessConfig> harness;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("modelAPI", s.model_api);
    v("model", s.model);
    v("mcpServers", s.mcp_servers);
    v("agentNetwork", s.agent_network);
    v("config", s.config);
    v("waitForDependencies", s.wait_for_dependencies);
    v("gatewayRoute", s.gateway_route);
    v("container", s.container);
    v("podSpec", s.pod_spec);
    v("harness", s.harness);
  }
};

struct Agent {
  ObjectMeta metadata;
  AgentSpec spec;
  std::optional<json::object> status;  ///< kept as written; written by controllers
};

const Schema& agent_spec_schema();
const Schema& agent_status_schema();
/// The removed-field hint for `defaultReadScope: X` (Agent config.memory and MemoryStore spec,
/// both replaced by maxReadScope): "write maxReadScope: X instead"; group has no equivalent.
std::string default_read_scope_hint(const json::value& written);

/// Reads a validated, defaulted Agent document.
Agent read_agent(const json::value& document, std::string_view default_namespace);
json::value to_json(const Agent& agent);
/// Checks beyond the schema (warnings on telemetry, container quantities).
void check_agent(const Agent& agent, Diagnostics& out);

/// `type` if set, else remote when memoryStore is set, else local (KAOS derivation).
MemoryType effective_memory_type(const MemoryConfig& memory);
/// The branch a harness workspace clones: `branch`, else "main" (KAOS harnessDefaultBranch).
std::string effective_branch(const HarnessWorkspace& workspace);
/// A non-blank (trimmed) autonomous goal puts the agent in autonomous mode (Agent.IsAutonomous).
bool is_autonomous(const AgentSpec& spec);

}  // namespace kaos::api
