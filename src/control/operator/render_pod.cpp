// The pod spec of a workload and its Deployment: base container from the plan, the container
// override and spec.podSpec strategic-merged in KAOS's order, the pod-spec hash.
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "api/field_io.hpp"
#include "control/operator/names.hpp"
#include "control/operator/pod_spec_merge.hpp"
#include "control/operator/render.hpp"
#include "control/operator/render_internal.hpp"

namespace kaos::control::operator_ {

namespace {

json::array strings(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

json::array env_json(const std::vector<plan::EnvVarPlan>& env) {
  json::array out;
  for (const auto& e : env) {
    if (e.value_from)
      out.push_back(json::object{{"name", e.name}, {"valueFrom", api::write_value(*e.value_from)}});
    else
      out.push_back(json::object{{"name", e.name}, {"value", e.value}});
  }
  return out;
}

json::object probe_json(const plan::ProbePlan& p, std::uint16_t port) {
  json::object probe;
  if (p.type == plan::ProbePlan::Type::http)
    probe["httpGet"] = json::object{{"path", p.path}, {"port", port}};
  else
    probe["tcpSocket"] = json::object{{"port", port}};
  probe["initialDelaySeconds"] = p.initial_delay_seconds;
  probe["periodSeconds"] = p.period_seconds;
  probe["timeoutSeconds"] = p.timeout_seconds;
  probe["failureThreshold"] = p.failure_threshold;
  return probe;
}

// A word the shell reads as itself, else single-quoted.
std::string shell_quote(const std::string& word) {
  bool plain = !word.empty();
  for (char c : word)
    if (!(std::isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("_./:=@+-,").find(c) != std::string_view::npos))
      plain = false;
  if (plain) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string shell_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + shell_quote(a);
  return out;
}

// KAOS's pull-model init container, generalised: start the server in the background, wait as
// KAOS does, run the post-start steps, stop the server (`ollama serve & OLLAMA_PID=$! && sleep 5
// && ollama pull <model> && kill $OLLAMA_PID`).
json::object post_start_container(const plan::Workload& w, const plan::ContainerCommand& run,
                                  const json::object& main) {
  std::vector<std::string> server = run.command;
  server.insert(server.end(), run.args.begin(), run.args.end());
  const bool ollama = w.role == "ollama";
  const std::string pid = ollama ? "OLLAMA_PID" : "SERVER_PID";
  std::string script = shell_line(server) + " & " + pid + "=$! && sleep 5";
  for (const auto& step : w.post_start) script += " && " + shell_line(step);
  script += " && kill $" + pid;
  json::object init{{"name", ollama ? kPullModelInitContainer : kPostStartInitContainer},
                    {"image", w.image},
                    {"command", json::array{"/bin/sh", "-c", script}}};
  if (const auto* env = main.if_contains("env")) init["env"] = *env;
  if (const auto* mounts = main.if_contains("volumeMounts")) init["volumeMounts"] = *mounts;
  return init;
}

json::object base_pod_spec(const plan::Workload& w, const api::Resource& resource) {
  const std::string files_dir(files_mount_path(w.ref.kind));
  const auto run = plan::container_command(w, files_dir);
  json::object c{{"name", container_name(w.ref.kind)}, {"image", w.image}};
  if (!run.command.empty()) c["command"] = strings(run.command);
  if (!run.args.empty()) c["args"] = strings(run.args);
  c["ports"] = json::array{json::object{{"name", kHttpPortName}, {"containerPort", w.port}, {"protocol", "TCP"}}};
  if (!w.env.empty()) c["env"] = env_json(w.env);
  c["livenessProbe"] = probe_json(w.liveness, w.port);
  c["readinessProbe"] = probe_json(w.readiness, w.port);
  json::array mounts, volumes;
  if (!w.files.empty()) {
    mounts.push_back(json::object{{"name", kFilesVolume}, {"mountPath", files_dir}, {"readOnly", true}});
    volumes.push_back(json::object{
        {"name", kFilesVolume}, {"configMap", json::object{{"name", files_config_map_name(w.ref.kind, w.ref.name)}}}});
  }
  if (w.role == "ollama") {  // KAOS: the pulled model lives in an emptyDir both containers share
    mounts.push_back(json::object{{"name", kOllamaDataVolume}, {"mountPath", kOllamaDataPath}});
    volumes.push_back(json::object{{"name", kOllamaDataVolume}, {"emptyDir", json::object{}}});
  }
  if (!mounts.empty()) c["volumeMounts"] = std::move(mounts);

  json::object pod;
  if (!w.post_start.empty() && !(run.command.empty() && run.args.empty()))
    pod["initContainers"] = json::array{post_start_container(w, run, c)};
  pod["containers"] = json::array{std::move(c)};
  if (!volumes.empty()) pod["volumes"] = std::move(volumes);
  if (auto sa = detail::service_account_name(resource); !sa.empty()) pod["serviceAccountName"] = sa;
  return pod;
}

// KAOS containerOverrideToPodSpecPatch: the override as a patch of the workload container.
json::object override_patch(const plan::Workload& w) {
  const auto& o = *w.container_override;
  json::object c{{"name", container_name(w.ref.kind)}};
  if (!o.image.empty()) c["image"] = o.image;
  if (!o.command.empty()) {
    c["command"] = strings(o.command);
    // The user's command runs as written (KAOS's container has no args of its own; ours are
    // the role's, which mean nothing to another program).
    c["args"] = o.args.empty() ? json::value(nullptr) : json::value(strings(o.args));
  } else if (!o.args.empty()) {
    c["args"] = strings(o.args);
  }
  if (o.resources) c["resources"] = *o.resources;
  if (!o.env.empty()) {
    json::array env;
    for (const auto& e : o.env) env.push_back(api::write_value(e));
    c["env"] = std::move(env);
  }
  if (o.security_context) c["securityContext"] = *o.security_context;
  if (!o.working_dir.empty()) c["workingDir"] = o.working_dir;
  if (!o.volume_mounts.empty()) {
    json::array mounts;
    for (const auto& m : o.volume_mounts) mounts.push_back(api::write_value(m));
    c["volumeMounts"] = std::move(mounts);
  }
  return json::object{{"containers", json::array{std::move(c)}}};
}

void canonical(const json::value& v, std::string& out) {
  if (const auto* o = v.if_object()) {
    std::vector<std::pair<std::string_view, const json::value*>> fields;
    for (const auto& [k, x] : *o) fields.emplace_back(k, &x);
    std::sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    out += '{';
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) out += ',';
      out += to_json(json::value(json::string(fields[i].first)));
      out += ':';
      canonical(*fields[i].second, out);
    }
    out += '}';
  } else if (const auto* a = v.if_array()) {
    out += '[';
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (i) out += ',';
      canonical((*a)[i], out);
    }
    out += ']';
  } else {
    out += to_json(v);
  }
}

}  // namespace

