// The operator's environment → OperatorSettings, and the plan's cluster addressing and options.
#include "control/operator/settings.hpp"

#include <set>
#include <string_view>

#include "api/common_types.hpp"
#include "control/operator/names.hpp"
#include "core/env.hpp"

namespace kaos::control::operator_ {

namespace {

class EnvReader {
 public:
  explicit EnvReader(const std::map<std::string, std::string>& env) : env_(env) {}

  /// The value, or nullopt when unset or empty (KAOS's os.Getenv(...) != "" checks).
  std::optional<std::string> get(const std::string& name) const {
    auto it = env_.find(name);
    if (it == env_.end() || it->second.empty()) return std::nullopt;
    return it->second;
  }
  void string(const std::string& name, std::string& out) const {
    if (auto v = get(name)) out = *v;
  }
  void boolean(const std::string& name, bool& out) {
    auto v = get(name);
    if (!v) return;
    if (auto b = parse_bool_word(*v))
      out = *b;
    else
      problem(name + ": expected true or false, got \"" + *v + "\"");
  }
  void duration(const std::string& name, std::string& out) {
    auto v = get(name);
    if (!v) return;
    if (api::is_gateway_duration(*v))
      out = *v;
    else
      problem(name + ": expected a Gateway API duration such as 30s, 5m or 1h30m, got \"" + *v + "\"");
  }
  void problem(std::string text) {
    if (!problems_.empty()) problems_ += "\n";
    problems_ += text;
  }
  const std::string& problems() const { return problems_; }

 private:
  const std::map<std::string, std::string>& env_;
  std::string problems_;
};

bool is_log_level(std::string_view level) {
  for (std::string_view known : {"TRACE", "DEBUG", "INFO", "WARNING", "ERROR"})
    if (level == known) return true;
  return false;
}

}  // namespace

const std::string& OperatorSettings::gateway_namespace() const {
  return gateway.namespace_.empty() ? system_namespace : gateway.namespace_;
}

Result<OperatorSettings> parse_operator_settings(const std::map<std::string, std::string>& env) {
  OperatorSettings s;
  EnvReader r(env);
  r.string("SYSTEM_NAMESPACE", s.system_namespace);
  r.string("DEFAULT_AGENT_IMAGE", s.agent_image);
  r.string("DEFAULT_MCP_SERVER_IMAGE", s.mcp_server_image);
  r.string("DEFAULT_LITELLM_IMAGE", s.litellm_image);
  r.string("DEFAULT_OLLAMA_IMAGE", s.ollama_image);
  if (auto level = r.get("DEFAULT_LOG_LEVEL")) {
    if (is_log_level(*level))
      s.log_level = *level;
    else
      r.problem("DEFAULT_LOG_LEVEL: expected TRACE, DEBUG, INFO, WARNING or ERROR, got \"" + *level + "\"");
  }
  // KAOS's Helm-wide telemetry default: present when either variable is set.
  if (r.get("DEFAULT_TELEMETRY_ENABLED") || r.get("DEFAULT_TELEMETRY_ENDPOINT")) {
    bool enabled = false;
    r.boolean("DEFAULT_TELEMETRY_ENABLED", enabled);
    api::TelemetryConfig t;
    t.enabled = enabled;
    r.string("DEFAULT_TELEMETRY_ENDPOINT", t.endpoint);
    s.default_telemetry = t;
  }
  r.boolean("GATEWAY_API_ENABLED", s.gateway.enabled);
  r.string("GATEWAY_NAME", s.gateway.name);
  r.string("GATEWAY_NAMESPACE", s.gateway.namespace_);
  r.duration("GATEWAY_DEFAULT_AGENT_TIMEOUT", s.gateway.agent_timeout);
  r.duration("GATEWAY_DEFAULT_MODELAPI_TIMEOUT", s.gateway.modelapi_timeout);
  r.duration("GATEWAY_DEFAULT_MCP_TIMEOUT", s.gateway.mcp_timeout);
  if (!r.problems().empty()) return Error::invalid(r.problems());
  return s;
}

plan::PlanOptions plan_options(const OperatorSettings& settings) {
  plan::PlanOptions o;
  o.mcp_runtimes = settings.mcp_runtimes;
  o.log_level = settings.log_level;
  o.agent_image = settings.agent_image;
  o.ollama_image = settings.ollama_image;
  o.bind_host = "0.0.0.0";
  o.default_telemetry = settings.default_telemetry;
  o.user_identity = settings.user_identity;
  o.runs_images = true;
  return o;
}

std::uint16_t cluster_port(std::string_view kind, bool hosted_modelapi) {
  return kind == "ModelAPI" && hosted_modelapi ? 11434 : 8000;
}

plan::Addressing cluster_addressing(const std::vector<api::Resource>& resources) {
  std::set<std::string> hosted;
  for (const auto& r : resources)
    if (const auto* m = std::get_if<api::ModelAPI>(&r); m && m->spec.mode == api::ModelAPIMode::Hosted)
      hosted.insert(plan::WorkloadRef{"ModelAPI", m->metadata.namespace_, m->metadata.name}.id());
  auto port = [hosted](const plan::WorkloadRef& ref) { return cluster_port(ref.kind, hosted.count(ref.id()) > 0); };
  plan::Addressing a;
  a.listen_port = port;
  a.endpoint = [port](const plan::WorkloadRef& ref) {
    return "http://" + child_name(ref.kind, ref.name) + "." + ref.namespace_ +
           ".svc.cluster.local:" + std::to_string(port(ref));
  };
  return a;
}

}  // namespace kaos::control::operator_
