#pragma once
// Internal to the native server: what it serves (tools, resources, prompts) and the live
// sessions that must hear about changes. Shared by McpServer and its sessions; guarded by a
// reader/writer lock because calls read it on every request while changes are rare.
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "servers/mcp/server.hpp"
#include "servers/mcp/server_metrics.hpp"

namespace kaos::mcp::detail {

class NativeSession;

struct Catalog {
  ServerInfo info;
  mutable std::shared_mutex mu;
  std::vector<std::shared_ptr<const Tool>> tools;  ///< in registration order
  std::vector<std::shared_ptr<const Resource>> resources;
  std::vector<std::shared_ptr<const ResourceTemplate>> templates;
  std::vector<std::shared_ptr<const Prompt>> prompts;
  std::size_t page_size = 100;
  ServerMetrics metrics;

  std::shared_ptr<const Tool> find_tool(std::string_view name) const;
  std::shared_ptr<const Prompt> find_prompt(std::string_view name) const;

  // Live sessions, for list_changed and resources/updated notifications.
  std::mutex sessions_mu;
  std::vector<std::weak_ptr<NativeSession>> sessions;
  std::size_t sweep_at = 64;
  void add_session(const std::shared_ptr<NativeSession>& s);
  /// Calls `f` on every live session (pruning dead ones).
  void for_each_session(const std::function<void(NativeSession&)>& f);
};

}  // namespace kaos::mcp::detail
