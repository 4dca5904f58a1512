#pragma once
// Leader election on a coordination.k8s.io/v1 Lease (lease_record.hpp has the rules): of
// several operator replicas one leads and reconciles; the others wait and take over when the
// leader stops renewing. The leader stops at once when it cannot renew within the renew
// deadline (another may already have taken the lease), and gives the lease up on a graceful
// shutdown so its successor starts without waiting out the lease.
#include <chrono>
#include <string>

#include "core/result.hpp"
#include "k8s/lease_record.hpp"
#include "k8s/rest_client.hpp"
#include "net/task.hpp"

namespace kaos::k8s {

struct LeaderElectionConfig {
  std::string namespace_;                            ///< the Lease's namespace (the operator's own)
  std::string name;                                  ///< the Lease's name (KAOS: kaos-operator.kaos.tools)
  std::string identity;                              ///< this instance (pod name + a random suffix)
  std::chrono::milliseconds lease_duration{15'000};  ///< client-go's defaults: 15 s, 10 s, 2 s
  std::chrono::milliseconds renew_deadline{10'000};
  std::chrono::milliseconds retry_period{2'000};
};

class LeaderElector {
 public:
  LeaderElector(RestClient& client, LeaderElectionConfig config);

  /// Returns once this instance holds the lease; tries every retry_period. Fails only when the
  /// awaiting coroutine is cancelled.
  net::Task<Result<void>> acquire();
  /// While leading: renews every retry_period and returns when leadership is lost (no
  /// successful renewal within renew_deadline, or someone else holds the lease). Cancellation
  /// ends it too.
  net::Task<void> hold();
  /// Gives the lease up, if held (graceful shutdown).
  net::Task<Result<void>> release();

  bool leading() const { return leading_; }
  const LeaderElectionConfig& config() const { return config_; }

 private:
  /// One attempt: true when this instance holds the lease after it.
  net::Task<Result<bool>> try_acquire_or_renew();
  /// The same, bounded by `deadline` (a request that hangs counts as a failed attempt).
  net::Task<Result<bool>> attempt_within(std::chrono::milliseconds deadline);

  RestClient& client_;
  LeaderElectionConfig config_;
  LeaseObserver observer_;
  bool leading_ = false;
};

}  // namespace kaos::k8s
