#pragma once
// Markdown reference tables of a kind's fields and rules, generated from its Schema, for
// docs/resources.md (a unit test keeps the document in step with the code).
#include <string>

#include "api/kinds.hpp"

namespace kaos::api {

/// | field (under `spec`) | type | default | validation | meaning | — one row per field; the
/// children of container, env entries and key selectors are documented once, not per kind.
std::string field_reference_table(const KindInfo& kind);

/// | reported at | message | CEL rule | — one row per x-kubernetes-validations rule.
std::string rule_reference_table(const KindInfo& kind);

}  // namespace kaos::api
