#include "api/field_reference.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace kaos::api {
namespace {

TEST(FieldReference, TablesNameFieldsDefaultsAndRules) {
  const auto& agent = *find_kaos_kind("Agent");
  auto fields = field_reference_table(agent);
  EXPECT_NE(fields.find("| `config.reasoningLoopMaxSteps` | integer | `5` | 1–20 |"), std::string::npos) << fields;
  EXPECT_NE(fields.find("| `modelAPI` | string |  | required |"), std::string::npos);
  EXPECT_EQ(fields.find("`container.image`"), std::string::npos);  // shared types are documented once
  auto rules = rule_reference_table(agent);
  EXPECT_NE(rules.find("| `spec.config.memory` | tools requires memoryStore to be set |"), std::string::npos) << rules;
  EXPECT_NE(fields.find("| `gatewayRoute.timeout` | string |  | pattern `^([0-9]+(h\\|m\\|s\\|ms)){1,4}$` |"),
            std::string::npos)
      << fields;
  auto store_rules = rule_reference_table(*find_kaos_kind("MemoryStore"));
  EXPECT_NE(store_rules.find("| `spec` | short-term compaction marks must satisfy"), std::string::npos);
  EXPECT_NE(store_rules.find("(long: see the CRD in deploy/crds)"), std::string::npos);
}

TEST(FieldReference, DocsResourcesMdIsUpToDate) {
  std::ifstream in(std::filesystem::path(KAOS_SOURCE_DIR) / "docs" / "resources.md", std::ios::binary);
  ASSERT_TRUE(in);
  std::string doc((std::istreambuf_iterator<char>(in)), {});
  for (const auto& kind : kaos_kinds()) {
    auto fields = field_reference_table(kind);
    auto rules = rule_reference_table(kind);
    EXPECT_NE(doc.find(fields), std::string::npos)
        << "docs/resources.md: the " << kind.kind << " field table is stale; it should read:\n"
        << fields;
    EXPECT_NE(doc.find(rules), std::string::npos)
        << "docs/resources.md: the " << kind.kind << " rule table is stale; it should read:\n"
        << rules;
  }
}

}  // namespace
}  // namespace kaos::api
