#include "servers/modelapi/model_router.hpp"

#include <algorithm>

namespace kaos::modelapi {

bool model_matches(std::string_view pattern, std::string_view model) {
  if (!pattern.empty() && pattern.back() == '*') return model.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == model;
}

ModelRouter::ModelRouter(GatewayConfig config)
    : config_(std::move(config)), states_(new DeploymentState[config_.deployments.size()]) {
  std::unordered_map<std::string, std::size_t> by_name;
  group_of_.resize(config_.deployments.size());
  for (std::size_t i = 0; i < config_.deployments.size(); ++i) {
    const auto& name = config_.deployments[i].model_name;
    auto [it, inserted] = by_name.try_emplace(name, groups_.size());
    if (inserted) {
      auto g = std::make_unique<Group>();
      g->pattern = name;
      g->wildcard = name.back() == '*';
      g->prefix = g->wildcard ? name.substr(0, name.size() - 1) : name;
      groups_.push_back(std::move(g));
      patterns_.push_back(name);
    }
    groups_[it->second]->members.push_back(i);
    group_of_[i] = it->second;
  }
  for (const auto& g : groups_) {
    if (g->wildcard)
      wildcards_.push_back(g.get());
    else
      exact_.emplace(g->pattern, g.get());
  }
  std::stable_sort(wildcards_.begin(), wildcards_.end(),
                   [](const Group* a, const Group* b) { return a->prefix.size() > b->prefix.size(); });
}

const ModelRouter::Group* ModelRouter::match(std::string_view model) const {
  if (auto it = exact_.find(model); it != exact_.end()) return it->second;
  for (const Group* g : wildcards_)
    if (model.starts_with(g->prefix)) return g;
  return nullptr;
}

bool ModelRouter::cooling_down(std::size_t d, Clock::time_point now) const {
  auto until = states_[d].cooldown_until_ns.load(std::memory_order_relaxed);
  return until != 0 && now.time_since_epoch().count() < until;
}

std::size_t ModelRouter::pick(const Group& g, Clock::time_point now, std::size_t exclude) const {
  const auto n = g.members.size();
  if (n == 1) return g.members[0];
  const auto start = g.next.fetch_add(1, std::memory_order_relaxed);
  std::size_t best = SIZE_MAX;
  int best_load = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const auto d = g.members[(start + k) % n];
    if (d == exclude || cooling_down(d, now)) continue;
    if (config_.strategy == RoutingStrategy::round_robin) return d;
    const int load = states_[d].in_flight.load(std::memory_order_relaxed);
    if (best == SIZE_MAX || load < best_load) {
      best = d;
      best_load = load;
    }
  }
  if (best != SIZE_MAX) return best;
  // Everything is excluded or cooling down: the one whose cooldown ends first.
  std::int64_t soonest = INT64_MAX;
  for (auto d : g.members) {
    if (d == exclude && n > 1) continue;
    auto until = states_[d].cooldown_until_ns.load(std::memory_order_relaxed);
    if (until < soonest) {
      soonest = until;
      best = d;
    }
  }
  return best == SIZE_MAX ? g.members[0] : best;
}

Target ModelRouter::resolve(std::size_t d, const Group& g, std::string_view requested) const {
  const auto& dep = config_.deployments[d];
  Target t;
  t.deployment = d;
  t.kind = dep.kind;
  t.api_base = dep.api_base;
  const std::string_view remainder = g.wildcard ? requested.substr(g.prefix.size()) : requested;
  if (auto star = dep.upstream_model.find('*'); star != std::string::npos) {
    t.upstream_model.reserve(dep.upstream_model.size() + remainder.size());
    t.upstream_model.append(dep.upstream_model, 0, star);
    t.upstream_model.append(remainder);
    t.upstream_model.append(dep.upstream_model, star + 1);
  } else {
    t.upstream_model = dep.upstream_model;
  }
  if (dep.dynamic_provider) {
    auto split = split_provider(t.upstream_model);
    ProviderInfo info = provider_for_prefix("");
    if (!split.provider.empty() && is_known_provider(split.provider)) {
      info = provider_for_prefix(split.provider);
      t.upstream_model = std::string(split.model);
    } else if (split.provider.empty() && t.upstream_model.starts_with("claude")) {
      info = provider_for_prefix("anthropic");
    }
    t.kind = info.kind;
    if (info.kind == ProviderKind::anthropic)
      t.api_base = dep.raw_api_base.empty() ? std::string(info.default_api_base) : dep.raw_api_base;
    else if (info.kind == ProviderKind::openai_compatible)
      t.api_base = effective_api_base(info, dep.raw_api_base);
  }
  return t;
}

void ModelRouter::record_success(std::size_t d) const {
  if (states_[d].consecutive_failures.load(std::memory_order_relaxed) != 0)
    states_[d].consecutive_failures.store(0, std::memory_order_relaxed);
}

bool ModelRouter::record_failure(std::size_t d, Clock::time_point now) const {
  auto& s = states_[d];
  const int f = s.consecutive_failures.fetch_add(1, std::memory_order_relaxed) + 1;
  if (f < config_.allowed_fails) return false;
  if (groups_[group_of_[d]]->members.size() < 2) return false;
  s.consecutive_failures.store(0, std::memory_order_relaxed);
  s.cooldown_until_ns.store((now + config_.cooldown).time_since_epoch().count(), std::memory_order_relaxed);
  return true;
}

}  // namespace kaos::modelapi
