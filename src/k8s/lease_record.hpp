#pragma once
// Leader election's rules over a coordination.k8s.io/v1 Lease, as client-go's leaderelection
// applies them, kept apart from I/O so they are tested without waiting:
//
// - A candidate may take the Lease when nobody holds it, when it holds it itself, or when the
//   holder has not renewed it for leaseDurationSeconds. "Not renewed" is judged by the
//   candidate's own clock since it last saw the record change, never by comparing the
//   timestamps written in the Lease with its clock, so clock skew between machines cannot hand
//   the lease to two holders.
// - Taking it from someone else counts a transition; renewing does not.
// - Releasing (graceful shutdown) empties holderIdentity and shortens leaseDurationSeconds to
//   1 s, so a successor takes over at once instead of waiting out the lease.
#include <chrono>
#include <optional>
#include <string>

#include "core/json.hpp"

namespace kaos::k8s {

struct LeaseRecord {
  std::string holder;  ///< spec.holderIdentity ("" = free)
  int lease_duration_seconds = 15;
  std::string acquire_time;  ///< spec.acquireTime (MicroTime)
  std::string renew_time;    ///< spec.renewTime (MicroTime)
  int transitions = 0;       ///< spec.leaseTransitions
  bool operator==(const LeaseRecord&) const = default;
};

/// Reads spec of a Lease object (absent fields: defaults above, holder "").
LeaseRecord read_lease_record(const json::object& lease);
/// The Lease `spec` object for a record.
json::object lease_spec(const LeaseRecord& record);

class LeaseObserver {
 public:
  using Clock = std::chrono::steady_clock;
  /// Remembers `record` as seen at `now`; the expiry clock restarts only when it changed.
  void observe(const LeaseRecord& record, Clock::time_point now);
  /// Whether `identity` may write itself into the Lease now.
  bool may_acquire(const std::string& identity, Clock::time_point now) const;
  const std::optional<LeaseRecord>& last() const { return last_; }

 private:
  std::optional<LeaseRecord> last_;
  Clock::time_point changed_at_{};
};

/// The record `identity` writes to take or renew the lease at wall-clock time `now_micro`
/// (MicroTime text): acquireTime and a transition when it takes it from another holder.
LeaseRecord claim(const std::optional<LeaseRecord>& current, const std::string& identity, int lease_duration_seconds,
                  const std::string& now_micro);
/// The record that releases a lease `identity` holds (see the header comment).
LeaseRecord release(const LeaseRecord& current, const std::string& now_micro);

}  // namespace kaos::k8s
