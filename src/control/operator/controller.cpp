#include "control/operator/controller.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "control/operator/cr_status.hpp"
#include "control/operator/kinds.hpp"
#include "control/operator/names.hpp"
#include "control/operator/references.hpp"
#include "control/operator/wakes.hpp"
#include "core/ids.hpp"
#include "k8s/api_error.hpp"
#include "k8s/event.hpp"
#include "net/background.hpp"
#include "net/change_signal.hpp"

namespace kaos::control::operator_ {

namespace asio = boost::asio;

struct Controllers::Watched {
  std::string kind;
  k8s::ResourceType type;
  std::unique_ptr<k8s::Informer> informer;
  std::vector<std::unique_ptr<k8s::ListWatcher>> watchers;
  /// The namespace of each watcher ("": all namespaces, one watcher).
  std::vector<std::string> namespaces;
  std::uint64_t reported_resumes = 0;
  std::uint64_t reported_relists = 0;
};

namespace {

// The labels of everything the operator creates (KAOS's `app` label): children informers watch
// only these, not every Deployment of the cluster.
constexpr const char* kChildSelector = "app in (agent,mcpserver,modelapi)";
constexpr const char* kControllerName = "kaos.tools/kaos-operator";

std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto slash = key.find('/');
  return {key.substr(0, slash), key.substr(slash + 1)};
}

std::string meta(const json::object& o, std::string_view field) {
  const auto* m = find_field(o, "metadata");
  if (!m || !m->is_object()) return {};
  return std::string(string_field(m->get_object(), field).value_or(""));
}

// Counts its task in a group while it runs, so the group can wait for every task to end.
struct TaskGroup {
  explicit TaskGroup(net::Executor ex) : ended(ex) {}
  net::ChangeSignal ended;
  int live = 0;
  std::vector<std::shared_ptr<asio::cancellation_signal>> signals;

  void spawn(net::Executor ex, net::Task<void> task, std::string what) {
    auto signal = std::make_shared<asio::cancellation_signal>();
    signals.push_back(signal);
    ++live;
    net::spawn_background(ex, tracked(std::move(task)), std::move(what), signal);
  }
  net::Task<void> tracked(net::Task<void> task) {
    struct Done {
      TaskGroup& g;
      ~Done() {
        --g.live;
        g.ended.notify();
      }
    } done{*this};
    co_await std::move(task);
  }
  void cancel_all() {
    for (auto& s : signals) s->emit(asio::cancellation_type::terminal);
  }
  net::Task<void> wait_all() {
    while (live > 0) co_await ended.wait();
  }
};

}  // namespace

Controllers::Controllers(net::Executor executor, k8s::RestClient& client, OperatorSettings settings,
                         ControllerOptions options, OperatorMetrics& metrics)
    : executor_(executor),
      client_(client),
      settings_(std::move(settings)),
      builtin_runtimes_(settings_.mcp_runtimes),
      options_(std::move(options)),
      metrics_(metrics),
      queue_(executor, options_.queue) {
  auto resources = [](json::object o) { return k8s::drop_bookkeeping(std::move(o)); };
  for (const char* kind : {"ModelAPI", "MCPServer", "MemoryStore", "Agent"})
    add_watched(kind, kaos_resource_type(kind), resources, "", options_.namespaces);
  watched("Agent")->informer->add_index(kReferencesIndex, agent_references);
  // GATEWAY_API_ENABLED without the Gateway API on the cluster: there is nowhere to write an
  // HTTPRoute (every apply would be a 404 and the resource would never get past it), so none is
  // rendered; the manager has logged it, and each resource is told once, in an event.
  gateway_missing_ = settings_.gateway.enabled && !options_.gateway_api_present;
  if (gateway_missing_) settings_.gateway.enabled = false;
  std::vector<std::string> children{"Deployment", "Service", "ConfigMap"};
  if (settings_.gateway.enabled) children.emplace_back("HTTPRoute");
  for (const auto& kind : children)
    add_watched(kind, child_resource_type(kind), trim_child, kChildSelector, options_.namespaces);
  add_watched("McpRuntimes", child_resource_type("ConfigMap"), resources, "", {settings_.system_namespace},
              "metadata.name=" + std::string(kMcpRuntimesConfigMap));
}

