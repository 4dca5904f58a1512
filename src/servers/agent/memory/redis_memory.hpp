#pragma once
// RedisMemory: sessions in Redis, shared by every replica of an agent and kept across
// restarts (MEMORY_TYPE=redis, MEMORY_REDIS_URL). Keys follow KAOS's RedisMemory, namespaced
// per agent under prefix P = "kaos:memory:<agent_name>:":
//   P session:<id>  hash   session_id, created_at, updated_at (ISO 8601)
//   P events:<id>   list   event JSON (protocol/kaos MemoryEvent), oldest first, trimmed to the
//                          newest max_session_events
//   P sessions      zset   session ids scored by last update (unix seconds, fractional)
// Session keys expire `ttl` after their last update; index entries older than that are
// ignored and pruned. A new session beyond max_sessions evicts the least recently updated
// 10 % of max_sessions (at least one), with their keys.
#include <chrono>
#include <string>

#include "clients/redis/redis_client.hpp"
#include "servers/agent/memory/memory.hpp"

namespace kaos::agent {

/// Thread-safe (the RedisClient serializes calls on its connection). When Redis cannot be
/// reached every call returns the client's Error ("io", "timeout") and the next call tries
/// again; nothing throws. The object must outlive the calls it starts.
class RedisMemory final : public Memory {
 public:
  RedisMemory(net::Executor executor, clients::redis::RedisOptions options, std::string agent_name, MemoryLimits limits,
              std::chrono::seconds ttl = std::chrono::hours(24));

  std::string_view kind() const override { return "redis"; }
  /// One MULTI/EXEC pipeline (append, trim, touch, index, expire), plus an eviction round
  /// trip when a new session pushed the index over max_sessions.
  net::Task<Result<void>> append(std::string session_id, std::vector<MemoryEvent> events) override;
  /// `limit` 0 gives an empty list. Stored entries that do not parse (not JSON, a missing field,
  /// an event_type KAOS does not define) are skipped.
  net::Task<Result<std::vector<MemoryEvent>>> events(std::optional<std::string> session_id, std::size_t limit) override;
  net::Task<Result<std::vector<std::string>>> sessions() override;

  /// "kaos:memory:<agent_name>:".
  const std::string& key_prefix() const { return prefix_; }

 private:
  std::string session_key(std::string_view id) const;
  std::string events_key(std::string_view id) const;
  std::string index_key() const;
  /// "(<now - ttl>": the exclusive lower score bound of live index entries.
  std::string live_bound() const;
  net::Task<Result<void>> evict(std::string keep, std::size_t count);
  Result<std::vector<MemoryEvent>> parse_events(const clients::redis::RedisReply& list) const;

  clients::redis::RedisClient client_;
  const std::string prefix_;
  const MemoryLimits limits_;
  const std::chrono::seconds ttl_;
};

}  // namespace kaos::agent
