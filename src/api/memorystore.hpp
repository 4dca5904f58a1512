#pragma once
// MemoryStore (memorystores.kaos.tools): the memory service shared by agents — short-term
// window, medium-term rolling digest, long-term extracted facts. KAOS-REFERENCE.md §1.4.
#include <array>
#include <optional>
#include <string>

#include "api/agent.hpp"  // MemoryReadScope, MemoryConfig, FailureMode
#include "api/common_types.hpp"
#include "api/object_meta.hpp"

namespace kaos::api {

enum class MemoryEngine { Mem0 };
enum class StorageType { Local, External };
enum class LocalStorageProvider { Chroma };
enum class ExternalStorageProvider { Pgvector };
template <>
struct EnumNames<MemoryEngine> {
  static constexpr std::array values{std::pair{MemoryEngine::Mem0, std::string_view("mem0")}};
};
template <>
struct EnumNames<StorageType> {
  static constexpr std::array values{std::pair{StorageType::Local, std::string_view("local")},
                                     std::pair{StorageType::External, std::string_view("external")}};
};
template <>
struct EnumNames<LocalStorageProvider> {
  static constexpr std::array values{std::pair{LocalStorageProvider::Chroma, std::string_view("chroma")}};
};
template <>
struct EnumNames<ExternalStorageProvider> {
  static constexpr std::array values{std::pair{ExternalStorageProvider::Pgvector, std::string_view("pgvector")}};
};

struct PersistentVolumeConfig {
  std::string size;  ///< CRD default "5Gi"
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("size", s.size);
  }
};

struct LocalStorage {
  std::optional<LocalStorageProvider> provider;  ///< CRD default chroma
  std::optional<PersistentVolumeConfig> persistent_volume;
  std::string collection;  ///< CRD default "kaos_memory"
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("provider", s.provider);
    v("persistentVolume", s.persistent_volume);
    v("collection", s.collection);
  }
};

struct ExternalStorage {
  std::optional<ExternalStorageProvider> provider;  ///< CRD default pgvector
  SecretKeySelector connection_secret_ref;          ///< DSN; required
  std::optional<std::int32_t> embedding_dims;       ///< CRD default 1536
  std::string collection;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("provider", s.provider);
    v("connectionSecretRef", s.connection_secret_ref);
    v("embeddingDims", s.embedding_dims);
    v("collection", s.collection);
  }
};

struct StorageConfig {
  StorageType type = StorageType::Local;
  std::optional<LocalStorage> local;
  std::optional<ExternalStorage> external;  ///< required when type is external (CEL)
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("type", s.type);
    v("local", s.local);
    v("external", s.external);
  }
};

struct ModelRef {
  std::string model_api;
  std::string model;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("modelAPI", s.model_api);
    v("model", s.model);
  }
};

struct MemoryModels {
  ModelRef summarization;
  ModelRef embedding;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("summarization", s.summarization);
    v("embedding", s.embedding);
  }
};

struct ShortTermConfig {
  std::optional<std::int32_t> token_budget;    ///< service default 4096
  std::optional<std::int32_t> hard_event_cap;  ///< service default 2000
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("tokenBudget", s.token_budget);
    v("hardEventCap", s.hard_event_cap);
  }
};

struct MediumTermConfig {
  std::optional<bool> enabled;                     ///< service default false
  std::optional<std::int32_t> compaction_trigger;  ///< 0 = tokenBudget
  std::optional<std::int32_t> compaction_target;   ///< 0 = tokenBudget/2 (min 1)
  std::optional<std::int32_t> digest_retention;    ///< service default 20
  std::string system_prompt;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("enabled", s.enabled);
    v("compactionTrigger", s.compaction_trigger);
    v("compactionTarget", s.compaction_target);
    v("digestRetention", s.digest_retention);
    v("systemPrompt", s.system_prompt);
  }
};

struct ExtractionConfig {
  std::optional<std::int32_t> concurrency;  ///< service default 4
  std::optional<std::int32_t> max_retries;  ///< service default 2
  std::string system_prompt;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("concurrency", s.concurrency);
    v("maxRetries", s.max_retries);
    v("systemPrompt", s.system_prompt);
  }
};

struct LongTermConfig {
  std::optional<bool> enabled;                ///< service default true
  std::optional<std::int32_t> default_top_k;  ///< service default 10
  std::optional<double> score_threshold;      ///< 0..1
  std::optional<bool> rerank;                 ///< service default false
  std::optional<ExtractionConfig> extraction;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("enabled", s.enabled);
    v("defaultTopK", s.default_top_k);
    v("scoreThreshold", s.score_threshold);
    v("rerank", s.rerank);
    v("extraction", s.extraction);
  }
};

struct MemoryStoreSpec {
  std::optional<MemoryEngine> engine;  ///< CRD default mem0
  StorageConfig storage;
  std::optional<std::int32_t> replicas;  ///< absent: 1 local / 2 external (effective_replicas)
  MemoryModels models;
  std::optional<ShortTermConfig> short_term;
  std::optional<MediumTermConfig> medium_term;
  std::optional<LongTermConfig> long_term;
  std::optional<std::int32_t> request_concurrency;  ///< service default 8
  std::optional<FailureMode> default_failure_mode;  ///< CRD default soft
  std::optional<MemoryReadScope> max_read_scope;    ///< unset ⇒ agent (store_max_read_scope)
  std::optional<GatewayRoute> gateway_route;
  std::optional<TelemetryConfig> telemetry;
  std::optional<ContainerOverride> container;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("engine", s.engine);
    v("storage", s.storage);
    v("replicas", s.replicas);
    v("models", s.models);
    v("shortTerm", s.short_term);
    v("mediumTerm", s.medium_term);
    v("longTerm", s.long_term);
    v("requestConcurrency", s.request_concurrency);
    v("defaultFailureMode", s.default_failure_mode);
    v("maxReadScope", s.max_read_scope);
    v("gatewayRoute", s.gateway_route);
    v("telemetry", s.telemetry);
    v("container", s.container);
  }
};

struct MemoryStore {
  ObjectMeta metadata;
  MemoryStoreSpec spec;
  std::optional<json::object> status;
};

inline constexpr std::int32_t kDefaultShortTermTokenBudget = 4096;

const Schema& memorystore_spec_schema();
const Schema& memorystore_status_schema();

MemoryStore read_memorystore(const json::value& document, std::string_view default_namespace);
json::value to_json(const MemoryStore& store);
void check_memorystore(const MemoryStore& store, Diagnostics& out);

/// The ceiling a store grants its agents: maxReadScope, else agent (KAOS resolveStoreMaxReadScope).
MemoryReadScope store_max_read_scope(const MemoryStoreSpec& spec);

/// KAOS resolveMaxReadScope, the agent's MEMORY_MAX_READ_SCOPE: config.memory.maxReadScope;
/// else, when a store is bound (`bound_store`: the MemoryStore a remote memory resolved to,
/// ready or not), the store's ceiling; else session.
MemoryReadScope resolve_max_read_scope(const MemoryConfig& memory, const MemoryStoreSpec* bound_store);

/// replicas if set, else 1 for local storage and 2 for external.
std::int32_t effective_replicas(const MemoryStoreSpec& spec);

/// The compaction thresholds after KAOS's derivation (0/absent ⇒ derived).
struct CompactionThresholds {
  std::int64_t budget, trigger, target;
};
CompactionThresholds effective_compaction(const json::object& spec);

}  // namespace kaos::api
