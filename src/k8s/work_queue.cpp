#include "k8s/work_queue.hpp"

#include <algorithm>
#include <cmath>

namespace kaos::k8s {

TokenBucket::TokenBucket(double qps, int burst) : qps_(qps), burst_(burst), tokens_(burst) {}

std::chrono::nanoseconds TokenBucket::reserve(Clock::time_point now) {
  if (qps_ <= 0) return {};
  if (last_) {
    const double elapsed = std::chrono::duration<double>(now - *last_).count();
    tokens_ = std::min(burst_, tokens_ + std::max(0.0, elapsed) * qps_);
  }
  last_ = now;
  tokens_ -= 1;
  if (tokens_ >= 0) return {};
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::ceil(-tokens_ / qps_ * 1e9)));
}

WorkQueue::WorkQueue(WorkQueueOptions options) : options_(options), bucket_(options.qps, options.burst) {}

void WorkQueue::enqueue(const std::string& key, Clock::time_point now) {
  if (queued_at_.contains(key)) return;
  queued_at_.emplace(key, now);
  // A key being processed stays out of the ready FIFO: done() puts it back.
  if (!processing_.contains(key)) queue_.push_back(key);
}

void WorkQueue::add(const std::string& key, Clock::time_point now) {
  if (auto it = delayed_by_key_.find(key); it != delayed_by_key_.end()) {
    auto range = delayed_.equal_range(it->second);
    for (auto d = range.first; d != range.second; ++d) {
      if (d->second == key) {
        delayed_.erase(d);
        break;
      }
    }
    delayed_by_key_.erase(it);
  }
  enqueue(key, now);
}

void WorkQueue::add_after(const std::string& key, Clock::duration delay, Clock::time_point now) {
  if (delay <= Clock::duration::zero()) return add(key, now);
  if (queued_at_.contains(key) && !processing_.contains(key)) return;  // already due sooner
  const auto due = now + delay;
  if (auto it = delayed_by_key_.find(key); it != delayed_by_key_.end()) {
    if (it->second <= due) return;  // the earlier schedule wins
    auto range = delayed_.equal_range(it->second);
    for (auto d = range.first; d != range.second; ++d) {
      if (d->second == key) {
        delayed_.erase(d);
        break;
      }
    }
  }
  delayed_.emplace(due, key);
  delayed_by_key_[key] = due;
}

void WorkQueue::add_rate_limited(const std::string& key, Clock::time_point now, Clock::duration at_least) {
  const int failures = ++failures_[key];
  const double factor = std::ldexp(1.0, std::min(failures - 1, 62));
  const double item_ms = std::min(static_cast<double>(options_.max_delay.count()),
                                  static_cast<double>(options_.base_delay.count()) * factor);
  const auto item = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(item_ms));
  const auto global = std::chrono::duration_cast<Clock::duration>(bucket_.reserve(now));
  add_after(key, std::max({item, global, at_least}), now);
}

void WorkQueue::forget(const std::string& key) {
  failures_.erase(key);
}

int WorkQueue::failures(const std::string& key) const {
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::promote_due(Clock::time_point now) {
  while (!delayed_.empty() && delayed_.begin()->first <= now) {
    std::string key = delayed_.begin()->second;
    delayed_.erase(delayed_.begin());
    delayed_by_key_.erase(key);
    enqueue(key, now);
  }
}

std::optional<std::string> WorkQueue::pop(Clock::time_point now) {
  promote_due(now);
  if (queue_.empty()) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  auto it = queued_at_.find(key);
  last_wait_ = now - it->second;
  queued_at_.erase(it);
  processing_.insert(key);
  return key;
}

void WorkQueue::done(const std::string& key, Clock::time_point /*now*/) {
  processing_.erase(key);
  if (queued_at_.contains(key)) queue_.push_back(key);  // added while it was processed
}

std::optional<WorkQueue::Clock::time_point> WorkQueue::next_due() const {
  if (delayed_.empty()) return std::nullopt;
  return delayed_.begin()->first;
}

}  // namespace kaos::k8s
