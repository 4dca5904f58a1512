#include "k8s/lease_record.hpp"

namespace kaos::k8s {

LeaseRecord read_lease_record(const json::object& lease) {
  LeaseRecord r;
  const auto* spec = find_field(lease, "spec");
  if (!spec || !spec->is_object()) return r;
  const auto& s = spec->get_object();
  r.holder = std::string(string_field(s, "holderIdentity").value_or(""));
  r.lease_duration_seconds = static_cast<int>(int_field(s, "leaseDurationSeconds").value_or(15));
  r.acquire_time = std::string(string_field(s, "acquireTime").value_or(""));
  r.renew_time = std::string(string_field(s, "renewTime").value_or(""));
  r.transitions = static_cast<int>(int_field(s, "leaseTransitions").value_or(0));
  return r;
}

json::object lease_spec(const LeaseRecord& record) {
  json::object spec;
  spec["holderIdentity"] = record.holder;
  spec["leaseDurationSeconds"] = record.lease_duration_seconds;
  if (!record.acquire_time.empty()) spec["acquireTime"] = record.acquire_time;
  if (!record.renew_time.empty()) spec["renewTime"] = record.renew_time;
  spec["leaseTransitions"] = record.transitions;
  return spec;
}

void LeaseObserver::observe(const LeaseRecord& record, Clock::time_point now) {
  if (!last_ || *last_ != record) {
    last_ = record;
    changed_at_ = now;
  }
}

bool LeaseObserver::may_acquire(const std::string& identity, Clock::time_point now) const {
  if (!last_ || last_->holder.empty() || last_->holder == identity) return true;
  return now - changed_at_ > std::chrono::seconds(last_->lease_duration_seconds);
}

LeaseRecord claim(const std::optional<LeaseRecord>& current, const std::string& identity, int lease_duration_seconds,
                  const std::string& now_micro) {
  LeaseRecord r;
  r.holder = identity;
  r.lease_duration_seconds = lease_duration_seconds;
  r.renew_time = now_micro;
  const bool renewing = current && current->holder == identity;
  r.acquire_time = renewing ? current->acquire_time : now_micro;
  r.transitions = current ? current->transitions + (renewing || current->holder.empty() ? 0 : 1) : 0;
  return r;
}

LeaseRecord release(const LeaseRecord& current, const std::string& now_micro) {
  LeaseRecord r = current;
  r.holder.clear();
  r.lease_duration_seconds = 1;
  r.renew_time = now_micro;
  r.acquire_time = now_micro;
  return r;
}

}  // namespace kaos::k8s
