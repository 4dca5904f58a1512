#pragma once
// Model routing: which deployment serves a requested model name.
//
// Matching (KAOS's rules): a model_name ending in '*' matches by prefix ("openai/*" matches
// "openai/gpt-4o", "*" matches anything); any other model_name matches exactly. Exact names
// win over patterns, longer prefixes over shorter ones. Entries sharing a model_name form a
// group that is load-balanced (round robin, or least-busy) and whose failing members cool
// down: `allowed_fails` consecutive failures take a deployment out of rotation for `cooldown`
// (only in groups with more than one member; when every member cools down, the one whose
// cooldown ends first is used).
//
// Thread-safety: const after construction except the per-deployment atomics; every method is
// safe to call concurrently.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "servers/modelapi/config.hpp"

namespace kaos::modelapi {

using Clock = std::chrono::steady_clock;

struct DeploymentState {
  std::atomic<int> consecutive_failures{0};
  std::atomic<std::int64_t> cooldown_until_ns{0};  ///< steady-clock ns; 0 = not cooling down
  std::atomic<int> in_flight{0};
};

/// Where one request goes: the provider, the model name sent upstream and the base URL.
struct Target {
  std::size_t deployment = 0;
  ProviderKind kind = ProviderKind::openai_compatible;
  std::string upstream_model;
  std::string api_base;
};

class ModelRouter {
 public:
  struct Group {
    std::string pattern;  ///< model_name
    bool wildcard = false;
    std::string prefix;                ///< pattern without the trailing '*'
    std::vector<std::size_t> members;  ///< deployment indexes, config order
    mutable std::atomic<std::uint64_t> next{0};
  };

  explicit ModelRouter(GatewayConfig config);

  /// The group serving `model`, or nullptr.
  const Group* match(std::string_view model) const;
  /// Picks a member of `group` at `now`, skipping cooled-down ones and `exclude` (a deployment
  /// already tried for this request; SIZE_MAX for none).
  std::size_t pick(const Group& group, Clock::time_point now, std::size_t exclude = SIZE_MAX) const;
  /// Derives the upstream target of deployment `d` for the requested model (wildcards,
  /// provider prefix stripping, per-request provider for litellm_params.model "*").
  Target resolve(std::size_t d, const Group& group, std::string_view requested) const;

  void record_success(std::size_t d) const;
  /// Returns true when this failure started a cooldown.
  bool record_failure(std::size_t d, Clock::time_point now) const;
  bool cooling_down(std::size_t d, Clock::time_point now) const;

  const Deployment& deployment(std::size_t d) const { return config_.deployments[d]; }
  DeploymentState& state(std::size_t d) const { return states_[d]; }
  const GatewayConfig& config() const { return config_; }
  /// Group patterns in config order (for /v1/models and error messages).
  const std::vector<std::string>& patterns() const { return patterns_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  GatewayConfig config_;
  std::unique_ptr<DeploymentState[]> states_;
  std::vector<std::unique_ptr<Group>> groups_;
  std::vector<std::size_t> group_of_;  // deployment → group index
  std::unordered_map<std::string, const Group*, Hash, std::equal_to<>> exact_;
  std::vector<const Group*> wildcards_;  // longest prefix first
  std::vector<std::string> patterns_;
};

/// True when `model` matches `pattern` under KAOS's rules.
bool model_matches(std::string_view pattern, std::string_view model);

}  // namespace kaos::modelapi
