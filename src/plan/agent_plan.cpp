// Agent → workload (KAOS agent_controller.go reconcile + constructEnvVars; KAOS-REFERENCE §1.1).
// The environment is the contract between the operator and the agent runtime: our
// `kaos agent` reads exactly these names (src/servers/agent/config.cpp).
#include <set>

#include "api/model_match.hpp"
#include "core/env_contract.hpp"
#include "plan/internal.hpp"

namespace kaos::plan::detail {

namespace {

bool exposed(const api::Agent& a) {
  return !a.spec.agent_network || a.spec.agent_network->expose.value_or(true);
}

template <class T>
std::string num(T n) {
  return std::to_string(n);
}

// KAOS constructEnvVars for config.memory (agent_controller.go @9c12be82), in its order.
// MEMORY_REQUIRE_PRINCIPAL / MEMORY_REQUIRE_AGENT_IDENTITY follow the cluster's security
// posture, which a manifest set does not carry: not rendered here.
void add_memory_env(EnvBuilder& env, const api::MemoryConfig& memory, const SetIndex& index, const std::string& ns) {
  env.set("MEMORY_ENABLED", memory.enabled.value_or(true) ? "true" : "false");
  auto type = api::effective_memory_type(memory);
  env.set("MEMORY_TYPE", std::string(api::enum_name(type)));
  // The store a remote memory is bound to, Ready or not (KAOS resolves it with a Get). Its
  // endpoint is another matter: KAOS sets MEMORY_STORE_ENDPOINT only once the store is Ready,
  // and no substrate runs a MemoryStore yet, so it stays unset and the runtime keeps its
  // local memory (KAOS's MemoryDegraded: keep serving).
  const api::MemoryStore* store = nullptr;
  if (type == api::MemoryType::Remote && !memory.memory_store.empty())
    store = SetIndex::find(index.memorystores, ns, memory.memory_store);
  auto scope = api::resolve_max_read_scope(memory, store ? &store->spec : nullptr);
  env.set("MEMORY_MAX_READ_SCOPE", std::string(api::enum_name(scope)));
  if (memory.tools) env.set("MEMORY_TOOLS", std::string(api::enum_name(*memory.tools)));
  if (memory.failure_mode) env.set("MEMORY_FAILURE_MODE", std::string(api::enum_name(*memory.failure_mode)));
  if (memory.client_params) {
    if (memory.client_params->token_budget)
      env.set("MEMORY_SHORT_TERM_TOKEN_BUDGET", num(*memory.client_params->token_budget));
    if (memory.client_params->rolling_summary)
      env.set("MEMORY_ROLLING_SUMMARY", *memory.client_params->rolling_summary ? "true" : "false");
  }
}

// KAOS harness_runtime.go: the workspace and state directories are fixed paths (emptyDir
// mounts when a workspace is cloned). HARNESS_DRIVER comes from the kaos-harness-runtimes
// ConfigMap in the cluster, which the plan does not have; the operator adds it.
void add_harness_env(EnvBuilder& env) {
  env.set("HARNESS_WORKSPACE", "/workspace");
  env.set("HARNESS_STATE_DIR", "/state");
}

// Memory (checked after the ModelAPI and MCP servers, as KAOS's agent controller does): a bound
// MemoryStore gates the first start when the agent waits for dependencies; without waiting it
// runs degraded (memory_degraded_condition). The read-scope ceiling is checked against the
// store's and against the substrate's user identity (KAOS's InvalidMemoryReadScope: Failed).
void bind_memory(Workload& w, const api::MemoryConfig& memory, const SetIndex& index, const std::string& ns,
                 const PlanOptions& options, std::optional<std::string>& waiting) {
  const bool remote = api::effective_memory_type(memory) == api::MemoryType::Remote;
  w.memory = Workload::MemoryBinding{remote ? memory.memory_store : std::string()};
  const api::MemoryStore* store =
      remote && !memory.memory_store.empty() ? SetIndex::find(index.memorystores, ns, memory.memory_store) : nullptr;
  if (remote && !memory.memory_store.empty() && w.wait_for_dependencies) {
    if (store)
      w.dependencies.push_back({"MemoryStore", ns, memory.memory_store});
    else if (!waiting)
      waiting = "MemoryStore " + memory.memory_store + " not found";
  }
  if (!memory.max_read_scope || w.failure) return;  // an unsupported model was said first
  const auto scope = *memory.max_read_scope;        // the enum is ranked: session < agent < user
  if (scope == api::MemoryReadScope::User && !options.user_identity) {
    w.failure = "config.memory.maxReadScope references user scope, but cluster security posture has no user identity";
  } else if (store && scope > api::store_max_read_scope(store->spec)) {
    w.failure = "config.memory.maxReadScope \"" + std::string(api::enum_name(scope)) + "\" exceeds MemoryStore \"" +
                memory.memory_store + "\" maxReadScope \"" +
                std::string(api::enum_name(api::store_max_read_scope(store->spec))) + "\"";
  }
  if (w.failure) w.failure_reason = std::string(kReasonInvalidMemoryReadScope);
}

}  // namespace

Workload plan_agent(const api::Agent& a, const SetIndex& index, const Addressing& addressing,
                    const PlanOptions& options) {
  const auto& spec = a.spec;
  const std::string& ns = a.metadata.namespace_;
  const std::string& name = a.metadata.name;
  Workload w;
  w.ref = {"Agent", ns, name};
  w.role = "agent";
  w.port = addressing.listen_port(w.ref);
  w.image = spec.container && !spec.container->image.empty() ? spec.container->image : options.agent_image;
  w.command = {"kaos", "agent", "--host", options.bind_host, "--port", std::to_string(w.port)};
  w.liveness = {ProbePlan::Type::http, "/health", 5, 10, 3, 3};
  w.readiness = {ProbePlan::Type::http, "/ready", 3, 5, 3, 2};
  w.wait_for_dependencies = spec.wait_for_dependencies.value_or(true);
  w.container_override = spec.container;

  EnvBuilder env;
  env.set("AGENT_NAME", name);
  if (spec.config) {
    const auto& c = *spec.config;
    if (!c.description.empty()) env.set("AGENT_DESCRIPTION", c.description);
    if (!c.instructions.empty()) env.set("AGENT_INSTRUCTIONS", c.instructions);
    if (!c.system_prompt.empty()) env.set("AGENT_SYSTEM_PROMPT", c.system_prompt);
    if (c.reasoning_loop_max_steps) env.set("AGENTIC_LOOP_MAX_STEPS", num(*c.reasoning_loop_max_steps));
    if (c.tool_call_mode) env.set("TOOL_CALL_MODE", std::string(api::enum_name(*c.tool_call_mode)));
    if (c.memory) add_memory_env(env, *c.memory, index, ns);
    if (api::is_autonomous(spec)) {
      const auto& au = *c.autonomous;
      env.set("AUTONOMOUS_GOAL", au.goal);
      if (au.interval_seconds) env.set("AUTONOMOUS_INTERVAL_SECONDS", num(*au.interval_seconds));
      if (au.max_iter_runtime_seconds)
        env.set("AUTONOMOUS_MAX_ITER_RUNTIME_SECONDS", num(*au.max_iter_runtime_seconds));
    }
    if (c.task_config) {
      const auto& t = *c.task_config;
      if (t.max_iterations) env.set("TASK_MAX_ITERATIONS", num(*t.max_iterations));
      if (t.max_runtime_seconds) env.set("TASK_MAX_RUNTIME_SECONDS", num(*t.max_runtime_seconds));
      if (t.max_tool_calls) env.set("TASK_MAX_TOOL_CALLS", num(*t.max_tool_calls));
    }
  }
  env.set("MODEL_NAME", spec.model);
  env.set("AGENT_IDENTITY", "kaos://agent/" + ns + "/" + name);

  // KAOS's reconcile order decides which message wins: ModelAPI missing (Waiting), model not
  // supported (Failed), MCPServer missing (Waiting). Failed beats Waiting in plan_resources.
  std::optional<std::string> waiting;
  if (const auto* modelapi = SetIndex::find(index.modelapis, ns, spec.model_api)) {
    WorkloadRef ref{"ModelAPI", ns, spec.model_api};
    env.set("MODEL_API_URL", addressing.endpoint(ref));
    w.dependencies.push_back(ref);
    if (auto e = api::check_agent_model(spec.model, spec.model_api, modelapi->spec)) w.failure = *e;
  } else {
    waiting = "ModelAPI " + spec.model_api + " not found";
  }

  // MCP servers: sorted and de-duplicated (KAOS sorts to keep its pod hash stable).
  std::string mcp_list;
  for (const auto& server : std::set<std::string>(spec.mcp_servers.begin(), spec.mcp_servers.end())) {
    if (!SetIndex::find(index.mcpservers, ns, server)) {
      if (!waiting) waiting = "MCPServer " + server + " not found";
      continue;
    }
    WorkloadRef ref{"MCPServer", ns, server};
    env.set(mcp_server_url_var(server), addressing.endpoint(ref));  // name verbatim, as KAOS
    w.dependencies.push_back(ref);
    mcp_list += (mcp_list.empty() ? "" : ",") + server;
  }
  if (!mcp_list.empty()) env.set("MCP_SERVERS", mcp_list);

  if (spec.config && spec.config->memory) bind_memory(w, *spec.config->memory, index, ns, options, waiting);

  // Peers are not start-up dependencies. KAOS skips a peer it cannot find and one without an
  // endpoint (not exposed) silently; the agent picks it up when a later plan has it.
  if (spec.agent_network) {
    std::string peer_list;
    for (const auto& peer :
         std::set<std::string>(spec.agent_network->access.begin(), spec.agent_network->access.end())) {
      const auto* p = SetIndex::find(index.agents, ns, peer);
      if (!p || !exposed(*p)) continue;
      env.set(peer_card_url_var(peer), addressing.endpoint({"Agent", ns, peer}));
      peer_list += (peer_list.empty() ? "" : ",") + peer;
    }
    if (!peer_list.empty()) env.set("PEER_AGENTS", peer_list);
  }

  if (auto telemetry = effective_telemetry(spec.config ? spec.config->telemetry : std::nullopt, options))
    add_otel_env(env, *telemetry, name, ns);
  if (spec.harness) add_harness_env(env);
  if (spec.container) env.merge_user(spec.container->env);  // the user wins
  env.set_default("LOG_LEVEL", options.log_level);
  // Not user-overridable: the port is the substrate's choice and `--port` above decides it;
  // a different AGENT_PORT would only misinform.
  env.set("AGENT_PORT", std::to_string(w.port));
  w.env = env.sorted();

  if (spec.harness) {
    w.failure_reason.clear();
    // In a cluster the harness image comes from ConfigMap kaos-harness-runtimes and the
    // workspace is cloned by an init container: neither is modelled yet.
    w.failure = options.runs_images
                    ? "harness agents are not supported by the kaos operator yet (spec.harness runtime \"" +
                          spec.harness->runtime + "\")"
                    : "harness agents need a cluster: spec.harness runs the coding-harness runtime \"" +
                          spec.harness->runtime + "\" from its container image, which kaos cannot run locally";
  }
  if (!w.failure) w.waiting = waiting;
  return w;
}

}  // namespace kaos::plan::detail
