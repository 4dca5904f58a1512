#pragma once
// Helpers shared by the api unit tests.
#include <string>
#include <vector>

#include "api/manifest.hpp"

namespace kaos::api::testing {

/// Loads one in-memory YAML source named "test.yaml" and runs the set checks.
inline ManifestSet load_yaml(const std::string& text) {
  return load_manifests({{"test.yaml", text}});
}

/// Every finding of every entry, formatted as `kaos validate` prints it.
inline std::vector<std::string> findings(const ManifestSet& set) {
  std::vector<std::string> out;
  for (const auto& e : set.entries) {
    for (const auto& d : e.diagnostics.items()) out.push_back(e.format(d));
  }
  return out;
}

/// Error findings only, without the "file:line: " prefix: "Agent/a: spec.model: required".
inline std::vector<std::string> errors(const ManifestSet& set) {
  std::vector<std::string> out;
  for (const auto& e : set.entries) {
    for (const auto& d : e.diagnostics.items()) {
      if (d.severity == Severity::Error) out.push_back(e.label() + ": " + d.to_string());
    }
  }
  return out;
}

/// A minimal valid Agent with `extra_spec` (indented by 2) appended to its spec.
inline std::string agent_yaml(const std::string& extra_spec, const std::string& name = "a") {
  return "apiVersion: kaos.tools/v1alpha1\nkind: Agent\nmetadata:\n  name: " + name +
         "\nspec:\n  modelAPI: llm\n  model: gpt-4o\n" + extra_spec;
}

}  // namespace kaos::api::testing
