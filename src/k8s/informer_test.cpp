#include "k8s/informer.hpp"

#include <gtest/gtest.h>

namespace kaos::k8s {
namespace {

json::object obj(std::string name, std::string rv) {
  return json::object{
      {"metadata",
       json::object{{"namespace", "ns"},
                    {"name", name},
                    {"resourceVersion", rv},
                    {"managedFields", json::array{json::object{{"manager", "kubectl"}}}},
                    {"annotations", json::object{{"kubectl.kubernetes.io/last-applied-configuration", "{}"}}}}}};
}

TEST(Informer, HandlersSeeEachChangeAfterTheCacheHoldsIt) {
  Informer informer("agents", drop_bookkeeping);
  std::vector<std::string> seen;
  informer.on_change([&](const CacheChange& c) {
    seen.push_back(std::to_string(static_cast<int>(c.type)) + ":" + object_key(*c.object));
    EXPECT_EQ(informer.cache().get(object_key(*c.object)) != nullptr, c.type != CacheChange::Type::deleted);
  });
  EXPECT_FALSE(informer.synced());
  informer.replace({obj("a", "1"), obj("b", "1")});
  EXPECT_TRUE(informer.synced());
  informer.event("MODIFIED", obj("a", "2"));
  informer.event("MODIFIED", obj("a", "2"));  // a duplicate after a resumed watch: no change
  informer.event("DELETED", obj("b", "3"));
  informer.replace({obj("a", "2"), obj("c", "4")});  // relist after a 410: c added while away
  EXPECT_EQ(seen, (std::vector<std::string>{"0:ns/a", "0:ns/b", "1:ns/a", "2:ns/b", "0:ns/c"}));
}

json::object in(std::string ns, std::string name) {
  return json::object{{"metadata", json::object{{"namespace", ns}, {"name", name}, {"resourceVersion", "1"}}}};
}

TEST(Informer, OneListPerNamespaceSyncsOnceEachIsListedAndKeepsTheOthers) {
  Informer informer("agents");
  informer.expect_namespaces({"a", "b"});
  int deleted = 0;
  informer.on_change([&](const CacheChange& c) { deleted += c.type == CacheChange::Type::deleted; });
  informer.replace_namespace("a", {in("a", "x")});
  EXPECT_FALSE(informer.synced());  // b not listed yet
  informer.replace_namespace("b", {in("b", "y")});
  EXPECT_TRUE(informer.synced());
  informer.replace_namespace("a", {in("a", "x")});  // a relist of a
  EXPECT_EQ(informer.cache().size(), 2u);
  EXPECT_EQ(deleted, 0);
}

TEST(Informer, PageByPageListsOfTwoNamespacesInterleaveAndDropOnlyTheirOwnMissingObjects) {
  Informer informer("agents");
  informer.expect_namespaces({"a", "b"});
  informer.list_page("a", {in("a", "x")});
  informer.list_page("b", {in("b", "y")});
  informer.list_page("a", {in("a", "z")});
  informer.list_done("a");
  EXPECT_FALSE(informer.synced()) << "b's list is not complete";
  EXPECT_EQ(informer.cache().size(), 3u) << "a's end must not drop b's objects listed so far";
  informer.list_done("b");
  EXPECT_TRUE(informer.synced());
  // A relist of a that no longer holds x: x goes, with a deleted change; b is untouched.
  std::vector<std::string> deleted;
  informer.on_change([&](const CacheChange& c) {
    if (c.type == CacheChange::Type::deleted) deleted.push_back(object_key(*c.object));
  });
  informer.list_page("a", {in("a", "z")});
  informer.list_done("a");
  EXPECT_EQ(deleted, (std::vector<std::string>{"a/x"}));
  EXPECT_TRUE(informer.cache().get("b/y"));
}

TEST(Informer, TheTransformTrimsWhatIsStored) {
  Informer informer("agents", drop_bookkeeping);
  informer.replace({obj("a", "1")});
  const auto stored = informer.cache().get("ns/a");  // a snapshot the caller owns
  const auto& meta = stored->at("metadata").as_object();
  EXPECT_FALSE(meta.contains("managedFields"));
  EXPECT_FALSE(meta.contains("annotations"));
  EXPECT_EQ(meta.at("resourceVersion"), "1");
}

}  // namespace
}  // namespace kaos::k8s
