#include "api/kinds.hpp"

#include <algorithm>
#include <cctype>

#include "api/agent.hpp"
#include "api/mcpserver.hpp"
#include "api/memorystore.hpp"
#include "api/modelapi.hpp"

namespace kaos::api {

const std::vector<KindInfo>& kaos_kinds() {
  static const std::vector<KindInfo> kinds{
      {"Agent",
       "AgentList",
       "agents",
       "agent",
       {"agent", "agents"},
       {{"ModelAPI", "string", ".spec.modelAPI"},
        {"Model", "string", ".spec.model"},
        {"Ready", "boolean", ".status.ready"},
        {"Phase", "string", ".status.phase"}},
       "Agent is the Schema for the agents API: an agent server bound to a ModelAPI, MCP servers, "
       "peer agents and optionally a MemoryStore.",
       &agent_spec_schema,
       &agent_status_schema},
      {"MCPServer",
       "MCPServerList",
       "mcpservers",
       "mcpserver",
       {"mcp", "mcps"},
       {{"Runtime", "string", ".spec.runtime"},
        {"Ready", "boolean", ".status.ready"},
        {"Phase", "string", ".status.phase"}},
       "MCPServer is the Schema for the mcpservers API: a tool server speaking the Model Context Protocol.",
       &mcpserver_spec_schema,
       &mcpserver_status_schema},
      {"MemoryStore",
       "MemoryStoreList",
       "memorystores",
       "memorystore",
       {"memstore", "memstores"},
       {{"Engine", "string", ".spec.engine"},
        {"Storage", "string", ".spec.storage.type"},
        {"Ready", "boolean", ".status.ready"},
        {"Phase", "string", ".status.phase"}},
       "MemoryStore is the Schema for the memorystores API: a memory service shared by agents.",
       &memorystore_spec_schema,
       &memorystore_status_schema},
      {"ModelAPI",
       "ModelAPIList",
       "modelapis",
       "modelapi",
       {"api", "apis"},
       {{"Mode", "string", ".spec.mode"}, {"Ready", "boolean", ".status.ready"}, {"Phase", "string", ".status.phase"}},
       "ModelAPI is the Schema for the modelapis API: LLM access through a proxy gateway or an in-cluster "
       "model server.",
       &modelapi_spec_schema,
       &modelapi_status_schema},
  };
  return kinds;
}

const KindInfo* find_kaos_kind(std::string_view kind) {
  for (const auto& k : kaos_kinds()) {
    if (k.kind == kind) return &k;
  }
  return nullptr;
}

namespace {

struct KindNames {
  std::string kind, plural, singular;
  std::vector<std::string> short_names;
};

// KAOS's CRDs for the kinds we pass through (accessgrant_types.go, thirdpartyservice_types.go).
const std::vector<KindNames>& unmodelled_kinds() {
  static const std::vector<KindNames> kinds{
      {"AccessGrant", "accessgrants", "accessgrant", {}},
      {"ThirdPartyService", "thirdpartyservices", "thirdpartyservice", {"tps"}},
  };
  return kinds;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <class K>
bool names(const K& k, const std::string& word) {
  return word == lower(k.kind) || word == k.singular || word == k.plural ||
         std::find(k.short_names.begin(), k.short_names.end(), word) != k.short_names.end();
}

}  // namespace

bool is_unmodelled_kaos_kind(std::string_view kind) {
  const auto& kinds = unmodelled_kinds();
  return std::any_of(kinds.begin(), kinds.end(), [&](const KindNames& k) { return k.kind == kind; });
}

std::string kaos_kind_named(std::string_view word) {
  const auto w = lower(word);
  for (const auto& k : kaos_kinds())
    if (names(k, w)) return k.kind;
  for (const auto& k : unmodelled_kinds())
    if (names(k, w)) return k.kind;
  return {};
}

}  // namespace kaos::api
