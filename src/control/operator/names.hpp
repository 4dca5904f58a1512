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

/// The `app` label value and name prefix of a kind's children ("agent" → Deployment and
/// Service `agent-<name>`, labels `app=agent, agent=<name>`). `kind` is the resource kind
/// ("Agent", "MCPServer", "ModelAPI", "MemoryStore"); empty for other kinds.
std::string_view child_prefix(std::string_view kind);
/// `<prefix>-<name>`: the Deployment and Service of a resource.
std::string child_name(std::string_view kind, std::string_view name);
/// ConfigMap of a Proxy ModelAPI's generated LiteLLM config.
std::string litellm_config_name(std::string_view modelapi_name);
/// The finalizer KAOS puts on a kind (empty: none, e.g. MemoryStore).
std::string_view finalizer_of(std::string_view kind);

}  // namespace kaos::control::operator_
