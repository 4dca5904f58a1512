// YAML plain scalars that are numbers beyond what their type holds: a value, never an exception
// out of the parser (fuzz/litellm_config found `timeout: 1e400` aborting the process).
#include <gtest/gtest.h>

#include <cmath>

#include "core/yaml.hpp"

namespace kaos {
namespace {

TEST(YamlNumbers, BeyondDoubleRangeIsInfinityOrZeroNotAnAbort) {
  auto v = parse_yaml("a: 1e400\nb: -1e400\nc: 1e-400\nd: " + std::string(400, '9') + "\n");
  ASSERT_TRUE(v) << v.error().message;
  const auto& o = v->as_object();
  EXPECT_TRUE(std::isinf(o.at("a").as_double()) && o.at("a").as_double() > 0);
  EXPECT_TRUE(std::isinf(o.at("b").as_double()) && o.at("b").as_double() < 0);
  EXPECT_EQ(o.at("c").as_double(), 0.0);
  EXPECT_TRUE(std::isinf(o.at("d").as_double()));
}

TEST(YamlNumbers, HexAndOctalBeyondInt64KeepTheirMagnitude) {
  auto v = parse_yaml("a: 0x10\nb: 0o17\nc: 0xFFFFFFFFFFFFFFFFFFFF\nd: 0o7777777777777777777777777\n");
  ASSERT_TRUE(v) << v.error().message;
  const auto& o = v->as_object();
  EXPECT_EQ(o.at("a").as_int64(), 16);
  EXPECT_EQ(o.at("b").as_int64(), 15);
  EXPECT_DOUBLE_EQ(o.at("c").as_double(), std::ldexp(1.0, 80) - 1);
  EXPECT_GT(o.at("d").as_double(), 9.2e18);
}

}  // namespace
}  // namespace kaos
