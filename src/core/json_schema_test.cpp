#include "core/json_schema.hpp"

#include <gtest/gtest.h>

namespace kaos {
namespace {

json::value parse(std::string_view text) {
  return *parse_json(text);
}

std::string check(std::string_view value, std::string_view schema) {
  return describe_violations(validate_json_schema(parse(value), parse(schema)));
}

TEST(JsonSchema, TypesAndIntegerSemantics) {
  EXPECT_EQ(check("3", R"({"type":"integer"})"), "");
  EXPECT_EQ(check("-9223372036854775808", R"({"type":"integer"})"), "");
  EXPECT_EQ(check("9223372036854775807", R"({"type":"integer"})"), "");
  EXPECT_EQ(check("3.5", R"({"type":"integer"})"), "expected integer, got number");
  EXPECT_EQ(check(R"("x")", R"({"type":["number","null"]})"), R"(expected one of ["number","null"], got string)");
  EXPECT_EQ(check("null", R"({"type":["number","null"]})"), "");
}

TEST(JsonSchema, AnIntegerIsWrittenAsOneAndFitsInt64) {
  // Stricter than JSON Schema (docs/mcp.md): a tool typed int must never receive a float.
  const std::string written = "expected integer, got number (an integer is written without a fraction or exponent)";
  EXPECT_EQ(check("3.0", R"({"type":"integer"})"), written);
  EXPECT_EQ(check("1e3", R"({"type":"integer"})"), written);
  const std::string beyond = "expected integer, got an integer beyond 64 bits (the limit is 9223372036854775807)";
  EXPECT_EQ(check("9223372036854775808", R"({"type":"integer"})"), beyond);              // uint64
  EXPECT_EQ(check("1267650600228229401496703205376", R"({"type":"integer"})"), beyond);  // 2**100: a double
  EXPECT_EQ(check("-9223372036854775809", R"({"type":"integer"})"), beyond);
  EXPECT_EQ(check("[1, 2.5]", R"({"type":"array","items":{"type":"integer"}})"), "1: expected integer, got number");
}

TEST(JsonSchema, NumbersMustBeFinite) {
  EXPECT_EQ(check("1e308", R"({"type":"number"})"), "");
  EXPECT_EQ(check("1e400", R"({"type":"number"})"), "expected number, got a number beyond the range of a double");
  EXPECT_EQ(check("-1e400", R"({"type":["number","null"]})"),
            R"(expected one of ["number","null"], got a number beyond the range of a double)");
}

TEST(JsonSchema, ObjectsReportEveryProblemWithItsPath) {
  const char* schema =
      R"({"type":"object","properties":{"a":{"type":"number"},"b":{},"tags":{"type":"array","items":{"type":"string"}}},
                           "required":["a","b"],"additionalProperties":false})";
  EXPECT_EQ(check(R"({"a":"1","tags":["x",2],"zzz":1})", schema),
            "missing required property 'b'; a: expected number, got string; tags/1: expected string, got number; "
            "unexpected property 'zzz'");
  EXPECT_EQ(check(R"({"a":1,"b":null})", schema), "");
}

TEST(JsonSchema, CombinatorsEnumsAndBounds) {
  EXPECT_EQ(check(R"("c")", R"({"enum":["a","b"]})"), R"(must be one of ["a","b"])");
  EXPECT_EQ(check("5", R"({"anyOf":[{"type":"string"},{"type":"null"}]})"),
            "does not match any of the allowed schemas (anyOf)");
  EXPECT_EQ(check("5", R"({"oneOf":[{"type":"number"},{"type":"integer"}]})"), "matches more than one schema of oneOf");
  EXPECT_EQ(check("5", R"({"minimum":6})"), "must be >= 6");
  EXPECT_EQ(check("5", R"({"exclusiveMaximum":5})"), "must be < 5");
  EXPECT_EQ(check("0.5", R"({"maximum":0.25})"), "must be <= 0.25");
  EXPECT_EQ(check("7", R"({"multipleOf":2})"), "must be a multiple of 2");
  EXPECT_EQ(check(R"("héllo")", R"({"maxLength":5})"), "");
  EXPECT_EQ(check(R"("abc")", R"({"pattern":"^a\\d"})"), R"(must match pattern "^a\\d")");
  EXPECT_EQ(check("[1,1]", R"({"uniqueItems":true})"), "items must be unique");
}

TEST(JsonSchema, LocalReferencesResolveAndBrokenOnesFail) {
  const char* schema = R"({"$defs":{"address":{"type":"object","required":["city"]}},
                           "properties":{"address":{"$ref":"#/$defs/address"}}})";
  EXPECT_EQ(check(R"({"address":{}})", schema), "address: missing required property 'city'");
  EXPECT_EQ(check(R"({"address":{"city":"x"}})", schema), "");
  EXPECT_NE(check("1", R"({"$ref":"#/$defs/missing"})").find("cannot resolve $ref"), std::string::npos);
  // A self-referencing schema terminates with a violation rather than recursing forever.
  EXPECT_NE(check("1", R"({"$ref":"#"})").find("too deep"), std::string::npos);
}

}  // namespace
}  // namespace kaos
