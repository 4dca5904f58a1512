#include "servers/mcp/catalog.hpp"

#include "servers/mcp/native_session.hpp"

namespace kaos::mcp::detail {

std::shared_ptr<const Tool> Catalog::find_tool(std::string_view name) const {
  std::shared_lock lock(mu);
  for (const auto& t : tools) {
    if (t->name == name) return t;
  }
  return nullptr;
}

std::shared_ptr<const Prompt> Catalog::find_prompt(std::string_view name) const {
  std::shared_lock lock(mu);
  for (const auto& p : prompts) {
    if (p->name == name) return p;
  }
  return nullptr;
}

void Catalog::add_session(const std::shared_ptr<NativeSession>& s) {
  std::lock_guard lock(sessions_mu);
  // Ended sessions leave expired entries; sweep them whenever the list doubles, so a server
  // that never broadcasts (the usual case) still keeps the list at most twice the live count.
  if (sessions.size() >= sweep_at) {
    std::erase_if(sessions, [](const auto& w) { return w.expired(); });
    sweep_at = std::max<std::size_t>(64, sessions.size() * 2);
  }
  sessions.push_back(s);
}

void Catalog::for_each_session(const std::function<void(NativeSession&)>& f) {
  std::vector<std::shared_ptr<NativeSession>> live;
  {
    std::lock_guard lock(sessions_mu);
    std::erase_if(sessions, [](const auto& w) {
      auto s = w.lock();
      return !s || s->closed();
    });
    for (const auto& w : sessions) {
      if (auto s = w.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) f(*s);
}

}  // namespace kaos::mcp::detail
