#include "telemetry/metrics.hpp"

#include <stdexcept>

namespace kaos::telemetry {

Histogram::Histogram(std::shared_ptr<const std::vector<double>> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_->size() + 1]) {
  for (std::size_t i = 0; i <= bounds_->size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) {
  const auto& b = *bounds_;
  std::size_t i = 0;
  while (i < b.size() && v > b[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  std::uint64_t acc = 0;
  s.cumulative.reserve(bounds_->size() + 1);
  for (std::size_t i = 0; i <= bounds_->size(); ++i) {
    acc += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(acc);
  }
  // Count is the +Inf bucket so the exposition is self-consistent even under concurrent updates.
  s.count = acc;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

const std::vector<double>& default_latency_buckets() {
  static const std::vector<double> b{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                     0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30,    60};
  return b;
}

namespace {
template <class F>
F& register_family(std::mutex& mu, std::vector<std::unique_ptr<FamilyBase>>& families, const std::string& name,
                   MetricType type, const std::function<std::unique_ptr<F>()>& make) {
  std::lock_guard lock(mu);
  for (auto& f : families) {
    if (f->name() == name) {
      if (f->type() != type) throw std::logic_error("metric '" + name + "' registered twice with different types");
      return static_cast<F&>(*f);
    }
  }
  families.push_back(make());
  return static_cast<F&>(*families.back());
}
}  // namespace

Family<Counter>& Registry::counter(std::string name, std::string help, std::vector<std::string> labels) {
  auto n = name;
  return register_family<Family<Counter>>(mutex_, families_, n, MetricType::counter, [&] {
    return std::make_unique<Family<Counter>>(std::move(name), std::move(help), std::move(labels), MetricType::counter);
  });
}

Family<Gauge>& Registry::gauge(std::string name, std::string help, std::vector<std::string> labels) {
  auto n = name;
  return register_family<Family<Gauge>>(mutex_, families_, n, MetricType::gauge, [&] {
    return std::make_unique<Family<Gauge>>(std::move(name), std::move(help), std::move(labels), MetricType::gauge);
  });
}

Family<Histogram>& Registry::histogram(std::string name, std::string help, std::vector<std::string> labels,
                                       std::vector<double> bounds) {
  auto n = name;
  auto shared = std::make_shared<const std::vector<double>>(std::move(bounds));
  return register_family<Family<Histogram>>(mutex_, families_, n, MetricType::histogram, [&] {
    return std::make_unique<Family<Histogram>>(std::move(name), std::move(help), std::move(labels),
                                               MetricType::histogram, shared);
  });
}

std::string Registry::render_prometheus() const {
  std::string out;
  out.reserve(4096);
  std::lock_guard lock(mutex_);
  for (const auto& f : families_) f->render(out);
  return out;
}

}  // namespace kaos::telemetry
