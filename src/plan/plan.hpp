#pragma once
// The one interpretation of a manifest set: resources → workloads. For each ModelAPI,
// MCPServer and Agent: its command (our `kaos` roles or the user's command), its environment
// exactly as KAOS's operator builds it (KAOS-REFERENCE §1.1–§1.3; sorted, deterministic), its
// port, probes, dependencies, the model-support check (§4) and the status the plan alone
// implies (Failed / Waiting with KAOS's messages). Pure: no I/O. The local runtime (src/control/local)
// runs workloads as processes; the operator will render them as Deployments.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/mcp_runtimes.hpp"
#include "api/resource.hpp"
#include "plan/status.hpp"

namespace kaos::plan {

/// The kinds the plan reports on, in start order: "ModelAPI", "MCPServer", "MemoryStore",
/// "Agent", "AccessGrant", "ThirdPartyService" (the resources' own kind names, as
/// api::resource_kind spells them). Every KAOS resource of a set becomes a Workload, so none is
/// dropped in silence; the last four run nothing on this machine (their `failure` says why).
const std::vector<std::string_view>& workload_kinds();
bool is_workload_kind(std::string_view kind);

/// Identifies a workload: kind is one of workload_kinds().
struct WorkloadRef {
  std::string kind;
  std::string namespace_;
  std::string name;
  /// "agent/<ns>/<name>", "modelapi/<ns>/<name>", "memorystore/<ns>/<name>", … (KAOS's logical
  /// identity without the scheme); stable, used as the key everywhere.
  std::string id() const;
  bool operator==(const WorkloadRef&) const = default;
};

/// How the substrate addresses workloads: in a cluster, service DNS names and port 8000
/// (11434 for Ollama); locally, loopback and an allocated port per workload.
struct Addressing {
  /// Base URL others use to reach `ref` (no trailing slash), e.g. http://127.0.0.1:41234 or
  /// http://agent-x.ns.svc.cluster.local:8000. Agents' PEER_AGENT_*_CARD_URL,
  /// MCP_SERVER_*_URL and MODEL_API_URL are built from it.
  std::function<std::string(const WorkloadRef&)> endpoint;
  /// The port `ref` must listen on.
  std::function<std::uint16_t(const WorkloadRef&)> listen_port;
};

/// One environment variable: a literal value, or a reference the substrate resolves
/// (secretKeyRef / configMapKeyRef: the cluster does it; the local runtime reads Secret and
/// ConfigMap documents of the set or its local secret store).
struct EnvVarPlan {
  std::string name;
  std::string value;
  std::optional<api::EnvVarSource> value_from;
  /// Not defaulted: api::EnvVarSource has no operator== (value_from compares by its JSON form).
  bool operator==(const EnvVarPlan&) const;
};

struct ProbePlan {
  enum class Type { http, tcp } type = Type::http;
  std::string path;  ///< http only
  int initial_delay_seconds = 0;
  int period_seconds = 10;
  int timeout_seconds = 1;
  int failure_threshold = 3;
  bool operator==(const ProbePlan&) const = default;
};

/// argv[0] of our own roles: this program (the local runtime substitutes its own path; a
/// container runs it as the KAOS image's entrypoint).
inline constexpr std::string_view kKaosProgram = "kaos";
/// Stands in `command` for the directory holding the workload's `files` (the substrate's
/// choice: a state directory locally, a ConfigMap mount in a cluster).
inline constexpr std::string_view kFilesPlaceholder = "{files}";

/// A workload's command as a container runs it: `command` replaces the image's entrypoint
/// (empty: the image's own), `args` its CMD.
struct ContainerCommand {
  std::vector<std::string> command;
  std::vector<std::string> args;
  bool operator==(const ContainerCommand&) const = default;
};

struct Workload {
  WorkloadRef ref;
  /// "agent", "mcp", "modelapi" (our gateway), "ollama" (Hosted ModelAPI), "custom" (the
  /// user's image/command).
  std::string role;
  /// argv. argv[0] == "kaos" means this program (the local runtime substitutes its own path;
  /// the operator uses the KAOS image's entrypoint). Empty when the workload cannot run
  /// locally (custom runtime with only an image): then `failure` says so.
  std::vector<std::string> command;
  /// Only when `command` is empty (the substrate runs images, PlanOptions::runs_images): the
  /// arguments of the image's own entrypoint (spec.container.args, or the registry's args).
  std::vector<std::string> entrypoint_args;
  std::string image;  ///< container image for the cluster (informational locally)
  /// The Agent's spec.container as written, for the operator's patch of the agent container
  /// (KAOS containerOverrideToPodSpecPatch: image, command, args, resources, env,
  /// securityContext, workingDir, volumeMounts). The plan already applies image and env; the
  /// local runtime runs a process, so resources, securityContext, workingDir and volumeMounts
  /// have no effect there. For an MCPServer or a ModelAPI it holds only spec.container.resources
  /// (KAOS overrides image, command, args and resources there; the plan applies the rest), and
  /// is unset when that is not written.
  std::optional<api::ContainerOverride> container_override;
  /// Sorted by name; the user's container.env is merged last and wins on a clash.
  std::vector<EnvVarPlan> env;
  std::uint16_t port = 0;
  ProbePlan readiness;
  ProbePlan liveness;
  /// Files the workload reads, relative name → content (e.g. the gateway's "config.yaml");
  /// `command` names them as "{files}/<name>", which the substrate replaces with the directory
  /// where it wrote them (a ConfigMap mount in the cluster).
  std::map<std::string, std::string> files;
  /// Run after the process is ready (e.g. `ollama pull <model>` for a Hosted ModelAPI).
  std::vector<std::vector<std::string>> post_start;
  /// Workloads that must be Ready before this one starts when wait_for_dependencies.
  std::vector<WorkloadRef> dependencies;
  /// An Agent with `config.memory`: the MemoryStore it binds (empty for local memory). Its
  /// readiness decides the MemoryDegraded condition (memory_degraded_condition).
  struct MemoryBinding {
    std::string store;
    bool operator==(const MemoryBinding&) const = default;
  };
  std::optional<MemoryBinding> memory;
  bool wait_for_dependencies = true;
  /// Set when the plan alone decides the status: Failed with this message (e.g. `model "X"
  /// not supported by ModelAPI "Y" (supported: [...])`, a custom runtime without a local
  /// command) ...
  std::optional<std::string> failure;
  /// KAOS's condition reason for `failure` where it names one (kReasonInvalidMemoryReadScope);
  /// empty otherwise.
  std::string failure_reason;
  /// ... or Waiting with this message (e.g. `ModelAPI X not found` when the dependency is not
  /// in the set).
  std::optional<std::string> waiting;
  /// The status the plan alone decides: phase Failed with `failure`, or Waiting with `waiting`
  /// (never both: a workload that cannot run waits for nothing); nullopt when it can start.
  std::optional<WorkloadStatus> implied_status() const;
  /// Hash of everything that affects the running process (command, env, files, port, ...):
  /// a changed fingerprint means restart; an unchanged one means leave it running.
  std::string fingerprint;
};

/// The one image our roles (agent, mcp, modelapi gateway, operator) run from in a cluster: one
/// `kaos` binary (deploy/README.md). PlanOptions and `kaos install` both default to it.
inline constexpr std::string_view kDefaultKaosImage = "ghcr.io/kaos/kaos:latest";
/// Hosted ModelAPIs run Ollama from this image (KAOS DEFAULT_OLLAMA_IMAGE).
inline constexpr std::string_view kDefaultOllamaImage = "alpine/ollama:latest";

struct PlanOptions {
  api::McpRuntimeRegistry mcp_runtimes = api::builtin_mcp_runtimes();
  std::string log_level = "INFO";  ///< LOG_LEVEL injected unless the user sets it
  /// Image of our roles (agent, mcp, modelapi gateway) in a cluster: one `kaos` binary.
  std::string agent_image = std::string(kDefaultKaosImage);
  std::string ollama_image = std::string(kDefaultOllamaImage);  ///< Hosted ModelAPIs (KAOS DEFAULT_OLLAMA_IMAGE)
  /// Address our roles and Ollama listen on: every interface in a pod; the local runtime sets
  /// 127.0.0.1 so nothing is reachable from outside the machine.
  std::string bind_host = "0.0.0.0";
  /// KAOS's Helm-wide telemetry default (DEFAULT_TELEMETRY_ENABLED/_ENDPOINT), merged with
  /// each resource's own telemetry as KAOS's MergeTelemetryConfig does: the resource's
  /// `enabled` wins, its endpoint wins when set.
  std::optional<api::TelemetryConfig> default_telemetry;
  /// The substrate runs container images (a cluster): a workload may be only an image run
  /// with its own entrypoint (a custom or registry MCP runtime without spec.container.command),
  /// which a process substrate cannot run (there it is Failed and says so).
  bool runs_images = false;
  /// The substrate has a user identity (a cluster with security enabled and a user issuer):
  /// only then may an agent's memory read at `user` scope (KAOS's InvalidMemoryReadScope). The
  /// local runtime has none.
  bool user_identity = false;
};

struct Plan {
  /// Every KAOS resource of the set in workload_kinds() order, each group sorted by
  /// namespace/name (a deterministic dependency order).
  std::vector<Workload> workloads;
  const Workload* find(const std::string& id) const;
};

/// How a container runs `w`: our roles (argv[0] == kKaosProgram) → command ["kaos"], args the
/// rest; a user's program → command = argv, no args; no command → the image's entrypoint with
/// `w.entrypoint_args`. kFilesPlaceholder in every element is replaced by `files_dir`.
ContainerCommand container_command(const Workload& w, std::string_view files_dir);

/// Plans every workload of `resources` (Secrets, ConfigMaps and Namespaces are read where
/// needed but produce no workload).
Plan plan_resources(const std::vector<api::Resource>& resources, const Addressing& addressing,
                    const PlanOptions& options = {});

/// KAOS's MemoryDegraded condition of an agent (agent_controller.go): nullopt when the agent has
/// no `config.memory`. True / MemoryStoreNotReady while its MemoryStore is absent
/// (`store_phase` nullopt) or not Ready, else False / MemoryHealthy. No transition time: the
/// substrate stamps it when the status changes.
std::optional<Condition> memory_degraded_condition(const Workload& agent, std::optional<Phase> store_phase);

inline constexpr std::string_view kConditionMemoryDegraded = "MemoryDegraded";

/// Why a workload waiting for its dependencies cannot start yet: a Waiting message and reason.
struct DependencyBlocker {
  std::string message;  ///< "ModelAPI llm is not ready", "MCPServer calc not found", "… failed"
  std::string reason;   ///< kReasonDependencyNotFound / kReasonDependencyFailed / kReasonDependencyNotReady
  bool operator==(const DependencyBlocker&) const = default;
};
/// The current status of a dependency as the substrate knows it; nullopt when it does not exist.
using DependencyStatus = std::function<std::optional<WorkloadStatus>(const WorkloadRef&)>;
/// The first of `w.dependencies` that is not Ready (KAOS's Waiting rules, every substrate): absent
/// → "<Kind> <name> not found", Failed → "… failed", otherwise not ready → "… is not ready";
/// nullopt when every dependency is Ready (or the workload does not wait for them).
std::optional<DependencyBlocker> first_unready_dependency(const Workload& w, const DependencyStatus& status_of);

/// Topological check: the ids of workloads whose dependencies form a cycle (agents peering
/// each other do not count: peers are not start-up dependencies).
std::vector<std::string> dependency_cycles(const Plan& plan);

}  // namespace kaos::plan