Controllers::~Controllers() = default;

void Controllers::add_watched(std::string kind, const k8s::ResourceType& type, k8s::Informer::Transform transform,
                              std::string label_selector, std::vector<std::string> namespaces,
                              std::string field_selector) {
  auto w = std::make_unique<Watched>();
  w->kind = kind;
  w->type = type;
  w->informer = std::make_unique<k8s::Informer>(kind, std::move(transform));
  if (namespaces.empty()) namespaces.emplace_back();  // "": all namespaces
  // One list-watch per namespace feeds one informer: each list replaces only its namespace, and
  // the informer is synced once every namespace has been listed.
  if (!namespaces.front().empty()) w->informer->expect_namespaces(namespaces);
  w->namespaces = namespaces;
  for (const auto& ns : namespaces) {
    k8s::ListWatcherOptions opts;
    opts.label_selector = label_selector;
    opts.field_selector = field_selector;
    w->watchers.push_back(std::make_unique<k8s::ListWatcher>(client_, type, ns, opts));
  }
  if (kind == "McpRuntimes") {
    w->informer->on_change([this](const k8s::CacheChange&) { reload_mcp_runtimes(); });
  } else {
    w->informer->on_change([this, k = w->kind](const k8s::CacheChange& c) { wake(k, c); });
  }
  watched_.push_back(std::move(w));
}

Controllers::Watched* Controllers::watched(std::string_view kind) const {
  for (const auto& w : watched_) {
    if (w->kind == kind) return w.get();
  }
  return nullptr;
}

k8s::ObjectPtr Controllers::resource(std::string_view kind, const std::string& key) const {
  const auto* w = watched(kind);
  return w ? w->informer->cache().get(key) : nullptr;
}

k8s::ObjectPtr Controllers::child(std::string_view kind, const std::string& key) const {
  const auto* w = watched(kind);
  return w ? w->informer->cache().get(key) : nullptr;
}

bool Controllers::synced() const {
  for (const auto& w : watched_) {
    if (!w->informer->synced()) return false;
  }
  return true;
}

void Controllers::wake(std::string_view kind, const k8s::CacheChange& change) {
  for (auto& key : keys_to_wake(kind, *change.object, watched("Agent")->informer->cache())) queue_.add(key);
}

// kaos-mcp-runtimes overlays the built-in runtimes (a runtime it names replaces the built-in of
// that name); a malformed one is reported and the built-ins stay in force.
void Controllers::reload_mcp_runtimes() {
  auto registry = builtin_runtimes_;
  auto cm = resource("McpRuntimes", k8s::object_key(settings_.system_namespace, kMcpRuntimesConfigMap));
  if (cm) {
    auto parsed = api::parse_mcp_runtimes_configmap(json::value(*cm));
    if (parsed) {
      for (auto& [name, runtime] : parsed->runtimes) registry.runtimes[name] = runtime;
    } else {
      spdlog::warn("operator: ConfigMap {}/{} ignored: {}", settings_.system_namespace, kMcpRuntimesConfigMap,
                   parsed.error().message);
    }
  }
  settings_.mcp_runtimes = std::move(registry);
  for (const auto& key : watched("MCPServer")->informer->cache().list()) {
    queue_.add(resource_key("MCPServer", meta(*key, "namespace"), meta(*key, "name")));
  }
}

