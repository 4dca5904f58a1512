#include "control/operator/pod_spec_merge.hpp"

#include <gtest/gtest.h>

namespace kaos::control::operator_ {
namespace {

json::object obj(std::string_view text) {
  auto v = parse_json(text);
  EXPECT_TRUE(v) << text;
  return v ? v->as_object() : json::object{};
}

const json::object kBase = obj(R"({
  "containers": [
    {"name": "agent", "image": "kaos:1", "args": ["agent", "--port", "8000"],
     "ports": [{"name": "http", "containerPort": 8000}],
     "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
     "volumeMounts": [{"name": "files", "mountPath": "/etc/kaos"}]}
  ],
  "volumes": [{"name": "files", "configMap": {"name": "cm"}}],
  "tolerations": [{"key": "a", "operator": "Exists"}],
  "securityContext": {"runAsNonRoot": true}
})");

TEST(PodSpecMerge, ContainersMergeByNameAndEnvByName) {
  auto out = merge_pod_spec(kBase, obj(R"({"containers": [
    {"name": "agent", "env": [{"name": "B", "value": "user"}, {"name": "C", "value": "3"}]},
    {"name": "sidecar", "image": "proxy:1"}]})"));
  const auto& containers = out.at("containers").as_array();
  ASSERT_EQ(containers.size(), 2u);
  const auto& agent = containers[0].as_object();
  EXPECT_EQ(agent.at("image"), "kaos:1");  // untouched fields stay
  EXPECT_EQ(to_json(agent.at("env")),
            R"([{"name":"A","value":"1"},{"name":"B","value":"user"},{"name":"C","value":"3"}])");
  EXPECT_EQ(containers[1].as_object().at("name"), "sidecar");  // new elements appended
}

TEST(PodSpecMerge, OtherListsAreReplaced) {
  auto out = merge_pod_spec(kBase, obj(R"({"containers": [{"name": "agent", "args": ["x"]}],
    "tolerations": [{"key": "b", "operator": "Exists"}]})"));
  EXPECT_EQ(to_json(out.at("containers").as_array()[0].as_object().at("args")), R"(["x"])");
  EXPECT_EQ(to_json(out.at("tolerations")), R"([{"key":"b","operator":"Exists"}])");
}

TEST(PodSpecMerge, PortsByContainerPortAndMountsByMountPath) {
  auto out = merge_pod_spec(kBase, obj(R"({"containers": [{"name": "agent",
    "ports": [{"containerPort": 8000, "protocol": "TCP"}, {"containerPort": 9090, "name": "metrics"}],
    "volumeMounts": [{"name": "other", "mountPath": "/etc/kaos"}, {"name": "data", "mountPath": "/data"}]}]})"));
  const auto& agent = out.at("containers").as_array()[0].as_object();
  EXPECT_EQ(to_json(agent.at("ports")),
            R"([{"name":"http","containerPort":8000,"protocol":"TCP"},{"containerPort":9090,"name":"metrics"}])");
  EXPECT_EQ(to_json(agent.at("volumeMounts")),
            R"([{"name":"other","mountPath":"/etc/kaos"},{"name":"data","mountPath":"/data"}])");
}

TEST(PodSpecMerge, PortKeysCompareAsNumbers) {
  json::object base{
      {"containers",
       json::array{json::object{{"name", "c"}, {"ports", json::array{json::object{{"containerPort", 8000u}}}}}}}};
  auto out = merge_pod_spec(
      base, obj(R"({"containers": [{"name": "c", "ports": [{"containerPort": 8000, "name": "http"}]}]})"));
  EXPECT_EQ(out.at("containers").as_array()[0].as_object().at("ports").as_array().size(), 1u);
}

TEST(PodSpecMerge, VolumesRetainOnlyThePatchedSource) {
  auto out =
      merge_pod_spec(kBase, obj(R"({"volumes": [{"name": "files", "emptyDir": {}}, {"name": "x", "emptyDir": {}}]})"));
  EXPECT_EQ(to_json(out.at("volumes")), R"([{"name":"files","emptyDir":{}},{"name":"x","emptyDir":{}}])");
}

TEST(PodSpecMerge, NullRemovesObjectsMergeAndDeleteDirective) {
  auto out = merge_pod_spec(kBase, obj(R"({"securityContext": {"runAsUser": 1000}, "tolerations": null,
    "containers": [{"name": "agent", "env": [{"name": "A", "$patch": "delete"}], "image": null}]})"));
  EXPECT_FALSE(out.contains("tolerations"));
  EXPECT_EQ(to_json(out.at("securityContext")), R"({"runAsNonRoot":true,"runAsUser":1000})");
  const auto& agent = out.at("containers").as_array()[0].as_object();
  EXPECT_FALSE(agent.contains("image"));
  EXPECT_EQ(to_json(agent.at("env")), R"([{"name":"B","value":"2"}])");
}

TEST(PodSpecMerge, InitContainersByNameAndMergeContainer) {
  json::object base{{"initContainers", json::array{json::object{{"name", "pull-model"}, {"image", "o:1"}}}}};
  auto out = merge_pod_spec(
      base, obj(R"({"initContainers": [{"name": "pull-model", "image": "o:2"}, {"name": "x", "image": "y"}]})"));
  EXPECT_EQ(to_json(out.at("initContainers")), R"([{"name":"pull-model","image":"o:2"},{"name":"x","image":"y"}])");
  auto c = merge_container(obj(R"({"name": "c", "env": [{"name": "A", "value": "1"}]})"),
                           obj(R"({"env": [{"name": "A", "value": "2"}]})"));
  EXPECT_EQ(to_json(c.at("env")), R"([{"name":"A","value":"2"}])");
}

}  // namespace
}  // namespace kaos::control::operator_
