#pragma once
// The table of KAOS kinds we model: names, printer columns and schemas. The CRD generator and
// the manifest validator both read it.
#include <string>
#include <string_view>
#include <vector>

#include "api/schema.hpp"

namespace kaos::api {

inline constexpr std::string_view kGroup = "kaos.tools";
inline constexpr std::string_view kVersion = "v1alpha1";
inline constexpr std::string_view kApiVersion = "kaos.tools/v1alpha1";

struct PrinterColumn {
  std::string name;
  std::string type;       ///< string, boolean, date, integer
  std::string json_path;  ///< ".spec.modelAPI"
};

struct KindInfo {
  std::string kind;       ///< "Agent"
  std::string list_kind;  ///< "AgentList"
  std::string plural;     ///< "agents"
  std::string singular;   ///< "agent"
  std::vector<std::string> short_names;
  std::vector<PrinterColumn> columns;  ///< without Age (the CRD generator appends it, as kubebuilder does)
  std::string description;
  const Schema& (*spec_schema)();
  const Schema& (*status_schema)();
};

/// Agent, MCPServer, MemoryStore, ModelAPI (alphabetical, the order `kaos crds` prints them).
const std::vector<KindInfo>& kaos_kinds();
/// nullptr if `kind` is not one of the modelled kinds.
const KindInfo* find_kaos_kind(std::string_view kind);
/// KAOS kinds we accept but do not model (AccessGrant, ThirdPartyService): passed through.
bool is_unmodelled_kaos_kind(std::string_view kind);

/// The KAOS kind a user's word names, in any spelling kubectl accepts (kind, singular, plural,
/// short name; case-insensitive): "agents" → "Agent", "tps" → "ThirdPartyService". Empty
/// when none.
std::string kaos_kind_named(std::string_view word);

}  // namespace kaos::api