net::Task<void> Controllers::run() {
  TaskGroup group(executor_);
  net::ChangeSignal synced_signal(executor_);
  for (auto& w : watched_) {
    for (std::size_t i = 0; i < w->watchers.size(); ++i) {
      auto& watcher = w->watchers[i];
      k8s::ListWatchSink sink;
      auto* informer = w->informer.get();
      // Pages go into the cache as they arrive, so a list of many objects is never held whole.
      sink.list_page = [informer, ns = w->namespaces[i]](std::vector<json::object> page) {
        informer->list_page(ns, std::move(page));
      };
      sink.list_done = [informer, &synced_signal, ns = w->namespaces[i]](const std::string&) {
        informer->list_done(ns);
        synced_signal.notify();
      };
      sink.apply = [informer](const k8s::WatchEvent& e) { informer->event(k8s::to_string(e.type), e.object); };
      sink.on_error = [kind = w->kind](const Error& e) { spdlog::warn("operator: watch of {}: {}", kind, e.message); };
      group.spawn(
          executor_,
          [](k8s::ListWatcher& lw, k8s::ListWatchSink s) -> net::Task<void> { (void)co_await lw.run(std::move(s)); }(
                                                             *watcher, std::move(sink)),
          "operator: watch of " + w->kind);
    }
  }
  try {
    while (!synced()) co_await synced_signal.wait();
    spdlog::info("operator: caches synced; {} workers reconciling", options_.workers);
    for (int i = 0; i < options_.workers; ++i) group.spawn(executor_, worker(), "operator: worker");
    asio::steady_timer forever(executor_, asio::steady_timer::time_point::max());
    co_await forever.async_wait(asio::use_awaitable);  // until cancelled
  } catch (const boost::system::system_error&) {
    // cancelled: stop below
  }
  // The cancellation that ended the wait would also end every later co_await of this
  // coroutine: clear it, so the stopping below runs to its end.
  co_await asio::this_coro::reset_cancellation_state();
  queue_.shut_down();
  group.cancel_all();
  co_await group.wait_all();
}

net::Task<void> Controllers::worker() {
  while (auto key = co_await queue_.get()) {
    metrics_.queue_wait.with({}).observe(std::chrono::duration<double>(queue_.queue().last_wait()).count());
    auto [kind, object_key] = split_key(*key);
    const auto started = std::chrono::steady_clock::now();
    auto outcome =
        reconcile_resource(kind, object_key, *this, settings_, rfc3339_seconds(std::chrono::system_clock::now()));
    auto written = co_await execute(kind, object_key, outcome);
    metrics_.reconcile_seconds.with({kind}).observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (!written) {
      metrics_.reconciles.with({kind, "error"}).inc();
      if (k8s::status_reason(written.error()) == k8s::StatusReason::conflict) {
        spdlog::debug("operator: {}: {} (retrying)", *key, written.error().message);
      } else {
        spdlog::warn("operator: {}: {}", *key, written.error().message);
      }
      // A 429's Retry-After is the server's word on when to come back: never sooner.
      const auto retry_after = written.error().retry_after.value_or(std::chrono::seconds(0));
      queue_.add_rate_limited(*key, std::chrono::duration_cast<std::chrono::milliseconds>(retry_after));
    } else {
      queue_.forget(*key);
      if (outcome.requeue_after) {
        metrics_.reconciles.with({kind, "requeue"}).inc();
        queue_.add_after(*key, *outcome.requeue_after);
      } else {
        metrics_.reconciles.with({kind, "success"}).inc();
      }
    }
    queue_.done(*key);
  }
}

net::Task<Result<void>> Controllers::write_finalizers(std::string_view kind, const json::object& object, bool add) {
  const auto finalizer = finalizer_of(kind);
  json::array list;
  if (const auto* m = find_field(object, "metadata"); m && m->is_object()) {
    if (const auto* f = find_field(m->get_object(), "finalizers"); f && f->is_array()) {
      for (const auto& v : f->get_array()) {
        if (!(v.is_string() && v.get_string() == finalizer)) list.push_back(v);
      }
    }
  }
  if (add) list.push_back(json::value(finalizer));
  // The resourceVersion makes the patch conditional: a finalizer list changed by someone else
  // meanwhile is a 409, and the retry reads the new list.
  json::object patch{{"metadata", json::object{{"finalizers", std::move(list)},
                                               {"resourceVersion", meta(object, "resourceVersion")}}}};
  metrics_.writes.with({std::string(kind), "patch"}).inc();
  const std::string ns = meta(object, "namespace");
  const std::string name = meta(object, "name");
  auto r = co_await client_.merge_patch(kaos_resource_type(kind), ns, name, patch);
  if (!r) co_return r.error();
  co_return Result<void>{};
}

