#pragma once
// The operator's Prometheus metrics (/metrics): reconciles by controller and result, reconcile
// latency, queue depth and wait, API requests by verb and code, watch restarts, leadership.
#include <string>

#include "telemetry/metrics.hpp"

namespace kaos::control::operator_ {

struct OperatorMetrics {
  telemetry::Registry registry;
  /// result: success, error, requeue (success with a requeue_after).
  telemetry::Family<telemetry::Counter>& reconciles = registry.counter(
      "kaos_operator_reconciles_total", "Reconciles by controller and result.", {"controller", "result"});
  telemetry::Family<telemetry::Histogram>& reconcile_seconds = registry.histogram(
      "kaos_operator_reconcile_duration_seconds", "Time of one reconcile, writes included.", {"controller"});
  telemetry::Family<telemetry::Counter>& writes = registry.counter(
      "kaos_operator_writes_total", "Writes to the API server by kind of object and verb.", {"kind", "verb"});
  telemetry::Family<telemetry::Gauge>& queue_depth =
      registry.gauge("kaos_operator_workqueue_depth", "Keys queued and ready to reconcile.");
  telemetry::Family<telemetry::Histogram>& queue_wait = registry.histogram(
      "kaos_operator_workqueue_wait_seconds", "Time a key waited in the queue before a worker took it.");
  telemetry::Family<telemetry::Counter>& api_requests =
      registry.counter("kaos_operator_api_requests_total",
                       "Requests to the Kubernetes API by verb and HTTP code (0: no answer).", {"verb", "code"});
  telemetry::Family<telemetry::Counter>& watch_restarts =
      registry.counter("kaos_operator_watch_restarts_total",
                       "Watches reopened (resume after a drop, or relist after 410).", {"resource", "how"});
  telemetry::Family<telemetry::Gauge>& leader =
      registry.gauge("kaos_operator_leader", "1 while this instance leads (or runs without leader election).");
  telemetry::Family<telemetry::Gauge>& cached_objects =
      registry.gauge("kaos_operator_cached_objects", "Objects in the informers' caches.", {"resource"});
};

}  // namespace kaos::control::operator_
