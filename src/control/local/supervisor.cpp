// The set of workloads: apply (what changed restarts), remove, stop, and their status.
#include "control/local/supervisor.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <csignal>
#include <set>

#include "control/local/supervisor_state.hpp"
#include "core/ids.hpp"
#include "net/background.hpp"
#include "net/descriptors.hpp"

namespace kaos::local {

namespace asio = boost::asio;
using plan::Phase;

namespace {

constexpr std::size_t kMaxEvents = 50;

// A plan's kind names are the resources' own ("Agent", "ModelAPI", "MCPServer").
bool is_resource_of(const api::Resource& r, const plan::WorkloadRef& ref) {
  const auto& m = api::resource_metadata(r);
  return api::resource_kind(r) == ref.kind && m.name == ref.name && m.namespace_ == ref.namespace_;
}

std::string resource_key(const api::Resource& r) {
  const auto& m = api::resource_metadata(r);
  return std::string(api::resource_kind(r)) + "/" + m.namespace_ + "/" + m.name;
}

std::uint16_t free_port() {
  asio::io_context ioc;
  asio::ip::tcp::acceptor a(ioc);
  asio::ip::tcp::endpoint any(asio::ip::make_address("127.0.0.1"), 0);
  a.open(any.protocol());
  net::set_close_on_exec(a.native_handle());  // held only for a moment, but never by a child
  a.bind(any);
  return a.local_endpoint().port();
}

std::size_t kind_order(const std::string& kind) {
  const auto& kinds = plan::workload_kinds();
  return static_cast<std::size_t>(std::find(kinds.begin(), kinds.end(), kind) - kinds.begin());
}

}  // namespace

Supervisor::Supervisor(net::Executor executor, SupervisorOptions options)
    : executor_(executor),
      options_(std::move(options)),
      host_(options_.host ? options_.host : system_host(executor)),
      secrets_(options_.state),
      changes_(executor) {}

Supervisor::~Supervisor() {
  for (auto& [id, s] : workloads_)
    if (s->child) s->child->kill(SIGKILL);
}

void Supervisor::event(WorkloadState& s, std::string type, std::string message) {
  spdlog::info("{}: {} {}", s.w.ref.id(), type, message);
  s.events.push_back({iso8601_now(), std::move(type), std::move(message)});
  while (s.events.size() > kMaxEvents) s.events.pop_front();
}

void Supervisor::set_status(WorkloadState& s, Phase phase, bool ready, std::string message, std::string reason) {
  auto& st = s.status;
  if (st.phase == phase && st.ready == ready && st.message == message && st.reason == reason) return;
  st.phase = phase;
  st.ready = ready;
  st.message = std::move(message);
  st.reason = std::move(reason);
  refresh_memory_conditions();
  changes_.notify();
}

void Supervisor::refresh_memory_conditions() {
  for (auto& [id, s] : workloads_) {
    if (!s->w.memory) continue;
    std::optional<Phase> store_phase;
    if (!s->w.memory->store.empty()) {
      auto it = workloads_.find(plan::WorkloadRef{"MemoryStore", s->w.ref.namespace_, s->w.memory->store}.id());
      if (it != workloads_.end()) store_phase = it->second->status.phase;
    }
    auto next = plan::memory_degraded_condition(s->w, store_phase);
    auto& cur = s->memory_condition;
    if (cur && next && cur->status == next->status && cur->reason == next->reason && cur->message == next->message)
      continue;
    if (next) next->last_transition_time = iso8601_now();
    cur = std::move(next);
    changes_.notify();
  }
}

std::uint16_t Supervisor::port_for(const std::string& id) {
  auto it = ports_.find(id);
  if (it != ports_.end()) return it->second;
  // The port is free now, but a workload still Waiting holds its number unbound, so the
  // kernel may offer it again: never hand out a number another workload was given.
  std::set<std::uint16_t> taken;
  for (const auto& [other, port] : ports_) taken.insert(port);
  auto p = free_port();
  while (taken.count(p)) p = free_port();
  ports_[id] = p;
  return p;
}

// Why a workload whose plan did not change must restart anyway; empty when it need not.
// The last start failed for a reason outside the plan (a secret missing until `kaos secret
// set`, a program not installed), or a referenced secret's value changed. Without this,
// re-running `kaos up` after fixing the cause left the workload Failed ("unchanged"), contrary
// to what the failure message advises.
std::string Supervisor::why_restart(const WorkloadState& current, const plan::Workload& next) const {
  if (current.status.phase == Phase::Failed && !next.failure) return "retrying after the failure";
  if (current.child) {
    auto env = resolve_env(next, resources_, secrets_);
    if (!env || *env != current.env) return "a referenced secret or config value changed: restarting";
  }
  return {};
}

ApplyResult Supervisor::apply(const std::vector<std::pair<std::string, std::string>>& sources, bool prune) {
  ApplyResult result;
  auto set = api::load_manifests(sources);
  for (const auto& e : set.entries)
    for (const auto& d : e.diagnostics.items())
      if (d.severity == api::Severity::Error) result.errors.push_back(e.format(d));
  if (!result.errors.empty()) return result;

  std::vector<api::Resource> next;
  std::set<std::string> incoming;
  for (auto& e : set.entries)
    if (e.resource) {
      incoming.insert(resource_key(*e.resource));
      next.push_back(*e.resource);
    }
  if (!prune)
    for (const auto& r : resources_)
      if (!incoming.count(resource_key(r))) next.push_back(r);

  plan::Addressing addressing;
  addressing.endpoint = [this](const plan::WorkloadRef& ref) {
    return fmt::format("http://127.0.0.1:{}", port_for(ref.id()));
  };
  addressing.listen_port = [this](const plan::WorkloadRef& ref) { return port_for(ref.id()); };
  plan::PlanOptions po;
  po.bind_host = options_.bind_host;
  auto plan = plan::plan_resources(next, addressing, po);
  for (const auto& id : plan::dependency_cycles(plan)) result.errors.push_back(id + ": its dependencies form a cycle");
  if (!result.errors.empty()) return result;

  resources_ = std::move(next);
  std::set<std::string> planned;
  for (auto& w : plan.workloads) {
    auto id = w.ref.id();
    planned.insert(id);
    json::value spec;
    for (const auto& r : resources_)
      if (is_resource_of(r, w.ref)) spec = api::to_json(r);
    auto it = workloads_.find(id);
    std::string why;
    if (it != workloads_.end() && it->second->w.fingerprint == w.fingerprint && it->second->w.failure == w.failure &&
        it->second->w.waiting == w.waiting) {
      why = why_restart(*it->second, w);
      if (why.empty()) {
        it->second->spec = std::move(spec);
        result.actions.emplace_back(id, "unchanged");
        continue;
      }
    }
    bool existed = it != workloads_.end();
    auto s = existed ? it->second : std::make_shared<WorkloadState>(executor_);
    s->w = std::move(w);
    s->spec = std::move(spec);
    s->status.endpoint = s->w.port ? fmt::format("http://127.0.0.1:{}", s->w.port) : std::string();
    if (existed) event(*s, "Configured", why.empty() ? "the plan changed: restarting" : why);
    workloads_[id] = s;
    result.actions.emplace_back(id, existed ? "configured" : "created");
    start(id);
  }
  std::vector<std::string> gone;
  for (const auto& [id, s] : workloads_)
    if (!planned.count(id)) gone.push_back(id);
  for (const auto& id : gone) {
    stop(id, true);
    result.actions.emplace_back(id, "deleted");
  }
  refresh_memory_conditions();
  changes_.notify();
  return result;
}

std::vector<std::string> Supervisor::remove(const std::vector<plan::WorkloadRef>& refs) {
  std::vector<std::string> removed;
  for (const auto& ref : refs) {
    auto id = ref.id();
    if (!workloads_.count(id)) continue;
    stop(id, true);
    std::erase_if(resources_, [&](const api::Resource& r) { return is_resource_of(r, ref); });
    removed.push_back(id);
  }
  refresh_memory_conditions();
  changes_.notify();
  return removed;
}

// Supersedes the current run: it ends at its next check (and at once if it is pausing).
void Supervisor::interrupt(WorkloadState& s) {
  ++s.generation;
  s.interrupted.notify();
}

void Supervisor::start(const std::string& id) {
  auto s = workloads_.at(id);
  interrupt(*s);
  s->status.restarts = 0;
  // Leave no stale phase while the old process stops: a restarted workload kept "Ready"
  // (or "Failed") until the run got past terminate(), so `kaos up` saw it settled at once.
  set_status(*s, Phase::Pending, false, s->child ? "restarting" : "starting");
  RunContext ctx{s, s->generation, id, options_.state.log_file(id), options_.state.files_dir(id)};
  net::spawn_background(executor_, run(std::move(ctx)), "local: running " + id);
}

void Supervisor::stop(const std::string& id, bool erase) {
  auto it = workloads_.find(id);
  if (it == workloads_.end()) return;
  auto s = it->second;
  interrupt(*s);
  if (auto child = std::exchange(s->child, nullptr)) {
    event(*s, "Stopped", "");
    auto grace = options_.stop_grace;
    net::spawn_background(
        executor_,
        [](std::shared_ptr<ChildProcess> c, std::chrono::milliseconds g) -> net::Task<void> {
          co_await c->terminate(g);
        }(std::move(child), grace),
        "local: stopping " + id);
  }
  if (erase) {
    workloads_.erase(it);
    ports_.erase(id);
  }
  changes_.notify();
}

net::Task<void> Supervisor::stop_all() {
  std::vector<std::shared_ptr<ChildProcess>> children;
  for (auto& [id, s] : workloads_) {
    interrupt(*s);
    if (s->child) children.push_back(std::exchange(s->child, nullptr));
    set_status(*s, Phase::Pending, false, "stopped");
  }
  for (auto& c : children) c->kill(SIGTERM);
  for (auto& c : children) co_await c->terminate(options_.stop_grace);
  changes_.notify();
}

WorkloadReport Supervisor::report(const WorkloadState& s) const {
  WorkloadReport r;
  r.ref = s.w.ref;
  r.role = s.w.role;
  r.status = s.status;
  if (s.memory_condition) r.status.conditions.push_back(*s.memory_condition);
  r.pid = s.child ? s.pid : 0;
  r.started_at = s.started_at;
  r.log_file = options_.state.log_file(s.w.ref.id());
  return r;
}

std::vector<WorkloadReport> Supervisor::status() const {
  std::vector<const WorkloadState*> all;
  for (const auto& [id, s] : workloads_) all.push_back(s.get());
  std::sort(all.begin(), all.end(), [](const WorkloadState* a, const WorkloadState* b) {
    auto ka = kind_order(a->w.ref.kind), kb = kind_order(b->w.ref.kind);
    if (ka != kb) return ka < kb;
    return a->w.ref.id() < b->w.ref.id();
  });
  std::vector<WorkloadReport> out;
  out.reserve(all.size());
  for (const auto* s : all) out.push_back(report(*s));
  return out;
}

std::optional<WorkloadDescription> Supervisor::describe(const std::string& id) const {
  auto it = workloads_.find(id);
  if (it == workloads_.end()) return std::nullopt;
  const auto& s = *it->second;
  return WorkloadDescription{report(s), s.spec, s.w, {s.events.begin(), s.events.end()}};
}

}  // namespace kaos::local
