// UsageLimits on their own: which limit answers, in which order, with which message and data.
#include "servers/agent/usage.hpp"

#include <gtest/gtest.h>

namespace kaos::agent {
namespace {

using namespace std::chrono_literals;

TEST(UsageLimits, NothingIsLimitedByDefault) {
  UsageLimits none;
  Usage used;
  used.runs = used.requests = used.run_requests = used.tool_calls = 1'000'000;
  used.input_tokens = 1'000'000;
  EXPECT_FALSE(none.before_model_request(used, used.started + 100h));
  EXPECT_FALSE(none.before_tool_call(used, used.started + 100h));
}

TEST(UsageLimits, TheStepLimitEndsOnlyTheRun) {
  UsageLimits l;
  l.max_steps = 3;
  Usage used;
  used.run_requests = 2;
  EXPECT_FALSE(l.before_model_request(used));
  used.run_requests = 3;
  auto r = l.before_model_request(used);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, "max_steps");
  EXPECT_TRUE(r->per_run);
  EXPECT_EQ(r->message(), "Reached maximum reasoning steps (3)");
  EXPECT_FALSE(l.before_tool_call(used));  // steps bound model requests only
}

TEST(UsageLimits, IterationsAndToolCallsAreCheckedWhenARunStarts) {
  UsageLimits l;
  l.max_iterations = 2;
  l.max_tool_calls = 5;
  Usage used;
  used.runs = 2;
  used.run_requests = 1;  // inside the second run: it goes on
  EXPECT_FALSE(l.before_model_request(used));
  used.run_requests = 0;  // a third run would start
  auto r = l.before_model_request(used);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, "max_iterations");
  EXPECT_FALSE(r->per_run);
  EXPECT_EQ(r->message(), "Budget exhausted: max_iterations (2) reached");
  EXPECT_EQ(r->data.at("iterations").as_int64(), 2);

  Usage calls;
  calls.tool_calls = 5;
  calls.run_requests = 1;  // the run that used the last call still gets to answer
  EXPECT_FALSE(l.before_model_request(calls));
  ASSERT_TRUE(l.before_tool_call(calls));  // but makes no further call
  EXPECT_EQ(l.before_tool_call(calls)->data.at("total_tool_calls").as_int64(), 5);
  calls.run_requests = 0;
  auto next_run = l.before_model_request(calls);
  ASSERT_TRUE(next_run);
  EXPECT_EQ(next_run->reason, "max_tool_calls");
  calls.tool_calls = 4;
  EXPECT_FALSE(l.before_tool_call(calls));
}

TEST(UsageLimits, WallTimeCountsWholeSecondsSinceTheUsageStarted) {
  UsageLimits l;
  l.max_runtime_seconds = 2;
  Usage used;
  EXPECT_FALSE(l.before_model_request(used, used.started + 1999ms));
  auto r = l.before_tool_call(used, used.started + 2500ms);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, "max_runtime_seconds");
  EXPECT_EQ(r->data.at("elapsed").as_int64(), 2);
  EXPECT_EQ(r->message(), "Budget exhausted: max_runtime_seconds (2) reached");
  EXPECT_TRUE(l.before_model_request(used, used.started + 2s));
}

TEST(UsageLimits, TokensBoundModelRequests) {
  UsageLimits l;
  l.max_total_tokens = 100;
  Usage used;
  used.run_requests = 1;
  used.input_tokens = 60;
  used.output_tokens = 39;
  EXPECT_FALSE(l.before_model_request(used));
  used.output_tokens = 40;
  auto r = l.before_model_request(used);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, "max_total_tokens");
  EXPECT_EQ(r->data.at("total_tokens").as_int64(), 100);
}

TEST(UsageLimits, KaosOrderWhenSeveralAreReachedAtOnce) {
  UsageLimits l;
  l.max_iterations = 1;
  l.max_runtime_seconds = 1;
  l.max_tool_calls = 1;
  Usage used;
  used.runs = 1;
  used.tool_calls = 1;
  auto now = used.started + 5s;
  EXPECT_EQ(l.before_model_request(used, now)->reason, "max_iterations");
  l.max_iterations = 0;
  EXPECT_EQ(l.before_model_request(used, now)->reason, "max_runtime_seconds");
  l.max_runtime_seconds = 0;
  EXPECT_EQ(l.before_model_request(used, now)->reason, "max_tool_calls");
}

}  // namespace
}  // namespace kaos::agent
