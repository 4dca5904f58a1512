#include "k8s/group_version.hpp"

#include <gtest/gtest.h>

namespace kaos::k8s {
namespace {

TEST(ResourceType, PathsFollowTheCoreAndNamedGroups) {
  ResourceType cm{"", "v1", "configmaps", "ConfigMap", true};
  EXPECT_EQ(cm.api_version(), "v1");
  EXPECT_EQ(cm.collection_path("ns"), "/api/v1/namespaces/ns/configmaps");
  EXPECT_EQ(cm.collection_path(""), "/api/v1/configmaps");
  ResourceType agent{"kaos.tools", "v1alpha1", "agents", "Agent", true};
  EXPECT_EQ(agent.api_version(), "kaos.tools/v1alpha1");
  EXPECT_EQ(agent.object_path("a", "b"), "/apis/kaos.tools/v1alpha1/namespaces/a/agents/b");
  ResourceType crd{"apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false};
  EXPECT_EQ(crd.object_path("ignored", "x"), "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x");
}

}  // namespace
}  // namespace kaos::k8s
