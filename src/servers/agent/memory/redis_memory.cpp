#include "servers/agent/memory/redis_memory.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "core/ids.hpp"

namespace kaos::agent {
namespace {

using clients::redis::RedisReply;
using Argv = std::vector<std::string>;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string score_text(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", seconds);
  return buf;
}

Error store_error(std::string_view what, const RedisReply& reply) {
  return Error::io("redis memory: " + std::string(what) + ": " + reply.describe());
}

}  // namespace

RedisMemory::RedisMemory(net::Executor executor, clients::redis::RedisOptions options, std::string agent_name,
                         MemoryLimits limits, std::chrono::seconds ttl)
    : client_(std::move(executor), std::move(options)),
      prefix_("kaos:memory:" + agent_name + ":"),
      limits_(limits),
      ttl_(ttl) {}

std::string RedisMemory::session_key(std::string_view id) const {
  return prefix_ + "session:" + std::string(id);
}
std::string RedisMemory::events_key(std::string_view id) const {
  return prefix_ + "events:" + std::string(id);
}
std::string RedisMemory::index_key() const {
  return prefix_ + "sessions";
}

std::string RedisMemory::live_bound() const {
  return "(" + score_text(unix_now() - static_cast<double>(ttl_.count()));
}

net::Task<Result<void>> RedisMemory::append(std::string session_id, std::vector<MemoryEvent> events) {
  const std::string now_iso = iso8601_now();
  const std::string ttl = std::to_string(ttl_.count());
  const std::string skey = session_key(session_id);
  const std::string ekey = events_key(session_id);
  const std::string index = index_key();

  // One transaction, so a reader never sees events without their session or index entry.
  std::vector<Argv> cmds;
  cmds.push_back({"MULTI"});
  if (!events.empty()) {
    Argv push{"RPUSH", ekey};
    for (const auto& e : events) push.push_back(::kaos::to_json(protocol::kaos::to_json(e)));
    cmds.push_back(std::move(push));
    if (limits_.max_session_events != 0)
      cmds.push_back({"LTRIM", ekey, "-" + std::to_string(limits_.max_session_events), "-1"});
    cmds.push_back({"EXPIRE", ekey, ttl});
  }
  cmds.push_back({"HSETNX", skey, "created_at", now_iso});
  cmds.push_back({"HSET", skey, "session_id", session_id, "updated_at", now_iso});
  cmds.push_back({"EXPIRE", skey, ttl});
  const std::size_t zadd_at = cmds.size() - 1;  // its position in EXEC's reply (MULTI has none)
  cmds.push_back({"ZADD", index, score_text(unix_now()), session_id});
  // Entries whose session keys have expired would otherwise linger in the index forever.
  cmds.push_back({"ZREMRANGEBYSCORE", index, "-inf", live_bound()});
  cmds.push_back({"EXPIRE", index, ttl});
  cmds.push_back({"ZCARD", index});
  cmds.push_back({"EXEC"});

  auto replies = co_await client_.pipeline(std::move(cmds));
  if (!replies) co_return replies.error();
  const RedisReply& exec = replies->back();
  if (exec.type != RedisReply::Type::array) co_return store_error("appending to session " + session_id, exec);
  for (const auto& r : exec.elements)
    if (r.is_error()) co_return store_error("appending to session " + session_id, r);

  const bool created = exec.elements.at(zadd_at).integer == 1;
  const auto count = static_cast<std::size_t>(std::max<std::int64_t>(0, exec.elements.back().integer));
  if (created && limits_.max_sessions != 0 && count > limits_.max_sessions) {
    const std::size_t victims = std::max({std::size_t{1}, limits_.max_sessions / 10, count - limits_.max_sessions});
    auto evicted = co_await evict(session_id, victims);
    // The events are stored; a failed eviction only delays it to the next new session.
    if (!evicted) spdlog::warn("redis memory: evicting old sessions failed: {}", evicted.error().message);
  }
  co_return Result<void>();
}

net::Task<Result<void>> RedisMemory::evict(std::string keep, std::size_t count) {
  // One more than needed, in case `keep` is among the oldest (tiny max_sessions).
  Argv oldest{"ZRANGE", index_key(), "0", std::to_string(count)};
  auto ids = co_await client_.command(std::move(oldest));
  if (!ids) co_return ids.error();
  if (ids->type != RedisReply::Type::array) co_return store_error("listing the oldest sessions", *ids);
  Argv del{"DEL"};
  Argv zrem{"ZREM", index_key()};
  for (const auto& id : ids->elements) {
    if (id.str == keep || zrem.size() - 2 >= count) continue;
    del.push_back(session_key(id.str));
    del.push_back(events_key(id.str));
    zrem.push_back(id.str);
  }
  if (zrem.size() == 2) co_return Result<void>();
  std::vector<Argv> cmds{std::move(del), std::move(zrem)};
  auto done = co_await client_.pipeline(std::move(cmds));
  if (!done) co_return done.error();
  for (const auto& r : *done)
    if (r.is_error()) co_return store_error("evicting sessions", r);
  co_return Result<void>();
}

Result<std::vector<MemoryEvent>> RedisMemory::parse_events(const RedisReply& list) const {
  if (list.type != RedisReply::Type::array) return store_error("reading events", list);
  std::vector<MemoryEvent> out;
  out.reserve(list.elements.size());
  for (const auto& item : list.elements) {
    auto doc = parse_json(item.str);
    auto event = doc ? protocol::kaos::parse_memory_event(*doc) : Result<MemoryEvent>(doc.error());
    if (!event) {
      spdlog::debug("redis memory: skipping a malformed event: {}", event.error().message);
      continue;
    }
    out.push_back(std::move(*event));
  }
  return out;
}

net::Task<Result<std::vector<MemoryEvent>>> RedisMemory::events(std::optional<std::string> session_id,
                                                                std::size_t limit) {
  if (limit == 0) co_return std::vector<MemoryEvent>();
  const std::string from = "-" + std::to_string(limit);
  if (session_id) {
    Argv range{"LRANGE", events_key(*session_id), from, "-1"};
    auto list = co_await client_.command(std::move(range));
    if (!list) co_return list.error();
    co_return parse_events(*list);
  }
  // As in LocalMemory: the newest `limit` events lie in the `limit` most recently updated sessions.
  Argv newest{"ZREVRANGEBYSCORE", index_key(), "+inf", live_bound(), "LIMIT", "0", std::to_string(limit)};
  auto ids = co_await client_.command(std::move(newest));
  if (!ids) co_return ids.error();
  if (ids->type != RedisReply::Type::array) co_return store_error("listing sessions", *ids);
  if (ids->elements.empty()) co_return std::vector<MemoryEvent>();
  std::vector<Argv> ranges;
  for (const auto& id : ids->elements) ranges.push_back({"LRANGE", events_key(id.str), from, "-1"});
  auto lists = co_await client_.pipeline(std::move(ranges));
  if (!lists) co_return lists.error();
  std::vector<MemoryEvent> out;
  for (const auto& list : *lists) {
    auto events = parse_events(list);
    if (!events) co_return events.error();
    std::move(events->begin(), events->end(), std::back_inserter(out));
  }
  // ISO 8601 UTC stamps of one fixed format sort as strings.
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.timestamp < b.timestamp; });
  if (out.size() > limit) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(limit));
  co_return out;
}

net::Task<Result<std::vector<std::string>>> RedisMemory::sessions() {
  Argv newest{"ZREVRANGEBYSCORE", index_key(), "+inf", live_bound()};
  auto ids = co_await client_.command(std::move(newest));
  if (!ids) co_return ids.error();
  if (ids->type != RedisReply::Type::array) co_return store_error("listing sessions", *ids);
  std::vector<std::string> out;
  out.reserve(ids->elements.size());
  for (auto& id : ids->elements) out.push_back(std::move(id.str));
  co_return out;
}

}  // namespace kaos::agent
