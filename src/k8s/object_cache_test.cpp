#include "k8s/object_cache.hpp"

#include <gtest/gtest.h>

namespace kaos::k8s {
namespace {

json::object obj(std::string ns, std::string name, std::string rv, std::string model = "") {
  json::object o{{"metadata", json::object{{"namespace", ns}, {"name", name}, {"resourceVersion", rv}}}};
  if (!model.empty()) o["spec"] = json::object{{"modelAPI", model}};
  return o;
}

std::vector<std::string> model_refs(const json::object& o) {
  const auto* spec = find_field(o, "spec");
  if (!spec) return {};
  auto model = string_field(spec->as_object(), "modelAPI");
  if (!model) return {};
  return {object_key(string_field(o.at("metadata").as_object(), "namespace").value_or(""), *model)};
}

TEST(ObjectCache, KeysFollowClientGo) {
  EXPECT_EQ(object_key(obj("ns", "a", "1")), "ns/a");
  EXPECT_EQ(object_key(obj("", "crd", "1")), "crd");
}

TEST(ObjectCache, WatchEventsAddUpdateAndDeleteAndASameVersionIsNoChange) {
  ObjectCache cache;
  auto added = cache.apply("ADDED", obj("ns", "a", "1"));
  ASSERT_TRUE(added);
  EXPECT_EQ(added->type, CacheChange::Type::added);
  EXPECT_FALSE(cache.apply("MODIFIED", obj("ns", "a", "1"))) << "same resourceVersion";
  auto updated = cache.apply("MODIFIED", obj("ns", "a", "2"));
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->type, CacheChange::Type::updated);
  EXPECT_EQ(resource_version(*updated->previous), "1");
  EXPECT_FALSE(cache.apply("BOOKMARK", obj("ns", "a", "9")));
  auto deleted = cache.apply("DELETED", obj("ns", "a", "3"));
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->type, CacheChange::Type::deleted);
  EXPECT_EQ(resource_version(*deleted->object), "2") << "the last known state";
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.apply("DELETED", obj("ns", "a", "3"))) << "deleting the absent is no change";
}

TEST(ObjectCache, ARelistReportsOnlyDifferencesAndTheDeletionsItMissed) {
  ObjectCache cache;
  cache.replace({obj("ns", "a", "1"), obj("ns", "b", "1"), obj("ns", "c", "1")});
  auto changes = cache.replace({obj("ns", "a", "1"), obj("ns", "b", "5"), obj("ns", "d", "6")});
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].type, CacheChange::Type::updated);
  EXPECT_EQ(object_key(*changes[0].object), "ns/b");
  EXPECT_EQ(changes[1].type, CacheChange::Type::added);
  EXPECT_EQ(object_key(*changes[1].object), "ns/d");
  EXPECT_EQ(changes[2].type, CacheChange::Type::deleted);
  EXPECT_EQ(object_key(*changes[2].object), "ns/c");
}

// The operator watches each of --namespaces with its own list-watch into one cache: the list of
// one namespace must not delete another's objects.
TEST(ObjectCache, ReplacingOneNamespaceKeepsTheOthers) {
  ObjectCache cache;
  cache.replace_namespace("a", {obj("a", "x", "1"), obj("a", "y", "1")});
  auto changes = cache.replace_namespace("b", {obj("b", "x", "2")});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].type, CacheChange::Type::added);
  EXPECT_EQ(cache.size(), 3u);
  changes = cache.replace_namespace("a", {obj("a", "x", "1")});  // a relist of "a": y went away
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].type, CacheChange::Type::deleted);
  EXPECT_EQ(object_key(*changes[0].object), "a/y");
  EXPECT_NE(cache.get("b/x"), nullptr);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(ObjectCache, IndexesFollowUpdatesAndDeletes) {
  ObjectCache cache;
  cache.add_index("model", model_refs);
  cache.apply("ADDED", obj("ns", "a1", "1", "m1"));
  cache.apply("ADDED", obj("ns", "a2", "1", "m1"));
  cache.apply("ADDED", obj("other", "a3", "1", "m1"));
  EXPECT_EQ(cache.keys_by_index("model", "ns/m1"), (std::vector<std::string>{"ns/a1", "ns/a2"}));
  cache.apply("MODIFIED", obj("ns", "a2", "2", "m2"));
  EXPECT_EQ(cache.keys_by_index("model", "ns/m1"), (std::vector<std::string>{"ns/a1"}));
  EXPECT_EQ(cache.keys_by_index("model", "ns/m2"), (std::vector<std::string>{"ns/a2"}));
  cache.apply("DELETED", obj("ns", "a1", "3"));
  EXPECT_TRUE(cache.keys_by_index("model", "ns/m1").empty());
  EXPECT_EQ(cache.keys_by_index(ObjectCache::kNamespaceIndex, "ns"), (std::vector<std::string>{"ns/a2"}));
  EXPECT_EQ(cache.by_index(ObjectCache::kNamespaceIndex, "other").size(), 1u);
}

TEST(ObjectCache, AnIndexAddedLateCoversExistingObjects) {
  ObjectCache cache;
  cache.apply("ADDED", obj("ns", "a", "1", "m"));
  cache.add_index("model", model_refs);
  EXPECT_EQ(cache.keys_by_index("model", "ns/m"), (std::vector<std::string>{"ns/a"}));
}

}  // namespace
}  // namespace kaos::k8s
