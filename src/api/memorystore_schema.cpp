// The MemoryStore schema: storage, models, memory tiers, maxReadScope, and KAOS's CEL rules
// (local ⇒ replicas == 1, external ⇒ storage.external, compaction invariant), verbatim.
#include "api/memorystore.hpp"

namespace kaos::api {

CompactionThresholds effective_compaction(const json::object& spec) {
  CompactionThresholds t{kDefaultShortTermTokenBudget, 0, 0};
  if (const auto* st = object_at(spec, "shortTerm")) t.budget = int_or(*st, "tokenBudget", t.budget);
  const auto* mt = object_at(spec, "mediumTerm");
  std::int64_t trigger = mt ? int_or(*mt, "compactionTrigger", 0) : 0;
  std::int64_t target = mt ? int_or(*mt, "compactionTarget", 0) : 0;
  // `!= 0`, as KAOS's rule writes it (a negative mark is already a bounds error).
  t.trigger = trigger != 0 ? trigger : t.budget;
  t.target = target != 0 ? target : (t.budget / 2 < 1 ? 1 : t.budget / 2);
  return t;
}

namespace {

// KAOS's compaction rule, verbatim (memorystore CRD): the derivation of effective_compaction
// in CEL, at spec level and unguarded, so it also holds when mediumTerm is absent
// (shortTerm.tokenBudget: 1 derives target 1 = trigger 1 and fails).
std::string compaction_rule() {
  const std::string budget =
      "((has(self.shortTerm) && has(self.shortTerm.tokenBudget)) ? self.shortTerm.tokenBudget : " +
      std::to_string(kDefaultShortTermTokenBudget) + ")";
  const std::string target =
      "((has(self.mediumTerm) && has(self.mediumTerm.compactionTarget) && self.mediumTerm.compactionTarget != 0) ? "
      "self.mediumTerm.compactionTarget : (" +
      budget + " / 2 < 1 ? 1 : " + budget + " / 2))";
  const std::string trigger =
      "((has(self.mediumTerm) && has(self.mediumTerm.compactionTrigger) && self.mediumTerm.compactionTrigger != 0) "
      "? self.mediumTerm.compactionTrigger : " +
      budget + ")";
  return target + " < " + trigger + " && " + trigger + " <= " + budget;
}

Schema storage_schema() {
  Schema local = object_schema(
      "Local storage: an embedded vector store on a PersistentVolume.",
      {{"provider", string_schema("Vector store.").enums(enum_names<LocalStorageProvider>()).def("chroma")},
       {"persistentVolume", object_schema("PersistentVolumeClaim (ReadWriteOnce) for the data.",
                                          {{"size", string_schema("Requested size.").def("5Gi")}})},
       {"collection", string_schema("Vector collection (group id; service default kaos_memory).")}});
  Schema external = object_schema(
      "External storage: a database reached through a DSN.",
      {{"provider", string_schema("Database.").enums(enum_names<ExternalStorageProvider>()).def("pgvector")},
       {"connectionSecretRef", secret_key_selector_schema("Secret key holding the DSN."), true},
       {"embeddingDims", integer_schema("Embedding dimensions.").min(1).def(1536)},
       {"collection", string_schema("Vector collection (group id).")}});
  return object_schema("Storage of the memory service.",
                       {{"type", string_schema("Storage type.").enums(enum_names<StorageType>()), true},
                        {"local", std::move(local)},
                        {"external", std::move(external)}})
      .rule("self.type != 'external' || has(self.external)",
            "storage.external is required when storage.type is external",
            [](const json::object& o) { return string_or(o, "type", "") != "external" || has_field(o, "external"); });
}

Schema model_ref_schema(std::string description) {
  return object_schema(std::move(description), {{"modelAPI", string_schema("ModelAPI name (same namespace)."), true},
                                                {"model", string_schema("Model id."), true}});
}

Schema tiers_short_schema() {
  return object_schema(
      "Short-term tier: the verbatim window.",
      {{"tokenBudget", integer_schema("Token bound of the verbatim window (service default 4096).").min(1)},
       {"hardEventCap", integer_schema("Hard cap of events per session (service default 2000).").min(1)}});
}

Schema tiers_medium_schema() {
  return object_schema(
      "Medium-term tier: a rolling digest instead of dropping overflow.",
      {{"enabled", boolean_schema("Enable the rolling digest (service default false).")},
       {"compactionTrigger", integer_schema("Fold when the window exceeds this many tokens (0 = tokenBudget).").min(0)},
       {"compactionTarget", integer_schema("Fold down to this many tokens (0 = tokenBudget/2, min 1).").min(0)},
       {"digestRetention", integer_schema("Digest versions retained (service default 20).").min(1)},
       {"systemPrompt", string_schema("Summariser prompt override.")}});
}

Schema tiers_long_schema() {
  return object_schema(
      "Long-term tier: extracted facts.",
      {{"enabled", boolean_schema("Enable fact extraction and recall (service default true).")},
       {"defaultTopK", integer_schema("Facts recalled per query (service default 10).").min(1)},
       {"scoreThreshold", number_schema("Minimum similarity score of recalled facts.").range(0, 1)},
       {"rerank", boolean_schema("Rerank recalled facts (service default false).")},
       {"extraction",
        object_schema("Fact extraction.",
                      {{"concurrency", integer_schema("Concurrent extractions (service default 4).").min(1)},
                       {"maxRetries", integer_schema("Retries per extraction (service default 2).").min(0)},
                       {"systemPrompt", string_schema("Fact-extraction prompt override.")}})}});
}

Schema build_spec_schema() {
  return object_schema(
             "MemoryStoreSpec defines the desired state of MemoryStore.",
             {{"engine", string_schema("Memory engine.").enums(enum_names<MemoryEngine>()).def("mem0")},
              {"storage", storage_schema(), true},
              {"replicas", integer_schema("Replicas; default 1 (local) or 2 (external); must be 1 with local "
                                          "storage.")
                               .min(1)},
              {"models",
               object_schema("Models of the memory service.",
                             {{"summarization", model_ref_schema("Extraction and digest model."), true},
                              {"embedding", model_ref_schema("Embedding model."), true}}),
               true},
              {"shortTerm", tiers_short_schema()},
              {"mediumTerm", tiers_medium_schema()},
              {"longTerm", tiers_long_schema()},
              {"requestConcurrency", integer_schema("Bounded request executor size (service default 8).").min(1)},
              {"defaultFailureMode",
               string_schema("Write/forget failure semantics.").enums(enum_names<FailureMode>()).def("soft")},
              {"maxReadScope", string_schema("Maximum read scope of every bound agent: session, agent or user. "
                                             "Unset: agent (an agent without its own maxReadScope reads at "
                                             "this level; one above it is Failed).")
                                   .enums(enum_names<MemoryReadScope>())},
              {"gatewayRoute", gateway_route_schema()},
              {"telemetry", telemetry_schema()},
              {"container", container_override_schema()}})
      .removed("extraction", "use longTerm.extraction")
      .removed("summarization", "use mediumTerm.systemPrompt")
      .removed("defaultReadScope", "use maxReadScope (session, agent or user; unset means agent)",
               default_read_scope_hint)
      // KAOS's rules and messages, verbatim (memorystore CRD).
      .rule("self.storage.type != 'local' || !has(self.replicas) || self.replicas == 1",
            "replicas must be 1 in local storage mode",
            [](const json::object& o) {
              const auto* storage = object_at(o, "storage");
              return !storage || string_or(*storage, "type", "") != "local" || !has_field(o, "replicas") ||
                     int_or(o, "replicas", 1) == 1;
            })
      .rule(compaction_rule(),
            "short-term compaction marks must satisfy 0 < compactionTarget < compactionTrigger <= tokenBudget "
            "(0 or absent marks derive from the token budget)",
            [](const json::object& o) {
              auto t = effective_compaction(o);
              return t.target < t.trigger && t.trigger <= t.budget;
            });
}

Schema build_status_schema() {
  return object_schema("MemoryStoreStatus defines the observed state of MemoryStore.",
                       {{"phase", string_schema("Phase of the deployment.").enums({"Pending", "Ready", "Failed"})},
                        {"ready", boolean_schema("Whether the memory service is ready.")},
                        {"endpoint", string_schema("Service endpoint of the memory service.")},
                        {"message", string_schema("Additional status information.")},
                        {"conditions", conditions_schema()},
                        {"deployment", deployment_status_schema()},
                        {"observedGeneration", int64_schema("Generation of the spec this status was computed for.")}});
}

}  // namespace

const Schema& memorystore_spec_schema() {
  static const Schema schema = build_spec_schema();
  return schema;
}

const Schema& memorystore_status_schema() {
  static const Schema schema = build_status_schema();
  return schema;
}

}  // namespace kaos::api
