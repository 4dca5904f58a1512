// The MemoryStore schema: storage, models, memory tiers, and KAOS's CEL rules (local ⇒
// replicas == 1, external ⇒ storage.external, compaction invariant).
#include "api/memorystore.hpp"

namespace kaos::api {

CompactionThresholds effective_compaction(const json::object& spec) {
  CompactionThresholds t{kDefaultShortTermTokenBudget, 0, 0};
  if (const auto* st = object_at(spec, "shortTerm")) t.budget = int_or(*st, "tokenBudget", t.budget);
  const auto* mt = object_at(spec, "mediumTerm");
  std::int64_t trigger = mt ? int_or(*mt, "compactionTrigger", 0) : 0;
  std::int64_t target = mt ? int_or(*mt, "compactionTarget", 0) : 0;
  t.trigger = trigger > 0 ? trigger : t.budget;
  t.target = target > 0 ? target : (t.budget / 2 > 0 ? t.budget / 2 : 1);
  return t;
}

namespace {

// The same derivation as effective_compaction, in CEL.
std::string compaction_rule() {
  const std::string budget = "(has(self.shortTerm) && has(self.shortTerm.tokenBudget) ? self.shortTerm.tokenBudget : " +
                             std::to_string(kDefaultShortTermTokenBudget) + ")";
  const std::string trigger =
      "(has(self.mediumTerm.compactionTrigger) && self.mediumTerm.compactionTrigger > 0 ? "
      "self.mediumTerm.compactionTrigger : " +
      budget + ")";
  const std::string target =
      "(has(self.mediumTerm.compactionTarget) && self.mediumTerm.compactionTarget > 0 ? "
      "self.mediumTerm.compactionTarget : (" +
      budget + " / 2 > 0 ? " + budget + " / 2 : 1))";
  return "!has(self.mediumTerm) || (" + target + " > 0 && " + target + " < " + trigger + " && " + trigger +
         " <= " + budget + ")";
}

Schema storage_schema() {
  Schema local = object_schema(
      "Local storage: an embedded vector store on a PersistentVolume.",
      {{"provider", string_schema("Vector store.").enums(enum_names<LocalStorageProvider>()).def("chroma")},
       {"persistentVolume", object_schema("PersistentVolumeClaim (ReadWriteOnce) for the data.",
                                          {{"size", string_schema("Requested size.").def("5Gi")}})},
       {"collection", string_schema("Vector collection (group id).").def("kaos_memory")}});
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
      .rule_at(
          "external", "self.type != 'external' || has(self.external)", "required when type is 'external'",
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
              {"defaultReadScope",
               string_schema("Default read scope of bound agents (unset: session).").enums(enum_names<MemoryScope>())},
              {"gatewayRoute", gateway_route_schema()},
              {"telemetry", telemetry_schema()},
              {"container", container_override_schema()}})
      .removed("extraction", "use longTerm.extraction")
      .removed("summarization", "use mediumTerm.systemPrompt")
      .rule_at("replicas", "!has(self.replicas) || self.storage.type != 'local' || self.replicas == 1",
               "must be 1 when storage.type is 'local'",
               [](const json::object& o) {
                 const auto* storage = object_at(o, "storage");
                 return !has_field(o, "replicas") || !storage || string_or(*storage, "type", "") != "local" ||
                        int_or(o, "replicas", 1) == 1;
               })
      .rule_at("mediumTerm", compaction_rule(),
               "compaction thresholds must satisfy 0 < compactionTarget < compactionTrigger <= "
               "shortTerm.tokenBudget (0 or unset: trigger = tokenBudget, target = tokenBudget/2, "
               "tokenBudget = 4096)",
               [](const json::object& o) {
                 if (!has_field(o, "mediumTerm")) return true;
                 auto t = effective_compaction(o);
                 return t.target > 0 && t.target < t.trigger && t.trigger <= t.budget;
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
