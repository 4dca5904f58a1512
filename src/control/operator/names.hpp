#pragma once
// KAOS's names for what the operator creates and owns (KAOS-REFERENCE §0, §1.1–§1.3, §7.1;
// research/kaos-delta-2026-12.md §2): one place for every object name, label, container name,
// finalizer and annotation key, so the renderers, the controllers, `kaos install` and the tests
// agree by construction.
#include <string>
#include <string_view>

namespace kaos::control::operator_ {

inline constexpr std::string_view kGroup = "kaos.tools";
inline constexpr std::string_view kVersion = "v1alpha1";
inline constexpr std::string_view kApiVersion = "kaos.tools/v1alpha1";

/// Server-side apply field manager of every write the operator makes.
inline constexpr std::string_view kFieldManager = "kaos-operator";
/// Leader-election Lease name (KAOS's controller-runtime LeaderElectionID).
inline constexpr std::string_view kLeaseName = "kaos-operator.kaos.tools";
/// Pod-template annotation: the first 16 hex chars of sha256 of the rendered PodSpec's JSON.
inline constexpr std::string_view kPodSpecHashAnnotation = "kaos.tools/pod-spec-hash";

inline constexpr std::string_view kAgentFinalizer = "kaos.tools/agent-finalizer";
inline constexpr std::string_view kMcpServerFinalizer = "kaos.tools/mcpserver-finalizer";
inline constexpr std::string_view kModelApiFinalizer = "kaos.tools/modelapi-finalizer";

/// System-namespace objects the operator reads.
inline constexpr std::string_view kMcpRuntimesConfigMap = "kaos-mcp-runtimes";
inline constexpr std::string_view kOperatorConfigMap = "kaos-operator-config";
inline constexpr std::string_view kRuntimesKey = "runtimes.yaml";

/// The operator's own objects. One name serves the ServiceAccount, the Deployment, the
/// ClusterRole and its binding; the Role and RoleBinding for the leader-election Lease add
/// `-leader-election`. KAOS's chart labels the manager `control-plane: controller-manager` and
/// names its container `manager`.
inline constexpr std::string_view kOperatorName = "kaos-operator";
inline constexpr std::string_view kLeaderElectionRoleName = "kaos-operator-leader-election";
inline constexpr std::string_view kDefaultSystemNamespace = "kaos-system";
inline constexpr std::string_view kOperatorContainer = "manager";
inline constexpr std::string_view kControlPlaneLabel = "control-plane";
inline constexpr std::string_view kControlPlaneValue = "controller-manager";
/// `kaos operator`'s default listen ports: --health-probe-bind-address (/healthz, /readyz)
/// and --metrics-bind-address (/metrics).
inline constexpr int kHealthProbePort = 8081;
inline constexpr int kMetricsPort = 8080;
/// KAOS's default Gateway name (GATEWAY_NAME, Helm gatewayAPI.gatewayName).
inline constexpr std::string_view kDefaultGatewayName = "kaos-gateway";

/// Container names KAOS gives the workload container of each kind.
inline constexpr std::string_view kAgentContainer = "agent";
inline constexpr std::string_view kMcpServerContainer = "mcp-server";
inline constexpr std::string_view kModelApiContainer = "model-api";

/// The port name of every workload container and Service.
inline constexpr std::string_view kHttpPortName = "http";
/// Where a Proxy ModelAPI's config ConfigMap is mounted (KAOS: /etc/litellm/config.yaml).
inline constexpr std::string_view kLiteLlmConfigMountPath = "/etc/litellm";
/// Where any other workload's `files` ConfigMap is mounted.
inline constexpr std::string_view kFilesMountPath = "/etc/kaos/files";
/// The pod volume of a workload's `files` ConfigMap.
inline constexpr std::string_view kFilesVolume = "files";
/// Hosted ModelAPI: the init container that pulls the model and Ollama's emptyDir.
inline constexpr std::string_view kPullModelInitContainer = "pull-model";
inline constexpr std::string_view kOllamaDataVolume = "ollama-data";
inline constexpr std::string_view kOllamaDataPath = "/root/.ollama";
/// Other workloads with post-start steps run them in this init container.
inline constexpr std::string_view kPostStartInitContainer = "post-start";
/// Request header every HTTPRoute stamps with the target's logical id (§7.1).
inline constexpr std::string_view kTargetResourceHeader = "x-kaos-target-resource";

/// The `app` label value and name prefix of a kind's children ("agent" → Deployment and
/// Service `agent-<name>`, labels `app=agent, agent=<name>`). `kind` is the resource kind
/// ("Agent", "MCPServer", "ModelAPI", "MemoryStore"); empty for other kinds.
std::string_view child_prefix(std::string_view kind);
/// `<prefix>-<name>`: the Deployment and Service of a resource.
std::string child_name(std::string_view kind, std::string_view name);
/// ConfigMap of a Proxy ModelAPI's generated LiteLLM config.
std::string litellm_config_name(std::string_view modelapi_name);
/// The ConfigMap of a workload's `files`: litellm_config_name for a ModelAPI, else
/// `<prefix>-<name>-files`.
std::string files_config_map_name(std::string_view kind, std::string_view name);
/// Where that ConfigMap is mounted: kLiteLlmConfigMountPath for a ModelAPI, else kFilesMountPath.
std::string_view files_mount_path(std::string_view kind);
/// The container KAOS names the workload container of a kind (agent, mcp-server, model-api).
std::string_view container_name(std::string_view kind);
/// KAOS's route type of a kind (agent, mcp, modelapi, memorystore; §7.1); empty for others.
std::string_view route_type(std::string_view kind);
/// HTTPRoute `<type>-<name>`.
std::string http_route_name(std::string_view kind, std::string_view name);
/// KAOS's logical id `kaos://<agent|mcpserver|modelapi|memorystore>/<ns>/<name>`.
std::string logical_id(std::string_view kind, std::string_view namespace_, std::string_view name);
/// The finalizer KAOS puts on a kind (empty: none, e.g. MemoryStore).
std::string_view finalizer_of(std::string_view kind);

}  // namespace kaos::control::operator_
