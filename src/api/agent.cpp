#include "api/agent.hpp"

#include "api/diagnostics.hpp"

namespace kaos::api {

Agent read_agent(const json::value& document, std::string_view default_namespace) {
  Agent a;
  const auto& o = document.get_object();
  a.metadata = read_object_meta(find_field(o, "metadata"), default_namespace);
  if (const auto* spec = find_field(o, "spec")) read_value(*spec, a.spec);
  if (const auto* status = find_field(o, "status"); status && status->is_object()) a.status = status->get_object();
  return a;
}

json::value to_json(const Agent& agent) {
  json::object o;
  o["apiVersion"] = "kaos.tools/v1alpha1";
  o["kind"] = "Agent";
  o["metadata"] = write_object_meta(agent.metadata);
  o["spec"] = write_value(agent.spec);
  if (agent.status) o["status"] = *agent.status;
  return o;
}

void check_agent(const Agent& agent, Diagnostics& out) {
  const auto& spec = agent.spec;
  if (spec.container) check_container_override(*spec.container, "spec.container", out);
  if (spec.config && spec.config->telemetry) check_telemetry(*spec.config->telemetry, "spec.config.telemetry", out);
  if (spec.config && spec.config->autonomous && !is_autonomous(spec)) {
    out.warning("spec.config.autonomous.goal",
                "autonomous is set but goal is empty; the agent will not run autonomously");
  }
  if (spec.harness && spec.harness->workspace && spec.harness->workspace->repo_url.empty()) {
    out.warning("spec.harness.workspace.repoURL", "workspace without repoURL: nothing is cloned");
  }
}

MemoryType effective_memory_type(const MemoryConfig& memory) {
  if (memory.type) return *memory.type;
  return memory.memory_store.empty() ? MemoryType::Local : MemoryType::Remote;
}

std::string effective_branch(const HarnessWorkspace& workspace) {
  return workspace.branch.empty() ? std::string("main") : workspace.branch;
}

bool is_autonomous(const AgentSpec& spec) {
  if (!spec.config || !spec.config->autonomous) return false;
  return spec.config->autonomous->goal.find_first_not_of(" \t\r\n") != std::string::npos;
}

}  // namespace kaos::api
