#include "servers/mcp/stdio/pending_requests.hpp"

#include <algorithm>

namespace kaos::mcp::stdio_detail {
namespace {

// JSON-RPC ids are strings or numbers; their compact serialization tells 1 from "1" and
// treats an integer the same however Boost.JSON stored it (int64 or uint64).
std::string id_key(const json::value& id) {
  if (auto n = as_int64(id)) return std::to_string(*n);
  return to_json(id);
}

std::optional<std::string> progress_token(const json::value& params) {
  const auto* p = params.if_object();
  const auto* meta = p ? find_field(*p, "_meta") : nullptr;
  const auto* m = meta ? meta->if_object() : nullptr;
  const auto* token = m ? find_field(*m, "progressToken") : nullptr;
  if (!token || !(token->is_string() || token->is_number())) return std::nullopt;
  return id_key(*token);
}

}  // namespace

void PendingRequests::add(const json::value& id, const json::value& params) {
  by_key_[id_key(id)] = Entry{id, progress_token(params), next_seq_++};
}

std::optional<json::value> PendingRequests::take(const json::value& id) {
  auto it = by_key_.find(id_key(id));
  if (it == by_key_.end()) return std::nullopt;
  json::value original = std::move(it->second.id);
  by_key_.erase(it);
  return original;
}

std::vector<json::value> PendingRequests::take_all() {
  std::vector<Entry> entries;
  entries.reserve(by_key_.size());
  for (auto& [key, e] : by_key_) entries.push_back(std::move(e));
  by_key_.clear();
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.seq < b.seq; });
  std::vector<json::value> ids;
  ids.reserve(entries.size());
  for (auto& e : entries) ids.push_back(std::move(e.id));
  return ids;
}

json::value PendingRequests::related(std::string_view method, const json::value& params) const {
  if (method == "notifications/progress") {
    const auto* p = params.if_object();
    const auto* token = p ? find_field(*p, "progressToken") : nullptr;
    if (token && (token->is_string() || token->is_number())) {
      auto key = id_key(*token);
      for (const auto& [k, e] : by_key_) {
        if (e.progress_token == key) return e.id;
      }
    }
  }
  const Entry* latest = nullptr;
  for (const auto& [k, e] : by_key_) {
    if (!latest || e.seq > latest->seq) latest = &e;
  }
  return latest ? latest->id : json::value(nullptr);
}

}  // namespace kaos::mcp::stdio_detail