net::Task<Result<void>> Controllers::execute(std::string_view kind, const std::string& key,
                                             const ReconcileOutcome& outcome) {
  const auto& object = outcome.object;
  if (!object) co_return Result<void>{};
  using F = ReconcileOutcome::Finalizer;
  // Options are named variables, never temporaries inside a co_await expression: GCC 12
  // destroys such temporaries twice (src/k8s/README.md).
  k8s::ApplyOptions apply_options;
  apply_options.field_manager = std::string(kFieldManager);
  apply_options.force = true;  // the operator owns its children's fields
  k8s::ApplyOptions status_options = apply_options;
  status_options.status = true;
  k8s::DeleteOptions delete_options;
  delete_options.propagation_policy = "Background";
  if (outcome.finalizer != F::unchanged) {
    auto r = co_await write_finalizers(kind, *object, outcome.finalizer == F::add);
    if (!r || outcome.finalizer == F::remove) co_return r;
  }
  for (const auto& desired : outcome.apply) {
    const auto ref = child_ref(desired);
    metrics_.writes.with({ref.kind, "apply"}).inc();
    auto r = co_await client_.apply(child_resource_type(ref.kind), desired, apply_options);
    if (!r) co_return r.error();
  }
  for (const auto& ref : outcome.remove) {
    metrics_.writes.with({ref.kind, "delete"}).inc();
    auto r = co_await client_.remove(child_resource_type(ref.kind), ref.namespace_, ref.name, delete_options);
    if (!r && k8s::status_reason(r.error()) != k8s::StatusReason::not_found) co_return r.error();
  }
  if (outcome.status) {
    json::object status_object{
        {"apiVersion", kApiVersion},
        {"kind", kind},
        {"metadata", json::object{{"name", meta(*object, "name")}, {"namespace", meta(*object, "namespace")}}},
        {"status", *outcome.status}};
    metrics_.writes.with({std::string(kind), "apply-status"}).inc();
    auto r = co_await client_.apply(kaos_resource_type(kind), status_object, status_options);
    if (!r) co_return r.error();
  }
  if (gateway_missing_ && warned_gateway_.insert(std::string(kind) + "/" + key).second) {
    std::vector<EventNote> warning{
        {"Warning", "GatewayAPINotInstalled",
         "GATEWAY_API_ENABLED is true but the Gateway API (gateway.networking.k8s.io/v1 HTTPRoute) is not installed "
         "on this cluster: no HTTPRoute is created. Install the Gateway API CRDs and restart the operator."}};
    co_await record_events(*object, warning);
  }
  co_await record_events(*object, outcome.events);
  co_return Result<void>{};
}

// Events are for people: a failure to record one is logged, never retried.
net::Task<void> Controllers::record_events(const json::object& object, const std::vector<EventNote>& events) {
  for (const auto& note : events) {
    k8s::EventSpec spec{k8s::object_reference(object),
                        note.type,
                        note.reason,
                        "Reconcile",
                        note.message,
                        kControllerName,
                        options_.identity};
    auto event = k8s::render_event(spec, random_hex(16), iso8601_now());
    metrics_.writes.with({"Event", "create"}).inc();
    auto r = co_await client_.create(event_type(), event);
    if (!r) spdlog::debug("operator: event not recorded: {}", r.error().message);
  }
}

void Controllers::sample_metrics() {
  metrics_.queue_depth.with({}).set(static_cast<double>(queue_.queue().depth()));
  for (auto& w : watched_) {
    metrics_.cached_objects.with({w->kind}).set(static_cast<double>(w->informer->cache().size()));
    std::uint64_t resumes = 0;
    std::uint64_t relists = 0;
    for (const auto& lw : w->watchers) {
      const auto s = lw->stats();
      resumes += s.resumes;
      relists += s.relists;
    }
    metrics_.watch_restarts.with({w->kind, "resume"}).inc(resumes - w->reported_resumes);
    metrics_.watch_restarts.with({w->kind, "relist"}).inc(relists - w->reported_relists);
    w->reported_resumes = resumes;
    w->reported_relists = relists;
  }
}

}  // namespace kaos::control::operator_
