#pragma once
// LocalMemory: the default backend — sessions in this process, lost on restart, not shared
// between replicas. Bounded like KAOS's LocalMemory: each session keeps its newest
// max_session_events; a new session beyond max_sessions evicts the least recently updated
// 10 % of max_sessions (at least one). Bounded by bytes too (event_bytes()): a session over
// max_session_bytes drops its oldest events (an event larger than the limit is not kept at
// all); memory over max_total_bytes drops whole sessions, least recently updated first.
#include <cstdint>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "servers/agent/memory/memory.hpp"

namespace kaos::agent {

/// Thread-safe: one mutex, held only for in-memory work (the coroutines never suspend).
/// A limit of 0 means unbounded.
class LocalMemory final : public Memory {
 public:
  explicit LocalMemory(MemoryLimits limits = {});

  std::string_view kind() const override { return "local"; }
  /// Never fails.
  net::Task<Result<void>> append(std::string session_id, std::vector<MemoryEvent> events) override;
  /// Never fails. `limit` 0 gives an empty list.
  net::Task<Result<std::vector<MemoryEvent>>> events(std::optional<std::string> session_id, std::size_t limit) override;
  /// Never fails.
  net::Task<Result<std::vector<std::string>>> sessions() override;
  /// Bytes held, as event_bytes() counts them (for tests and metrics).
  std::size_t total_bytes() const;

 private:
  struct Session {
    std::deque<MemoryEvent> events;
    std::deque<std::size_t> event_sizes;  // event_bytes() of each event, in step with `events`
    std::size_t bytes = 0;
    std::uint64_t updated = 0;  // value of clock_ at the last append: orders sessions
  };

  // Session ids, most recently updated first. Requires mu_.
  std::vector<std::string> ordered_ids() const;
  void evict_for(const std::string& keep);    // requires mu_
  void trim(Session& s);                      // requires mu_: the per-session bounds
  void evict_bytes(const std::string& keep);  // requires mu_: the total bound
  void drop_oldest_event(Session& s);         // requires mu_

  const MemoryLimits limits_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Session> sessions_;
  std::uint64_t clock_ = 0;
  std::size_t total_bytes_ = 0;
};

}  // namespace kaos::agent
