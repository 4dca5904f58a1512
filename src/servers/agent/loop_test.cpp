#include "servers/agent/loop.hpp"

#include <gtest/gtest.h>

namespace kaos::agent {
namespace {

MemoryEvent ev(MemoryEventType type, std::string text) {
  return make_event(type, json::value(text));
}

TEST(History, LastTurnsOnlyUserAndAgentInOrder) {
  using T = MemoryEventType;
  std::vector<MemoryEvent> events{ev(T::user_message, "q1"),   make_event(T::tool_call, json::object{{"tool", "add"}}),
                                  ev(T::agent_response, "a1"), ev(T::task_delegation_received, "q2"),
                                  ev(T::error, "boom"),        ev(T::agent_response, "a2")};
  auto all = AgentLoop::history_messages(events, 10);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].at("role").get_string(), "user");
  EXPECT_EQ(all[0].at("content").get_string(), "q1");
  EXPECT_EQ(all[1].at("role").get_string(), "assistant");
  EXPECT_EQ(all[2].at("content").get_string(), "q2");
  auto last2 = AgentLoop::history_messages(events, 2);
  ASSERT_EQ(last2.size(), 2u);
  EXPECT_EQ(last2[0].at("content").get_string(), "q2");
  EXPECT_EQ(last2[1].at("content").get_string(), "a2");
  EXPECT_TRUE(AgentLoop::history_messages(events, 0).empty());
}

}  // namespace
}  // namespace kaos::agent
