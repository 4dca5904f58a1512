#include "k8s/event.hpp"

#include <gtest/gtest.h>

namespace kaos::k8s {
namespace {

TEST(Event, CarriesEveryFieldTheEventsApiRequires) {
  json::object agent{{"apiVersion", "kaos.tools/v1alpha1"},
                     {"kind", "Agent"},
                     {"metadata", json::object{{"name", "a"}, {"namespace", "ns"}, {"uid", "u1"}}}};
  EventSpec spec{object_reference(agent),    "Warning", "DependencyNotReady", "Reconcile", std::string(5000, 'x'),
                 "kaos.tools/kaos-operator", "op-1"};
  auto e = render_event(spec, "abc123", "2026-12-07T10:00:00.000000Z");
  EXPECT_EQ(e.at("metadata").at("name"), "a.abc123");
  EXPECT_EQ(e.at("metadata").at("namespace"), "ns");
  for (const char* f : {"eventTime", "reportingController", "reportingInstance", "action", "reason", "type"})
    EXPECT_TRUE(e.contains(f)) << f;
  EXPECT_EQ(e.at("note").as_string().size(), 1024u);
  EXPECT_EQ(e.at("regarding").at("uid"), "u1");
  EXPECT_EQ(e.at("regarding").at("kind"), "Agent");
}

}  // namespace
}  // namespace kaos::k8s
