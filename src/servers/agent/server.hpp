#pragma once
// The agent server of `kaos agent` (KAOS-REFERENCE §2.2): OpenAI-compatible chat, A2A JSON-RPC
// and cards, tools and memory views, the agent itself as an MCP tool at /mcp, probes and
// metrics. Everything lives on one io_context thread (the loop waits on the network, not the
// CPU), so shared state — task store, local memory, MCP clients — needs no locks.
#include <memory>

#include "core/result.hpp"
#include "net/browser_safety.hpp"
#include "net/router.hpp"
#include "servers/agent/config.hpp"

namespace kaos::agent {

/// Who may call the agent: set by `kaos agent` from its flags and environment.
struct AgentAccess {
  net::BrowserSafetyOptions browser;
  /// AGENT_API_KEY: when set, every route but the probes needs `Authorization: Bearer <key>`,
  /// and the key never travels further (model, tools, peers). Empty: no key, as in KAOS.
  std::string api_key;
};

class AgentServer {
 public:
  /// Builds every part (clients, memory backend, tools) on `executor`; no I/O yet.
  static std::shared_ptr<AgentServer> create(net::Executor executor, AgentConfig config);
  ~AgentServer();

  /// Routes of every endpoint, behind browser safety and the key of `access`.
  std::shared_ptr<const net::Router> router(const AgentAccess& access);
  /// After listening: remembers the port (agent card URL) and starts AUTONOMOUS_GOAL.
  void on_listening(std::uint16_t port);
  /// SIGTERM: stops running tasks so the drain does not wait for them.
  void on_shutdown();

  struct Impl;

 private:
  explicit AgentServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kaos::agent
