// The Agent schema: fields, defaults, bounds and KAOS's CEL rules for config.memory.
#include <algorithm>

#include "api/agent.hpp"

namespace kaos::api {

namespace {

bool store_set(const json::object& m) {
  return !string_or(m, "memoryStore", "").empty();
}

std::vector<std::string> read_scopes(const json::object& m) {
  std::vector<std::string> out;
  if (const auto* v = find_field(m, "readScopes"); v && v->is_array()) {
    for (const auto& s : v->get_array()) {
      if (s.is_string()) out.emplace_back(s.get_string());
    }
  }
  return out;
}

Schema memory_schema() {
  Schema scope = string_schema("Memory scope.").enums(enum_names<MemoryScope>());
  return object_schema(
             "Memory configures the agent's session memory and its optional MemoryStore (long-term tier).",
             {{"enabled", boolean_schema("Enable memory; false gives the runtime a no-op memory.").def(true)},
              {"type", string_schema("local (in-process) or remote (MemoryStore). Omitted: remote when "
                                     "memoryStore is set, else local.")
                           .enums(enum_names<MemoryType>())},
              {"memoryStore", string_schema("Name of a MemoryStore in the same namespace.")},
              {"defaultReadScope", string_schema("Scope used for automatic recall. Resolution: this field, then "
                                                 "the MemoryStore's defaultReadScope, then session.")
                                       .enums(enum_names<MemoryScope>())},
              {"readScopes", array_schema(std::move(scope),
                                          "Scopes search_memory may read; default "
                                          "[defaultReadScope].")},
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
      .removed("scope", "use defaultReadScope and readScopes")
      .removed("contextLimit", "use clientParams.tokenBudget")
      .removed("maxSessions", "sessions are bounded by the MemoryStore")
      .removed("maxSessionEvents", "use the MemoryStore's shortTerm.hardEventCap")
      .rule("!has(self.type) || self.type != 'remote' || (has(self.memoryStore) && self.memoryStore != '')",
            "memoryStore is required when type is 'remote'",
            [](const json::object& m) { return string_or(m, "type", "") != "remote" || store_set(m); })
      .rule("!has(self.type) || self.type != 'local' || !has(self.memoryStore) || self.memoryStore == ''",
            "memoryStore must not be set when type is 'local'",
            [](const json::object& m) { return string_or(m, "type", "") != "local" || !store_set(m); })
      .rule("!has(self.tools) || (has(self.memoryStore) && self.memoryStore != '')", "tools requires memoryStore",
            [](const json::object& m) { return !has_field(m, "tools") || store_set(m); })
      .rule("!has(self.defaultReadScope) || !has(self.readScopes) || self.defaultReadScope in self.readScopes",
            "defaultReadScope must be one of readScopes",
            [](const json::object& m) {
              if (!has_field(m, "defaultReadScope") || !has_field(m, "readScopes")) return true;
              auto scopes = read_scopes(m);
              return std::find(scopes.begin(), scopes.end(), string_or(m, "defaultReadScope", "")) != scopes.end();
            })
      .rule(
          "!has(self.defaultReadScope) || self.defaultReadScope == 'session' || "
          "(has(self.memoryStore) && self.memoryStore != '')",
          "defaultReadScope other than 'session' requires memoryStore",
          [](const json::object& m) {
            return string_or(m, "defaultReadScope", "session") == "session" || store_set(m);
          })
      .rule(
          "!has(self.readScopes) || self.readScopes.all(s, s == 'session') || "
          "(has(self.memoryStore) && self.memoryStore != '')",
          "readScopes other than 'session' require memoryStore",
          [](const json::object& m) {
            auto scopes = read_scopes(m);
            return store_set(m) || std::all_of(scopes.begin(), scopes.end(), [](auto& s) { return s == "session"; });
          })
      .rule("!has(self.readScopes) || size(self.readScopes) <= 1 || (has(self.tools) && self.tools in ['read', 'all'])",
            "more than one readScope requires tools 'read' or 'all'", [](const json::object& m) {
              auto tools = string_or(m, "tools", "");
              return read_scopes(m).size() <= 1 || tools == "read" || tools == "all";
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
               object_schema("Autonomous execution: a non-empty goal runs the agent in a loop from pod start.",
                             {{"goal", string_schema("Goal pursued every iteration (AUTONOMOUS_GOAL).")},
                              {"intervalSeconds", integer_schema("Pause between iterations.").range(0, 3600).def(0)},
                              {"maxIterRuntimeSeconds", integer_schema("Per-iteration timeout, 0 = unlimited "
                                                                       "(runtime default 60).")
                                                            .range(0, 86400)}})},
              {"taskConfig",
               object_schema(
                   "Budgets of asynchronous A2A tasks.",
                   {{"maxIterations", integer_schema("Iterations per task (runtime default 10).").range(0, 1000)},
                    {"maxRuntimeSeconds", integer_schema("Runtime per task.").range(0, 86400).def(300)},
                    {"maxToolCalls", integer_schema("Tool calls per task.").range(0, 10000).def(50)}})}})
      .removed("env", "use spec.container.env")
      .removed("agenticLoop", "use config.reasoningLoopMaxSteps");
}

Schema harness_schema() {
  return object_schema(
      "Harness runs a coding-harness runtime instead of the default agent runtime.",
      {{"runtime", string_schema("Key into the ConfigMap kaos-harness-runtimes."), true},
       {"workspace",
        object_schema("Git workspace cloned into /workspace before start.",
                      {{"repoURL", string_schema("Git repository shallow-cloned into /workspace.")},
                       {"branch", string_schema("Branch to clone.").def("main")},
                       {"credentialsSecretRef",
                        secret_key_selector_schema("Secret key holding a token for the clone (GIT_TOKEN).")}})}});
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

const Schema& agent_spec_schema() {
  static const Schema schema = build_spec_schema();
  return schema;
}

const Schema& agent_status_schema() {
  static const Schema schema = build_status_schema();
  return schema;
}

}  // namespace kaos::api
