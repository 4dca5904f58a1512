#pragma once
// The controllers of `kaos operator`: informers (list+watch with a cache) for the KAOS
// resources and the children the operator owns, one work queue of "Kind/namespace/name" keys,
// N workers, and the writes each reconcile decides (reconcile.hpp). Level-triggered: a worker
// reads the caches, never the event that woke it, so a missed or repeated event only costs a
// reconcile.
//
// Thread model: everything runs on one executor (the operator's io_context runs one thread):
// the caches and the queue are touched only there, and workers interleave at their awaits.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "control/operator/operator_metrics.hpp"
#include "control/operator/reconcile.hpp"
#include "control/operator/settings.hpp"
#include "k8s/async_work_queue.hpp"
#include "k8s/informer.hpp"
#include "k8s/rest_client.hpp"
#include "k8s/watch.hpp"
#include "net/task.hpp"

namespace kaos::control::operator_ {

struct ControllerOptions {
  /// Watched namespaces; empty: all (KAOS's operator is cluster-wide).
  std::vector<std::string> namespaces;
  int workers = 4;
  /// reportingInstance of events (the pod name).
  std::string identity = "kaos-operator";
  /// The Gateway API's HTTPRoutes exist on the cluster (discovery): watched and written only then.
  bool gateway_api_present = false;
  k8s::WorkQueueOptions queue;
};

class Controllers final : public ClusterView {
 public:
  Controllers(net::Executor executor, k8s::RestClient& client, OperatorSettings settings, ControllerOptions options,
              OperatorMetrics& metrics);
  ~Controllers() override;
  Controllers(const Controllers&) = delete;
  Controllers& operator=(const Controllers&) = delete;

  /// Starts the informers, waits until each has its first list, then runs the workers. Runs
  /// until the awaiting coroutine is cancelled; then stops every watch and worker.
  net::Task<void> run();
  /// Every informer has had its first list (readiness).
  bool synced() const;
  /// Samples cache sizes, queue depth and watch restarts into the metrics (before a scrape).
  void sample_metrics();

  k8s::ObjectPtr resource(std::string_view kind, const std::string& key) const override;
  k8s::ObjectPtr child(std::string_view kind, const std::string& key) const override;

 private:
  struct Watched;
  void add_watched(std::string kind, const k8s::ResourceType& type, k8s::Informer::Transform transform,
                   std::string label_selector, std::vector<std::string> namespaces, std::string field_selector = {});
  void wake(std::string_view kind, const k8s::CacheChange& change);
  void reload_mcp_runtimes();
  net::Task<void> worker();
  net::Task<Result<void>> execute(std::string_view kind, const std::string& key, const ReconcileOutcome& outcome);
  net::Task<Result<void>> write_finalizers(std::string_view kind, const json::object& object, bool add);
  net::Task<void> record_events(const json::object& object, const std::vector<EventNote>& events);
  Watched* watched(std::string_view kind) const;

  net::Executor executor_;
  k8s::RestClient& client_;
  OperatorSettings settings_;
  api::McpRuntimeRegistry builtin_runtimes_;
  ControllerOptions options_;
  OperatorMetrics& metrics_;
  k8s::AsyncWorkQueue queue_;
  std::vector<std::unique_ptr<Watched>> watched_;
  bool gateway_missing_ = false;
  std::set<std::string> warned_gateway_;  ///< resources told that HTTPRoutes are unavailable
};

}  // namespace kaos::control::operator_
