#pragma once
// CustomResourceDefinitions (apiextensions.k8s.io/v1) generated from the same Schema and
// KindInfo tables that validate manifests, so the CRDs and `kaos validate` cannot disagree.
#include <string>
#include <vector>

#include "api/kinds.hpp"
#include "core/json.hpp"

namespace kaos::api {

/// The OpenAPI v3 (structural) form of a schema: keys sorted like controller-gen's output.
json::value openapi_schema(const Schema& schema);

/// The CRD of one kind: names, scope Namespaced, v1alpha1 served+storage, status subresource,
/// printer columns (+ Age), openAPIV3Schema with x-kubernetes-validations.
json::value generate_crd(const KindInfo& kind);

/// kubebuilder's file name: "kaos.tools_agents.yaml".
std::string crd_file_name(const KindInfo& kind);

/// One CRD as a YAML document (with a leading "---" line, as controller-gen writes them).
std::string render_crd_yaml(const KindInfo& kind);

/// All four CRDs as one multi-document YAML stream.
std::string render_all_crds_yaml();

}  // namespace kaos::api