json::object render_pod_spec(const plan::Workload& w, const api::Resource& resource,
                             const OperatorSettings& /*settings*/) {
  json::object pod = base_pod_spec(w, resource);
  if (w.container_override) pod = merge_pod_spec(std::move(pod), override_patch(w));
  if (const auto* user = detail::pod_spec_override(resource)) pod = merge_pod_spec(std::move(pod), *user);
  return pod;
}

std::string pod_spec_hash(const json::object& pod_spec) {
  std::string text;
  canonical(pod_spec, text);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < 8 && i < size; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", digest[i]);
    hex += buf;
  }
  return hex;
}

json::object render_deployment(const plan::Workload& w, const api::Resource& resource,
                               const OperatorSettings& settings) {
  json::object pod = render_pod_spec(w, resource, settings);
  const auto labels = workload_labels(w.ref);
  json::object template_meta{{"labels", labels},
                             {"annotations", json::object{{kPodSpecHashAnnotation, pod_spec_hash(pod)}}}};
  json::object spec{{"replicas", 1},
                    {"selector", json::object{{"matchLabels", labels}}},
                    {"template", json::object{{"metadata", std::move(template_meta)}, {"spec", std::move(pod)}}}};
  return json::object{{"apiVersion", "apps/v1"},
                      {"kind", "Deployment"},
                      {"metadata", detail::child_metadata(child_name(w.ref.kind, w.ref.name), w.ref, resource)},
                      {"spec", std::move(spec)}};
}

}  // namespace kaos::control::operator_
