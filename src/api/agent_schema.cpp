// The Agent schema: fields, defaults, bounds and KAOS's CEL rules for config.memory.
#include "api/agent.hpp"

namespace kaos::api {

namespace {

// Hints for the read-scope fields KAOS replaced by maxReadScope (mid-2026): each says what to
// write instead for the value the manifest wrote.
constexpr std::string_view kGroupGone =
    "group is gone: write maxReadScope: agent or user instead (reading a whole store is the admin-only "
    "store scope)";

std::string write_max_read_scope(std::string_view scope) {
  return "write maxReadScope: " + std::string(scope) + " instead";
}

// The widest of the listed scopes is the new ceiling: search_memory reads every level up to it.
std::string read_scopes_hint(const json::value& written) {
  if (!written.is_array()) return {};
  std::optional<MemoryReadScope> widest;
  bool group = false;
  for (const auto& item : written.get_array()) {
    if (!item.is_string()) continue;
    if (item.get_string() == "group") group = true;
    if (auto s = enum_from_name<MemoryReadScope>(item.get_string()); s && (!widest || *s > *widest)) widest = s;
  }
  if (!widest) return group ? std::string(kGroupGone) : std::string();
  std::string hint = write_max_read_scope(enum_name(*widest)) +
                     " (the widest of readScopes; search_memory reads every level up to it)";
  if (group) hint += "; group is gone (reading a whole store is the admin-only store scope)";
  return hint;
}

// config.memory.scope (KAOS before defaultReadScope; still in its sample 7-memory-agent.yaml).
std::string scope_hint(const json::value& written) {
  if (!written.is_string()) return {};
  std::string_view v = written.get_string();
  if (v == "private") return write_max_read_scope("agent") + " (private memory is the agent scope)";
  if (v == "user" || v == "session") return write_max_read_scope(v);
  if (v == "shared")
    return "shared is gone: write maxReadScope: agent or user instead (reading a whole store is the "
           "admin-only store scope)";
  return {};
}

Schema memory_schema() {
  return object_schema(
             "Memory configures the agent's session memory and its optional MemoryStore (long-term tier).",
             {{"enabled", boolean_schema("Enable memory; false gives the runtime a no-op memory.").def(true)},
              {"type", string_schema("local (in-process) or remote (MemoryStore). Omitted: remote when "
                                     "memoryStore is set, else local.")
                           .enums(enum_names<MemoryType>())},
              {"memoryStore", string_schema("Name of a MemoryStore in the same namespace.")},
              {"maxReadScope",
               string_schema("MaxReadScope caps automatic recall and the explicit search_memory tool "
                             "(MEMORY_MAX_READ_SCOPE). Unset: the bound MemoryStore's maxReadScope (itself "
                             "agent when unset), or session without a store.")
                   .enums(enum_names<MemoryReadScope>())},
              {"clientParams",
               object_schema("Runtime-side memory parameters.",
                             {{"tokenBudget", integer_schema("Token cap of the short-term verbatim window.").min(0)},
                              {"rollingSummary", boolean_schema("Keep a rolling summary of older turns "
                                                                "(runtime default true).")}})},
              {"tools", string_schema("Explicit memory tools: all (save_memory + search_memory), read "
                                      "(search_memory), write (save_memory).")
                            .enums(enum_names<MemoryTools>())},
              {"failureMode",
               string_schema("Overrides the MemoryStore's default failure mode.").enums(enum_names<FailureMode>())}})
      .removed("scope", "use maxReadScope (session, agent or user)", scope_hint)
      .removed("defaultReadScope", "use maxReadScope (session, agent or user)", default_read_scope_hint)
      .removed("readScopes", "use maxReadScope (session, agent or user): the widest scope search_memory reads",
               read_scopes_hint)
      .removed("contextLimit", "use clientParams.tokenBudget")
      .removed("maxSessions", "sessions are bounded by the MemoryStore")
      .removed("maxSessionEvents", "use the MemoryStore's shortTerm.hardEventCap")
      // KAOS's rules and messages, verbatim (agent CRD @32ac5c20).
      .rule("!has(self.type) || self.type != 'remote' || has(self.memoryStore)",
            "type 'remote' requires memoryStore to be set",
            [](const json::object& m) { return string_or(m, "type", "") != "remote" || has_field(m, "memoryStore"); })
      .rule("!has(self.type) || self.type != 'local' || !has(self.memoryStore)",
            "type 'local' must not set memoryStore",
            [](const json::object& m) { return string_or(m, "type", "") != "local" || !has_field(m, "memoryStore"); })
      .rule("!has(self.tools) || has(self.memoryStore)", "tools requires memoryStore to be set",
            [](const json::object& m) { return !has_field(m, "tools") || has_field(m, "memoryStore"); })
      .rule("!has(self.maxReadScope) || self.maxReadScope == 'session' || has(self.memoryStore)",
            "non-session maxReadScope requires memoryStore to be set", [](const json::object& m) {
              return string_or(m, "maxReadScope", "session") == "session" || has_field(m, "memoryStore");
            });
}

Schema config_schema() {
  return object_schema(
             "Config holds the agent runtime's configuration.",
             {{"description", string_schema("Shown on the A2A agent card (AGENT_DESCRIPTION).")},
              {"instructions", string_schema("Instructions re-evaluated every run, not kept in history "
                                             "(AGENT_INSTRUCTIONS).")},
              {"systemPrompt", string_schema("System prompt retained in history (AGENT_SYSTEM_PROMPT).")},
              {"reasoningLoopMaxSteps",
               integer_schema("Maximum model requests per run (AGENTIC_LOOP_MAX_STEPS).").range(1, 20).def(5)},
              {"toolCallMode", string_schema("How tools are offered to the model (TOOL_CALL_MODE).")
                                   .enums(enum_names<ToolCallMode>())
                                   .def("auto")},
              {"memory", memory_schema()},
              {"telemetry", telemetry_schema()},
              {"autonomous",
               object_schema(
                   "Autonomous execution: a non-empty goal runs the agent in a loop from pod start.",
                   {{"goal", string_schema("Goal pursued every iteration (AUTONOMOUS_GOAL).")},
                    {"intervalSeconds", integer_schema("Pause between iterations (runtime default 0).").range(0, 3600)},
                    {"maxIterRuntimeSeconds", integer_schema("Per-iteration timeout, 0 = unlimited "
                                                             "(runtime default 60).")
                                                  .range(0, 86400)}})},
              {"taskConfig",
               object_schema(
                   "Budgets of asynchronous A2A tasks.",
                   {{"maxIterations", integer_schema("Iterations per task (runtime default 10).").range(0, 1000)},
                    {"maxRuntimeSeconds", integer_schema("Runtime per task (runtime default 300).").range(0, 86400)},
                    {"maxToolCalls", integer_schema("Tool calls per task (runtime default 50).").range(0, 10000)}})}})
      .removed("env", "use spec.container.env")
      .removed("agenticLoop", "use config.reasoningLoopMaxSteps");
}

Schema harness_schema() {
  return object_schema(
      "Harness runs a coding-harness runtime instead of the default agent runtime.",
      {{"runtime", string_schema("Key into the ConfigMap kaos-harness-runtimes."), true},
       {"workspace",
        object_schema("Git workspace cloned into /workspace before start.",
                      {{"repoURL", string_schema("Git repository shallow-cloned into /workspace."), true},
                       {"branch", string_schema("Branch to clone (the operator's default: main).")},
                       {"credentialsSecretRef",
                        secret_key_selector_schema("Secret key holding a token for the clone (GIT_TOKEN).")}})}});
}

// spec.security (SecuritySpec{id}) was in one KAOS commit (50e88fd1, the redis era) and its
// sample 7-stable-identity.yaml, never in a later CRD (docs/resources.md, deviations).
constexpr std::string_view kSecurityRemoved =
    "remove spec.security: KAOS's current CRDs have no SecuritySpec; the agent's identity is "
    "kaos://agent/<namespace>/<name> (AGENT_IDENTITY), derived from its namespace and name";

std::string security_id_hint(const json::value& written) {
  const json::value* id = written.is_object() ? find_field(written.get_object(), "id") : nullptr;
  if (!id || !id->is_string() || id->get_string().empty()) return {};
  std::string id_text(id->get_string());
  std::string hint(kSecurityRemoved);
  hint.append("; to keep the identity id \"")
      .append(id_text)
      .append("\", name the Agent \"")
      .append(id_text)
      .append("\"");
  return hint;
}

Schema build_spec_schema() {
  return object_schema(
             "AgentSpec defines the desired state of Agent.",
             {{"modelAPI", string_schema("Name of the ModelAPI (same namespace) the agent uses."), true},
              {"model", string_schema("Model id; must be supported by the ModelAPI (exact, 'provider/*' or '*')."),
               true},
              {"mcpServers",
               array_schema(string_schema(""), "Names of MCPServers (same namespace) whose tools the agent uses.")},
              {"agentNetwork",
               object_schema(
                   "AgentNetwork configures exposure and delegation.",
                   {{"expose", boolean_schema("Create a Service (and HTTPRoute) and expose the A2A card.").def(true)},
                    {"access", array_schema(string_schema(""), "Peer Agent names this agent may delegate to.")}})},
              {"config", config_schema()},
              {"waitForDependencies", boolean_schema("Wait for the ModelAPI, MCPServers and MemoryStore to be ready "
                                                     "before creating the Deployment.")
                                          .def(true)},
              {"gatewayRoute", gateway_route_schema()},
              {"container", container_override_schema()},
              {"podSpec", pod_spec_schema()},
              {"harness", harness_schema()}})
      .removed("replicas", "agents always run one replica")
      .removed("security", kSecurityRemoved, security_id_hint)
      .removed("resources", "use spec.container.resources");
}

Schema build_status_schema() {
  return object_schema(
      "AgentStatus defines the observed state of Agent.",
      {{"phase", string_schema("Phase of the agent.").enums({"Pending", "Ready", "Failed", "Waiting"})},
       {"ready", boolean_schema("Whether the agent is ready.")},
       {"endpoint", string_schema("Base URL of the agent service.")},
       {"linkedResources", string_map_schema("Resources this agent is bound to (modelapi, memorystore, ...).")},
       {"message", string_schema("Additional status information.")},
       {"conditions", conditions_schema()},
       {"deployment", deployment_status_schema()},
       {"observedGeneration", int64_schema("Generation of the spec this status was computed for.")}});
}

}  // namespace

std::string default_read_scope_hint(const json::value& written) {
  if (!written.is_string()) return {};
  std::string_view v = written.get_string();
  if (v == "group") return std::string(kGroupGone);
  if (enum_from_name<MemoryReadScope>(v)) return write_max_read_scope(v);
  return {};
}

const Schema& agent_spec_schema() {
  static const Schema schema = build_spec_schema();
  return schema;
}

const Schema& agent_status_schema() {
  static const Schema schema = build_status_schema();
  return schema;
}

}  // namespace kaos::api
