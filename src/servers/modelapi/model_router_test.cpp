#include <gtest/gtest.h>

#include <map>
#include <set>

#include "servers/modelapi/model_router.hpp"

using namespace kaos;
using namespace kaos::modelapi;

namespace {
GatewayConfig load(std::string_view yaml) {
  auto cfg = load_gateway_config(yaml, [](std::string_view) { return std::nullopt; });
  EXPECT_TRUE(cfg) << cfg.error().message;
  return *cfg;
}
}  // namespace

TEST(ModelMatch, KaosRules) {
  EXPECT_TRUE(model_matches("*", "anything/at-all"));
  EXPECT_TRUE(model_matches("openai/*", "openai/gpt-4o"));
  EXPECT_FALSE(model_matches("openai/*", "openai"));
  EXPECT_FALSE(model_matches("openai/*", "nebius/x"));
  EXPECT_TRUE(model_matches("gpt-4o", "gpt-4o"));
  EXPECT_FALSE(model_matches("gpt-4o", "gpt-4o-mini"));
}

TEST(ModelRouter, PrecedenceExactThenLongestPrefixThenStar) {
  ModelRouter r(load(R"(
model_list:
  - {model_name: "*", litellm_params: {model: "mock/*"}}
  - {model_name: "openai/*", litellm_params: {model: "openai/*"}}
  - {model_name: "openai/gpt-4o-special/*", litellm_params: {model: "mock/special"}}
  - {model_name: "openai/gpt-4o", litellm_params: {model: "mock/exact"}}
)"));
  EXPECT_EQ(r.match("openai/gpt-4o")->pattern, "openai/gpt-4o");
  EXPECT_EQ(r.match("openai/gpt-4o-mini")->pattern, "openai/*");
  EXPECT_EQ(r.match("openai/gpt-4o-special/x")->pattern, "openai/gpt-4o-special/*");
  EXPECT_EQ(r.match("llama3")->pattern, "*");
  EXPECT_EQ(r.patterns(), (std::vector<std::string>{"*", "openai/*", "openai/gpt-4o-special/*", "openai/gpt-4o"}));

  ModelRouter exact_only(load("model_list: [{model_name: a, litellm_params: {model: mock/a}}]"));
  EXPECT_EQ(exact_only.match("b"), nullptr);
}

TEST(ModelRouter, UpstreamModelDerivation) {
  ModelRouter r(load(R"(
model_list:
  - {model_name: "*", litellm_params: {model: "openai/*"}}
  - {model_name: "openai/*", litellm_params: {model: "openai/*"}}
  - {model_name: "fixed", litellm_params: {model: "hosted_vllm/meta-llama/Llama-3", api_base: "http://v:8000/v1"}}
  - {model_name: "dyn/*", litellm_params: {model: "*", api_base: "http://d:1"}}
)"));
  auto resolve = [&](std::string_view m) {
    const auto* g = r.match(m);
    return r.resolve(r.pick(*g, Clock::now()), *g, m);
  };
  EXPECT_EQ(resolve("gpt-4o").upstream_model, "gpt-4o");
  EXPECT_EQ(resolve("openai/gpt-4o").upstream_model, "gpt-4o");
  EXPECT_EQ(resolve("openai/gpt-4o").api_base, "https://api.openai.com/v1");
  auto f = resolve("fixed");
  EXPECT_EQ(f.upstream_model, "meta-llama/Llama-3");
  EXPECT_EQ(f.api_base, "http://v:8000/v1");
  auto d1 = resolve("dyn/ollama/llama3");
  EXPECT_EQ(d1.upstream_model, "llama3");
  EXPECT_EQ(d1.api_base, "http://d:1/v1");
  auto d2 = resolve("dyn/mock/x");
  EXPECT_EQ(d2.kind, ProviderKind::mock);
  auto d3 = resolve("dyn/some-model");
  EXPECT_EQ(d3.kind, ProviderKind::openai_compatible);
  EXPECT_EQ(d3.upstream_model, "some-model");
  EXPECT_EQ(d3.api_base, "http://d:1");
}

TEST(ModelRouter, RoundRobinAndCooldown) {
  ModelRouter r(load(R"(
model_list:
  - {model_name: m, litellm_params: {model: mock/a}}
  - {model_name: m, litellm_params: {model: mock/b}}
  - {model_name: m, litellm_params: {model: mock/c}}
router_settings: {allowed_fails: 2, cooldown_time: 10}
)"));
  const auto* g = r.match("m");
  ASSERT_EQ(g->members.size(), 3u);
  auto now = Clock::now();
  std::map<std::size_t, int> seen;
  for (int i = 0; i < 30; ++i) ++seen[r.pick(*g, now)];
  EXPECT_EQ(seen, (std::map<std::size_t, int>{{0, 10}, {1, 10}, {2, 10}}));

  EXPECT_FALSE(r.record_failure(1, now));
  r.record_success(1);  // resets the streak
  EXPECT_FALSE(r.record_failure(1, now));
  EXPECT_TRUE(r.record_failure(1, now));
  EXPECT_TRUE(r.cooling_down(1, now));
  for (int i = 0; i < 20; ++i) EXPECT_NE(r.pick(*g, now), 1u);
  // After the cooldown it is back in rotation.
  auto later = now + std::chrono::seconds(11);
  EXPECT_FALSE(r.cooling_down(1, later));
  std::set<std::size_t> back;
  for (int i = 0; i < 6; ++i) back.insert(r.pick(*g, later));
  EXPECT_TRUE(back.count(1));
  // Exclusion (retry on another member).
  for (int i = 0; i < 6; ++i) EXPECT_NE(r.pick(*g, later, 0), 0u);
}

TEST(ModelRouter, AllCoolingPicksSoonestAndSingleNeverCools) {
  ModelRouter r(load(R"(
model_list:
  - {model_name: m, litellm_params: {model: mock/a}}
  - {model_name: m, litellm_params: {model: mock/b}}
  - {model_name: solo, litellm_params: {model: mock/s}}
router_settings: {allowed_fails: 1, cooldown_time: 10}
)"));
  auto now = Clock::now();
  r.record_failure(0, now);
  r.record_failure(1, now + std::chrono::seconds(1));
  EXPECT_EQ(r.pick(*r.match("m"), now + std::chrono::seconds(2)), 0u);
  EXPECT_FALSE(r.record_failure(2, now));
  EXPECT_FALSE(r.cooling_down(2, now));
}

TEST(ModelRouter, LeastBusy) {
  ModelRouter r(load(R"(
model_list:
  - {model_name: m, litellm_params: {model: mock/a}}
  - {model_name: m, litellm_params: {model: mock/b}}
router_settings: {routing_strategy: least-busy}
)"));
  r.state(0).in_flight = 5;
  for (int i = 0; i < 4; ++i) EXPECT_EQ(r.pick(*r.match("m"), Clock::now()), 1u);
}
