#pragma once
// A small metrics registry: counters, gauges and histograms, each in a labelled family.
//
// Hot path: `Family<T>::with(labels)` takes a shared (reader) lock to find the child, and the
// child's update is a relaxed atomic operation. Callers that update the same series on every
// request may keep the returned reference: children live as long as the registry and never
// move. Registration (`Registry::counter`, ...) is meant for start-up and takes a mutex.
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kaos::telemetry {

enum class MetricType { counter, gauge, histogram };

/// Monotonic counter (integer increments). Thread-safe.
class Counter {
 public:
  void inc(std::uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

/// A value that goes up and down. Thread-safe.
class Gauge {
 public:
  void set(double v) { v_.store(v, std::memory_order_relaxed); }
  void add(double d) { v_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

/// Fixed-bucket histogram (upper bounds, ascending; +Inf implied). Thread-safe; `observe` is
/// a bucket scan plus three relaxed atomic adds.
class Histogram {
 public:
  explicit Histogram(std::shared_ptr<const std::vector<double>> bounds);
  void observe(double v);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  ///< one per bound, then +Inf
    std::uint64_t count = 0;
    double sum = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return *bounds_; }

 private:
  std::shared_ptr<const std::vector<double>> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // non-cumulative, size bounds+1
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

/// Default latency buckets in seconds (100 µs … 60 s).
const std::vector<double>& default_latency_buckets();

/// Type-erased family interface, for exposition.
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::vector<std::string> label_names, MetricType type)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), type_(type) {}
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  MetricType type() const { return type_; }
  /// Appends this family in Prometheus text format 0.0.4.
  virtual void render(std::string& out) const = 0;

 protected:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  MetricType type_;
};

namespace detail {
std::string join_label_key(std::initializer_list<std::string_view> values);
std::string join_label_key(const std::vector<std::string>& values);
/// `{a="x",b="y"}` (escaped), optionally with an extra trailing label (le=...).
void append_labels(std::string& out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                   std::string_view extra_name = {}, std::string_view extra_value = {});
void append_number(std::string& out, double v);
void append_header(std::string& out, const FamilyBase& f);
}  // namespace detail

/// A metric with one child per distinct label-value tuple.
template <class T>
class Family final : public FamilyBase {
 public:
  template <class... Args>
  Family(std::string name, std::string help, std::vector<std::string> label_names, MetricType type, Args... args)
      : FamilyBase(std::move(name), std::move(help), std::move(label_names), type),
        factory_([=] { return std::make_unique<T>(args...); }) {}

  /// The child for these label values (one per label name, in order); created on first use.
  T& with(std::initializer_list<std::string_view> values) { return with_key(detail::join_label_key(values), values); }
  T& with(const std::vector<std::string>& values) {
    std::vector<std::string_view> v(values.begin(), values.end());
    return with_key(detail::join_label_key(values), v);
  }

  void render(std::string& out) const override;

 private:
  /// One `name{labels} value` line per child: the shape counters and gauges share
  /// (defined in prometheus.cpp, the only place it is instantiated).
  void render_samples(std::string& out) const;

  struct Child {
    std::vector<std::string> values;
    std::unique_ptr<T> metric;
  };
  template <class Values>
  T& with_key(const std::string& key, const Values& values) {
    {
      std::shared_lock lock(mutex_);
      auto it = children_.find(key);
      if (it != children_.end()) return *it->second.metric;
    }
    std::unique_lock lock(mutex_);
    auto [it, inserted] = children_.try_emplace(key);
    if (inserted) {
      it->second.values.assign(values.begin(), values.end());
      it->second.metric = factory_();
      order_.push_back(&it->second);
    }
    return *it->second.metric;
  }

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Child> children_;
  std::vector<const Child*> order_;  // creation order, for stable exposition
  std::function<std::unique_ptr<T>()> factory_;
};

/// Owns metric families. Registration is thread-safe; re-registering a name returns the
/// existing family when the type matches (throws std::logic_error otherwise).
class Registry {
 public:
  Family<Counter>& counter(std::string name, std::string help, std::vector<std::string> labels = {});
  Family<Gauge>& gauge(std::string name, std::string help, std::vector<std::string> labels = {});
  Family<Histogram>& histogram(std::string name, std::string help, std::vector<std::string> labels = {},
                               std::vector<double> bounds = default_latency_buckets());

  /// Prometheus text exposition (format 0.0.4) of every family, in registration order.
  std::string render_prometheus() const;

 private:
  FamilyBase* find(const std::string& name, MetricType type) const;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<FamilyBase>> families_;
};

/// Content-Type of the exposition.
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

// ---- template bodies -------------------------------------------------------------------
template <>
void Family<Counter>::render(std::string& out) const;
template <>
void Family<Gauge>::render(std::string& out) const;
template <>
void Family<Histogram>::render(std::string& out) const;

}  // namespace kaos::telemetry
