#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "core/duration.hpp"
#include "core/env.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "core/quantity.hpp"
#include "core/yaml.hpp"

using namespace kaos;
using namespace std::chrono_literals;

TEST(Json, ParsesAndReportsOffset) {
  auto ok = parse_json(R"({"a":[1,2,{"b":true}]})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->at("a").at(2).at("b").as_bool(), true);
  auto bad = parse_json(R"({"a": })");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("invalid JSON at offset"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(parse_json(""));
  EXPECT_FALSE(parse_json("{} extra"));
}

TEST(Json, DepthIsBounded) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_FALSE(parse_json(deep, 64));
  EXPECT_TRUE(parse_json(deep, 128));
}

TEST(Json, IntegralDoublesConvert) {
  EXPECT_EQ(as_int64(json::value(5.0)), 5);
  EXPECT_EQ(as_int64(json::value(5.5)), std::nullopt);
  EXPECT_EQ(as_int64(json::value("5")), std::nullopt);
}

TEST(Yaml, MultiDocumentWithTypes) {
  auto docs = parse_yaml_documents(R"(
a: 10
b: "10"
c: true
d: 1.5
e: ~
f: hello
---
---
- x
- 'y'
)");
  ASSERT_TRUE(docs) << docs.error().message;
  ASSERT_EQ(docs->size(), 2u);
  const auto& o = docs->at(0).value.as_object();
  EXPECT_TRUE(o.at("a").is_int64());
  EXPECT_TRUE(o.at("b").is_string());
  EXPECT_TRUE(o.at("c").is_bool());
  EXPECT_TRUE(o.at("d").is_double());
  EXPECT_TRUE(o.at("e").is_null());
  EXPECT_EQ(o.at("f").as_string(), "hello");
  EXPECT_EQ(docs->at(1).value.as_array().size(), 2u);
  EXPECT_GT(docs->at(1).line, 8);
}

TEST(Yaml, ErrorsCarryLine) {
  auto bad = parse_yaml_documents("a: [1, 2\nb: c\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("line"), std::string::npos) << bad.error().message;
}

TEST(Yaml, RoundTripsThroughEmitter) {
  auto v =
      parse_json(R"({"s":"10","t":"a: b","n":3,"list":[{"k":"v","z":[1,2]},"x",[]],"o":{},"multi":"l1\nl2","e":""})");
  ASSERT_TRUE(v);
  auto back = parse_yaml(to_yaml(*v));
  ASSERT_TRUE(back) << back.error().message << "\n" << to_yaml(*v);
  EXPECT_EQ(*back, *v) << to_yaml(*v);
}

TEST(Duration, GoSyntax) {
  EXPECT_EQ(*parse_duration("300s"), 300s);
  EXPECT_EQ(*parse_duration("1h30m"), 90min);
  EXPECT_EQ(*parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(*parse_duration("250ms"), 250ms);
  EXPECT_EQ(*parse_duration("0s"), 0s);
  EXPECT_EQ(*parse_duration("0"), 0s);
  EXPECT_FALSE(parse_duration("10"));
  EXPECT_FALSE(parse_duration("5 minutes"));
  EXPECT_FALSE(parse_duration(""));
  EXPECT_EQ(format_duration(90min), "1h30m0s");
  EXPECT_EQ(format_duration(1500ms), "1.5s");
  EXPECT_EQ(format_duration(250ms), "250ms");
}

TEST(Quantity, KubernetesSuffixes) {
  EXPECT_DOUBLE_EQ(static_cast<double>(parse_quantity("5Gi")->value), 5.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(static_cast<double>(parse_quantity("500m")->value), 0.5);
  EXPECT_DOUBLE_EQ(static_cast<double>(parse_quantity("2e3")->value), 2000.0);
  EXPECT_DOUBLE_EQ(static_cast<double>(parse_quantity("1.5")->value), 1.5);
  EXPECT_FALSE(parse_quantity("5GB"));
  EXPECT_FALSE(parse_quantity("Gi"));
  EXPECT_FALSE(parse_quantity(""));
}

TEST(Env, BoolAndIntNameTheVariable) {
  ::setenv("KAOS_TEST_BOOL", "maybe", 1);
  auto b = env_bool("KAOS_TEST_BOOL");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("KAOS_TEST_BOOL"), std::string::npos);
  ::setenv("KAOS_TEST_BOOL", "TRUE", 1);
  EXPECT_EQ(env_bool("KAOS_TEST_BOOL")->value(), true);
  ::setenv("KAOS_TEST_INT", "50", 1);
  auto i = env_int("KAOS_TEST_INT", 1, 20);
  ASSERT_FALSE(i);
  EXPECT_NE(i.error().message.find("between 1 and 20, got 50"), std::string::npos);
  ::unsetenv("KAOS_TEST_INT");
  EXPECT_FALSE(env_int("KAOS_TEST_INT", 1, 20)->has_value());
}

TEST(Log, KaosLevelNames) {
  EXPECT_EQ(*parse_log_level("WARNING"), spdlog::level::warn);
  EXPECT_EQ(*parse_log_level("debug"), spdlog::level::debug);
  EXPECT_FALSE(parse_log_level("LOUD"));
  ::setenv("LOG_LEVEL", "VERBOSE", 1);
  auto s = log_settings_from_env();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("LOG_LEVEL"), std::string::npos);
  ::unsetenv("LOG_LEVEL");
}

namespace kaos {
TEST(Json, NonFiniteNumbersAreWrittenAsNull) {
  json::object o{{"inf", HUGE_VAL}, {"nan", std::nan("")}, {"ok", 1.5}, {"deep", json::array{-HUGE_VAL, 2}}};
  EXPECT_EQ(to_json(o), R"({"inf":null,"nan":null,"ok":1.5E0,"deep":[null,2]})");
  EXPECT_EQ(to_json(json::value(o)), to_json(o));
  EXPECT_EQ(to_json(json::array{std::nan("")}), "[null]");
  EXPECT_EQ(to_pretty_json(json::value(HUGE_VAL)), "null\n");
  // Parsed input beyond double's range is inf; written back, it is null, never "Infinity".
  auto big = parse_json(R"({"x": 1e400})");
  ASSERT_TRUE(big);
  EXPECT_EQ(to_json(*big), R"({"x":null})");
  EXPECT_TRUE(parse_json(to_json(*big)));
}
}  // namespace kaos
