#pragma once
// Helpers for the plan tests: manifests from YAML text, a cluster-style Addressing, env lookup.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "api/manifest.hpp"
#include "plan/plan.hpp"

namespace kaos::plan::testing {

/// Parses `yaml` into resources. Deliberately not load_manifests: its set checks drop an Agent
/// whose model its ModelAPI does not support, and the plan must be tested on such sets too.
inline std::vector<api::Resource> parse(const std::string& yaml) {
  api::ManifestSet set;
  api::add_manifest_text(set, yaml, "test.yaml");
  std::vector<api::Resource> out;
  for (const auto& e : set.entries) {
    for (const auto& d : e.diagnostics.items()) EXPECT_NE(d.severity, api::Severity::Error) << e.format(d);
    if (e.resource) out.push_back(*e.resource);
  }
  return out;
}

/// Service DNS names as in a cluster; port 8000 unless `ports` says otherwise (by id).
inline Addressing cluster_addressing(std::map<std::string, std::uint16_t> ports = {}) {
  auto port_of = [ports](const WorkloadRef& r) -> std::uint16_t {
    auto it = ports.find(r.id());
    return it == ports.end() ? 8000 : it->second;
  };
  Addressing a;
  a.listen_port = port_of;
  a.endpoint = [port_of](const WorkloadRef& r) {
    std::string slug = r.id().substr(0, r.id().find('/'));
    return "http://" + slug + "-" + r.name + "." + r.namespace_ + ".svc.cluster.local:" + std::to_string(port_of(r));
  };
  return a;
}

/// "NAME=value" (or "NAME<-secret:name/key" for a reference), for readable expectations.
inline std::vector<std::string> env_lines(const Workload& w) {
  std::vector<std::string> out;
  for (const auto& e : w.env) {
    if (e.value_from && e.value_from->secret_key_ref)
      out.push_back(e.name + "<-secret:" + e.value_from->secret_key_ref->name + "/" +
                    e.value_from->secret_key_ref->key);
    else if (e.value_from && e.value_from->config_map_key_ref)
      out.push_back(e.name + "<-configmap:" + e.value_from->config_map_key_ref->name + "/" +
                    e.value_from->config_map_key_ref->key);
    else
      out.push_back(e.name + "=" + e.value);
  }
  return out;
}

inline const Workload& get(const Plan& p, const std::string& id) {
  const Workload* w = p.find(id);
  if (!w) throw std::runtime_error("no workload " + id);
  return *w;
}

}  // namespace kaos::plan::testing
