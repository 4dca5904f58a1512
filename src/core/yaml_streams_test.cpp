// Document streams yaml-cpp 0.7 never finishes: a ',' outside a flow collection where a node
// would start made LoadAll loop forever, growing (fuzz/findings/yaml-cpp-hang-*). Without the
// check these tests hang, and CTest's timeout fails them.
#include <gtest/gtest.h>

#include "core/yaml.hpp"

namespace kaos {
namespace {

TEST(YamlStreams, AStrayCommaIsAnErrorNotAHang) {
  for (std::string text : {",", ",a: 1", "# c\n,x", "\"x\"\n,", "{a: 1},",
                           ",model_list:\n  - model_name: openai/*\n    litellm_params:\n      model: openai/*\n"}) {
    auto docs = parse_yaml_documents(text);
    ASSERT_FALSE(docs) << text;
    EXPECT_NE(docs.error().message.find("never ends"), std::string::npos) << docs.error().message;
    EXPECT_FALSE(parse_yaml(text)) << text;
  }
}

TEST(YamlStreams, CommasYamlAllowsAndEmptyDocumentsStillParse) {
  auto docs = parse_yaml_documents("a: 1\nb: 2\n---\n---\nc: [1, 2]\n---\nd: x,y\n...\n");
  ASSERT_TRUE(docs) << docs.error().message;
  ASSERT_EQ(docs->size(), 3u);
  EXPECT_EQ(docs->at(1).value.as_object().at("c").as_array().size(), 2u);
  EXPECT_EQ(docs->at(2).value.as_object().at("d").as_string(), "x,y");
}

}  // namespace
}  // namespace kaos
