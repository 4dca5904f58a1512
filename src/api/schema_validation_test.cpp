#include "api/schema_validation.hpp"

#include <gtest/gtest.h>

#include "core/yaml.hpp"

namespace kaos::api {
namespace {

Schema test_schema() {
  return object_schema("", {{"name", string_schema(""), true},
                            {"count", integer_schema("").range(1, 20).def(5)},
                            {"ratio", number_schema("").range(0, 1)},
                            {"mode", string_schema("").enums({"a", "b"})},
                            {"items", array_schema(string_schema(""), "").min_items_(1)},
                            {"labels", string_map_schema("")},
                            {"open", preserved_object_schema("")},
                            {"nested", object_schema("", {{"flag", boolean_schema("").def(true)},
                                                          {"n", integer_schema("").min(0)}})}})
      .rule("self.name != 'bad'", "name must not be bad",
            [](const json::object& o) { return string_or(o, "name", "") != "bad"; });
}

std::vector<std::string> check(const std::string& yaml) {
  auto v = parse_yaml(yaml);
  EXPECT_TRUE(v.has_value());
  apply_defaults(*v, test_schema());
  Diagnostics d;
  validate_against_schema(*v, test_schema(), "spec", d);
  std::vector<std::string> out;
  for (const auto& item : d.items()) out.push_back(item.to_string());
  return out;
}

TEST(SchemaValidation, ValidObjectHasNoFindings) {
  EXPECT_TRUE(check("name: x\ncount: 3\nratio: 0.5\nmode: a\nitems: [x]\nlabels: {a: b}\nopen: {any: [1]}\n").empty());
}

TEST(SchemaValidation, ReportsEveryErrorWithPath) {
  auto out = check("count: 50\nmode: c\nitems: []\nratio: 2\nextra: 1\nnested: {flag: yes, n: -1}\n");
  std::vector<std::string> expected{
      "spec.count: must be between 1 and 20, got 50",
      "spec.mode: must be one of \"a\", \"b\", got \"c\"",
      "spec.items: must have at least 1 item, got 0",
      "spec.ratio: must be between 0 and 1, got 2",
      "spec.extra: unknown field",
      "spec.nested.flag: expected boolean, got string",
      "spec.nested.n: must be >= 0, got -1",
      "spec.name: required",
  };
  EXPECT_EQ(out, expected);
}

TEST(SchemaValidation, WrongTypesNameExpectedType) {
  auto out = check("name: 1\ncount: \"5\"\nitems: x\nlabels: {a: 1}\nopen: []\n");
  std::vector<std::string> expected{
      "spec.name: expected string, got integer", "spec.count: expected integer, got string",
      "spec.items: expected array, got string", "spec.labels.a: expected string, got integer",
      "spec.open: expected object, got array"};
  EXPECT_EQ(out, expected);
}

TEST(SchemaValidation, Int32Overflow) {
  auto out = check("name: x\nnested: {n: 9999999999}\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], "spec.nested.n: must fit in a 32-bit integer, got 9999999999");
}

TEST(SchemaValidation, CelRuleRunsOnlyWithoutStructuralErrors) {
  EXPECT_EQ(check("name: bad\n"), std::vector<std::string>{"spec: name must not be bad"});
  EXPECT_EQ(check("name: bad\nextra: 1\n"), std::vector<std::string>{"spec.extra: unknown field"});
}

TEST(SchemaValidation, DefaultsFillAbsentFieldsAndDropNulls) {
  auto v = parse_yaml("name: x\ncount:\nnested: {}\n");
  ASSERT_TRUE(v.has_value());
  apply_defaults(*v, test_schema());
  EXPECT_EQ(kaos::to_json(*v), R"({"name":"x","nested":{"flag":true},"count":5})");
}

TEST(SchemaValidation, FormatNumber) {
  EXPECT_EQ(format_number(5), "5");
  EXPECT_EQ(format_number(0.5), "0.5");
  EXPECT_EQ(format_number(-3), "-3");
}

}  // namespace
}  // namespace kaos::api
