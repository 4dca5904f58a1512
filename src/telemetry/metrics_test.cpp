#include <gtest/gtest.h>

#include <thread>

#include "telemetry/metrics.hpp"

using namespace kaos::telemetry;

TEST(Metrics, CounterFamilyExposition) {
  Registry r;
  auto& c = r.counter("kaos_requests_total", "Requests handled.", {"model", "status"});
  c.with({"gpt-4o", "200"}).inc();
  c.with({"gpt-4o", "200"}).inc(2);
  c.with({"we\"ird\\n", "500"}).inc();
  auto text = r.render_prometheus();
  EXPECT_NE(text.find("# HELP kaos_requests_total Requests handled.\n# TYPE kaos_requests_total counter\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("kaos_requests_total{model=\"gpt-4o\",status=\"200\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kaos_requests_total{model=\"we\\\"ird\\\\n\",status=\"500\"} 1\n"), std::string::npos) << text;
}

TEST(Metrics, HistogramIsCumulative) {
  Registry r;
  auto& h = r.histogram("lat_seconds", "Latency.", {"model"}, {0.1, 1});
  h.with({"m"}).observe(0.05);
  h.with({"m"}).observe(0.5);
  h.with({"m"}).observe(5);
  auto text = r.render_prometheus();
  EXPECT_NE(text.find("lat_seconds_bucket{model=\"m\",le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_bucket{model=\"m\",le=\"1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_bucket{model=\"m\",le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_sum{model=\"m\"} 5.55\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_count{model=\"m\"} 3\n"), std::string::npos) << text;
}

TEST(Metrics, GaugeAndUnlabelled) {
  Registry r;
  auto& g = r.gauge("in_flight", "In flight.");
  g.with({}).add(2);
  g.with({}).add(-1);
  EXPECT_NE(r.render_prometheus().find("in_flight 1\n"), std::string::npos) << r.render_prometheus();
}

TEST(Metrics, ReRegistrationReturnsSameFamilyAndTypeClashThrows) {
  Registry r;
  auto& a = r.counter("x_total", "X.");
  auto& b = r.counter("x_total", "X.");
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(r.gauge("x_total", "X."), std::logic_error);
}

TEST(Metrics, ConcurrentIncrementsAreNotLost) {
  Registry r;
  auto& c = r.counter("n_total", "N.", {"k"});
  std::vector<std::thread> ts;
  ts.reserve(4);
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.with({i % 2 ? "a" : "b"}).inc();
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(c.with({"a"}).value() + c.with({"b"}).value(), 40000u);
}
