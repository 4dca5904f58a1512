#pragma once
// The client requests a stdio child has not answered yet, and the rule that decides which
// request's stream carries a message the child sends on its own (stdio has no streams, so the
// bridge must guess what HTTP would have told it). Data only; used from the session's strand.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/json.hpp"

namespace kaos::mcp::stdio_detail {

class PendingRequests {
 public:
  /// Records client request `id`; `params` supplies its progress token (params._meta.progressToken).
  void add(const json::value& id, const json::value& params);
  /// Removes and returns the client's id (as the client spelled it) when `id` is pending.
  std::optional<json::value> take(const json::value& id);
  /// Every pending id, oldest first; the set is empty afterwards.
  std::vector<json::value> take_all();
  bool empty() const { return by_key_.empty(); }
  std::size_t size() const { return by_key_.size(); }

  /// The client request a child-initiated message belongs to: for notifications/progress the
  /// request whose progress token it carries; otherwise (and for an unknown token) the most
  /// recent pending request; null when none is pending (the session-wide stream).
  json::value related(std::string_view method, const json::value& params) const;

 private:
  struct Entry {
    json::value id;
    std::optional<std::string> progress_token;  // serialized, so 1 and "1" stay distinct
    std::uint64_t seq = 0;
  };
  std::unordered_map<std::string, Entry> by_key_;  // key: serialized id
  std::uint64_t next_seq_ = 0;
};

}  // namespace kaos::mcp::stdio_detail
