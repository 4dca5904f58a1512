// Checks between the objects of a manifest set. Only what is decidable from the set itself:
// a reference to an object that is not in the set is a note (it may exist in the cluster).
#include <map>
#include <tuple>

#include "api/manifest.hpp"
#include "api/model_match.hpp"

namespace kaos::api {

namespace {

using Key = std::tuple<std::string, std::string, std::string>;  // kind, namespace, name

struct SetIndex {
  std::map<Key, const ManifestEntry*> by_key;  // every named entry, valid or not

  const ManifestEntry* find(std::string_view kind, const std::string& ns, const std::string& name) const {
    auto it = by_key.find(Key{std::string(kind), ns, name});
    return it == by_key.end() ? nullptr : it->second;
  }
};

void note_if_missing(const SetIndex& index, ManifestEntry& entry, std::string_view kind, const std::string& name,
                     const std::string& path) {
  if (name.empty() || index.find(kind, entry.namespace_, name)) return;
  entry.diagnostics.note(path, std::string(kind) + " " + go_quote(name) +
                                   " is not in these manifests; it must exist in "
                                   "namespace " +
                                   go_quote(entry.namespace_) + " when applied");
}

void check_agent_references(const SetIndex& index, ManifestEntry& entry, const Agent& agent) {
  const auto& spec = agent.spec;
  if (const auto* m = index.find("ModelAPI", entry.namespace_, spec.model_api)) {
    // A document of kind ModelAPI in another apiVersion is a GenericObject: no spec to check.
    const auto* modelapi = m->resource ? std::get_if<ModelAPI>(&*m->resource) : nullptr;
    if (modelapi) {
      if (auto e = check_agent_model(spec.model, spec.model_api, modelapi->spec))
        entry.diagnostics.error("spec.model", *e);
    }
  } else {
    note_if_missing(index, entry, "ModelAPI", spec.model_api, "spec.modelAPI");
  }
  for (std::size_t i = 0; i < spec.mcp_servers.size(); ++i) {
    note_if_missing(index, entry, "MCPServer", spec.mcp_servers[i], index_path("spec.mcpServers", i));
  }
  if (spec.agent_network) {
    for (std::size_t i = 0; i < spec.agent_network->access.size(); ++i) {
      note_if_missing(index, entry, "Agent", spec.agent_network->access[i], index_path("spec.agentNetwork.access", i));
    }
  }
  if (spec.config && spec.config->memory) {
    note_if_missing(index, entry, "MemoryStore", spec.config->memory->memory_store, "spec.config.memory.memoryStore");
  }
}

void check_memorystore_references(const SetIndex& index, ManifestEntry& entry, const MemoryStore& store) {
  note_if_missing(index, entry, "ModelAPI", store.spec.models.summarization.model_api,
                  "spec.models.summarization.modelAPI");
  if (store.spec.models.embedding.model_api != store.spec.models.summarization.model_api) {
    note_if_missing(index, entry, "ModelAPI", store.spec.models.embedding.model_api, "spec.models.embedding.modelAPI");
  }
}

}  // namespace

void check_manifest_set(ManifestSet& set) {
  SetIndex index;
  for (auto& entry : set.entries) {
    if (entry.kind.empty() || entry.name.empty()) continue;
    // kubectl applies both; the later one wins. The index keeps the later one, too.
    auto [it, inserted] = index.by_key.emplace(Key{entry.kind, entry.namespace_, entry.name}, &entry);
    if (!inserted) {
      std::string where = it->second->location();
      if (where.size() >= 2) where.resize(where.size() - 2);  // drop ": "
      entry.diagnostics.warning("metadata.name", "duplicate: " + entry.kind + " " + go_quote(entry.name) +
                                                     " in namespace " + go_quote(entry.namespace_) +
                                                     " is also defined" + (where.empty() ? "" : " at " + where) +
                                                     "; this later definition wins when applied");
      it->second = &entry;
    }
  }
  for (auto& entry : set.entries) {
    if (!entry.resource) continue;
    if (const auto* agent = std::get_if<Agent>(&*entry.resource)) check_agent_references(index, entry, *agent);
    if (const auto* store = std::get_if<MemoryStore>(&*entry.resource))
      check_memorystore_references(index, entry, *store);
    if (entry.has_errors()) entry.resource.reset();
  }
}

}  // namespace kaos::api
