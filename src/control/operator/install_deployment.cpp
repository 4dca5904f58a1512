// The operator's Deployment: `kaos operator --leader-elect` from the one image, hardened as
// KAOS's chart does it (non-root uid 65532, read-only root filesystem, no privilege
// escalation, no capabilities) plus the RuntimeDefault seccomp profile.
#include "control/operator/install.hpp"

namespace kaos::control::operator_ {

namespace {

json::object selector_labels() {
  return json::object{{kControlPlaneLabel, kControlPlaneValue}, {"app.kubernetes.io/name", kOperatorName}};
}

json::array operator_args() {
  return json::array{"--leader-elect", "--health-probe-bind-address=:" + std::to_string(kHealthProbePort),
                     "--metrics-bind-address=:" + std::to_string(kMetricsPort)};
}

json::object http_probe(std::string_view path, int initial_delay, int period) {
  return json::object{{"httpGet", json::object{{"path", path}, {"port", kHealthProbePort}}},
                      {"initialDelaySeconds", initial_delay},
                      {"periodSeconds", period}};
}

json::object port(std::string_view name, int number) {
  return json::object{{"name", name}, {"containerPort", number}, {"protocol", "TCP"}};
}

json::object manager_container(const InstallOptions& o) {
  return json::object{
      {"name", kOperatorContainer},
      {"image", o.image},
      {"imagePullPolicy", "IfNotPresent"},
      {"command", json::array{"kaos", "operator"}},
      {"args", operator_args()},
      {"envFrom", json::array{json::object{{"configMapRef", json::object{{"name", kOperatorConfigMap}}}}}},
      {"ports", json::array{port("metrics", kMetricsPort), port("health", kHealthProbePort)}},
      {"livenessProbe", http_probe("/healthz", 15, 20)},
      {"readinessProbe", http_probe("/readyz", 5, 10)},
      {"resources", json::object{{"requests", json::object{{"cpu", "100m"}, {"memory", "64Mi"}}},
                                 {"limits", json::object{{"cpu", "500m"}, {"memory", "128Mi"}}}}},
      {"securityContext", json::object{{"allowPrivilegeEscalation", false},
                                       {"capabilities", json::object{{"drop", json::array{"ALL"}}}},
                                       {"readOnlyRootFilesystem", true}}},
  };
}

json::object pod_security_context() {
  // The image's user (deploy/README.md).
  return json::object{{"runAsNonRoot", true},
                      {"runAsUser", 65532},
                      {"runAsGroup", 65532},
                      {"seccompProfile", json::object{{"type", "RuntimeDefault"}}}};
}

}  // namespace

json::value render_operator_deployment(const InstallOptions& o) {
  json::object meta = detail::install_metadata(kOperatorName, o.namespace_);
  meta["labels"].as_object()[kControlPlaneLabel] = kControlPlaneValue;
  json::object pod_spec{{"serviceAccountName", kOperatorName},
                        {"terminationGracePeriodSeconds", 10},
                        {"securityContext", pod_security_context()},
                        {"containers", json::array{manager_container(o)}}};
  json::object template_meta{
      {"labels", selector_labels()},
      {"annotations", json::object{{"kubectl.kubernetes.io/default-container", kOperatorContainer}}}};
  return json::object{{"apiVersion", "apps/v1"},
                      {"kind", "Deployment"},
                      {"metadata", std::move(meta)},
                      {"spec", json::object{{"replicas", 1},
                                            {"selector", json::object{{"matchLabels", selector_labels()}}},
                                            {"template", json::object{{"metadata", std::move(template_meta)},
                                                                      {"spec", std::move(pod_spec)}}}}}};
}

}  // namespace kaos::control::operator_
