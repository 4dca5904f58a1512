#include "servers/agent/memory/local_memory.hpp"

#include <algorithm>

namespace kaos::agent {

LocalMemory::LocalMemory(MemoryLimits limits) : limits_(limits) {}

std::vector<std::string> LocalMemory::ordered_ids() const {
  std::vector<std::pair<std::uint64_t, const std::string*>> order;
  order.reserve(sessions_.size());
  for (const auto& [id, s] : sessions_) order.emplace_back(s.updated, &id);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> ids;
  ids.reserve(order.size());
  for (const auto& [updated, id] : order) ids.push_back(*id);
  return ids;
}

void LocalMemory::evict_for(const std::string& keep) {
  if (limits_.max_sessions == 0 || sessions_.size() <= limits_.max_sessions) return;
  const std::size_t excess = sessions_.size() - limits_.max_sessions;
  const std::size_t count = std::max({std::size_t{1}, limits_.max_sessions / 10, excess});
  auto ids = ordered_ids();
  std::size_t removed = 0;
  for (auto it = ids.rbegin(); it != ids.rend() && removed < count; ++it) {
    if (*it == keep) continue;
    total_bytes_ -= sessions_.at(*it).bytes;
    sessions_.erase(*it);
    ++removed;
  }
}

void LocalMemory::drop_oldest_event(Session& s) {
  s.bytes -= s.event_sizes.front();
  total_bytes_ -= s.event_sizes.front();
  s.events.pop_front();
  s.event_sizes.pop_front();
}

void LocalMemory::trim(Session& s) {
  const std::size_t cap = limits_.max_session_events;
  while (cap != 0 && s.events.size() > cap) drop_oldest_event(s);
  const std::size_t max_bytes = limits_.max_session_bytes;
  while (max_bytes != 0 && s.bytes > max_bytes) drop_oldest_event(s);
}

void LocalMemory::evict_bytes(const std::string& keep) {
  const std::size_t max_total = limits_.max_total_bytes;
  if (max_total == 0 || total_bytes_ <= max_total) return;
  auto ids = ordered_ids();
  for (auto it = ids.rbegin(); it != ids.rend() && total_bytes_ > max_total; ++it) {
    if (*it == keep) continue;
    total_bytes_ -= sessions_.at(*it).bytes;
    sessions_.erase(*it);
  }
  // Only `keep` is left and still too big (a session limit above the total one): its oldest go.
  auto& s = sessions_.at(keep);
  while (total_bytes_ > max_total && !s.events.empty()) drop_oldest_event(s);
}

std::size_t LocalMemory::total_bytes() const {
  std::lock_guard lock(mu_);
  return total_bytes_;
}

net::Task<Result<void>> LocalMemory::append(std::string session_id, std::vector<MemoryEvent> events) {
  std::lock_guard lock(mu_);
  auto [it, created] = sessions_.try_emplace(session_id);
  Session& s = it->second;
  s.updated = ++clock_;
  for (auto& e : events) {
    const std::size_t bytes = event_bytes(e);
    s.events.push_back(std::move(e));
    s.event_sizes.push_back(bytes);
    s.bytes += bytes;
    total_bytes_ += bytes;
  }
  trim(s);
  if (created) evict_for(session_id);
  evict_bytes(session_id);
  co_return Result<void>();
}

net::Task<Result<std::vector<MemoryEvent>>> LocalMemory::events(std::optional<std::string> session_id,
                                                                std::size_t limit) {
  std::vector<MemoryEvent> out;
  if (limit == 0) co_return out;
  std::lock_guard lock(mu_);
  auto take_newest = [&](const Session& s) {
    const std::size_t n = std::min(limit, s.events.size());
    out.insert(out.end(), s.events.end() - static_cast<std::ptrdiff_t>(n), s.events.end());
  };
  if (session_id) {
    if (auto it = sessions_.find(*session_id); it != sessions_.end()) take_newest(it->second);
    co_return out;
  }
  // The newest `limit` events all belong to the `limit` most recently updated sessions: each of
  // those holds an event at least as new as anything in an older session.
  auto ids = ordered_ids();
  if (ids.size() > limit) ids.resize(limit);
  for (const auto& id : ids) take_newest(sessions_.at(id));
  // ISO 8601 UTC stamps of one fixed format sort as strings.
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.timestamp < b.timestamp; });
  if (out.size() > limit) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(limit));
  co_return out;
}

net::Task<Result<std::vector<std::string>>> LocalMemory::sessions() {
  std::lock_guard lock(mu_);
  co_return ordered_ids();
}

}  // namespace kaos::agent
