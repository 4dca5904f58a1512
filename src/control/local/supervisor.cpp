#include "control/local/supervisor.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fstream>
#include <set>

#include <fmt/ranges.h>

#include "control/local/supervisor_running.hpp"
#include "core/ids.hpp"

namespace kaos::local {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMaxEvents = 50;

// A plan's kind names are the resources' own ("Agent", "ModelAPI", "MCPServer").
bool is_resource_of(const api::Resource& r, const plan::WorkloadRef& ref) {
  const auto& m = api::resource_metadata(r);
  return api::resource_kind(r) == ref.kind && m.name == ref.name && m.namespace_ == ref.namespace_;
}

std::uint16_t free_port() {
  asio::io_context ioc;
  asio::ip::tcp::acceptor a(ioc, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

}  // namespace

Supervisor::Supervisor(net::Executor executor, SupervisorOptions options)
    : executor_(executor),
      options_(std::move(options)),
      secrets_(options_.state),
      http_(executor),
      changed_(std::make_shared<asio::steady_timer>(executor, Clock::time_point::max())) {}

Supervisor::~Supervisor() {
  for (auto& [id, r] : workloads_)
    if (r->proc) r->proc->kill(SIGKILL);
}

void Supervisor::notify() {
  auto old = std::exchange(changed_, std::make_shared<asio::steady_timer>(executor_, Clock::time_point::max()));
  old->cancel();
}

net::Task<void> Supervisor::wait_change() {
  auto t = changed_;
  co_await t->async_wait(asio::as_tuple(asio::use_awaitable));
}

void Supervisor::event(Running& r, std::string type, std::string message) {
  spdlog::info("{}: {} {}", r.w.ref.id(), type, message);
  r.events.push_back({iso8601_now(), std::move(type), std::move(message)});
  while (r.events.size() > kMaxEvents) r.events.pop_front();
}

void Supervisor::set_phase(Running& r, std::string phase, bool ready, std::string message) {
  if (r.phase == phase && r.ready == ready && r.message == message) return;
  r.phase = std::move(phase);
  r.ready = ready;
  r.message = std::move(message);
  notify();
}

bool Supervisor::current(const Running& r, std::uint64_t generation) const {
  auto it = workloads_.find(r.w.ref.id());
  return it != workloads_.end() && it->second.get() == &r && r.generation == generation;
}

std::uint16_t Supervisor::port_for(const std::string& id) {
  auto it = ports_.find(id);
  if (it != ports_.end()) return it->second;
  auto p = free_port();
  ports_[id] = p;
  return p;
}

ApplyResult Supervisor::apply(const std::vector<std::pair<std::string, std::string>>& sources, bool prune) {
  ApplyResult result;
  auto set = api::load_manifests(sources);
  for (const auto& e : set.entries)
    for (const auto& d : e.diagnostics.items())
      if (d.severity == api::Severity::Error) result.errors.push_back(e.format(d));
  if (!result.errors.empty()) return result;

  std::vector<api::Resource> next;
  auto key = [](const api::Resource& r) {
    const auto& m = api::resource_metadata(r);
    return std::string(api::resource_kind(r)) + "/" + m.namespace_ + "/" + m.name;
  };
  std::set<std::string> incoming;
  for (auto& e : set.entries)
    if (e.resource) {
      incoming.insert(key(*e.resource));
      next.push_back(*e.resource);
    }
  if (!prune)
    for (const auto& r : resources_)
      if (!incoming.count(key(r))) next.push_back(r);

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
    // Same plan, but the last start failed for a reason outside the plan (a secret missing
    // until `kaos secret set`, a program not installed), or a referenced secret's value
    // changed: restart it too. Without this, re-running `kaos up` after fixing the cause
    // left the workload Failed ("unchanged"), contrary to what the failure message advises.
    std::string why;
    if (it != workloads_.end() && it->second->w.fingerprint == w.fingerprint && it->second->w.failure == w.failure &&
        it->second->w.waiting == w.waiting) {
      const auto& cur = *it->second;
      if (cur.phase == "Failed" && !w.failure) {
        why = "retrying after the failure";
      } else if (cur.proc) {
        auto env = resolve_env(w, resources_, secrets_);
        if (!env || *env != cur.env) why = "a referenced secret or config value changed: restarting";
      }
      if (why.empty()) {
        it->second->spec = std::move(spec);
        result.actions.emplace_back(id, "unchanged");
        continue;
      }
    }
    bool existed = it != workloads_.end();
    std::shared_ptr<Running> r = existed ? it->second : std::make_shared<Running>();
    r->w = std::move(w);
    r->spec = std::move(spec);
    if (existed) event(*r, "Configured", why.empty() ? "the plan changed: restarting" : why);
    workloads_[id] = r;
    result.actions.emplace_back(id, existed ? "configured" : "created");
    start(id);
  }
  std::vector<std::string> gone;
  for (const auto& [id, r] : workloads_)
    if (!planned.count(id)) gone.push_back(id);
  for (const auto& id : gone) {
    stop(id, true);
    result.actions.emplace_back(id, "deleted");
  }
  notify();
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
  notify();
  return removed;
}

void Supervisor::start(const std::string& id) {
  auto r = workloads_.at(id);
  auto gen = ++r->generation;
  if (r->sleeper) r->sleeper->cancel();
  r->restarts = 0;
  // Leave no stale phase while the old process stops: a restarted workload kept "Ready"
  // (or "Failed") until manage() got past terminate(), so `kaos up` saw it settled at once.
  set_phase(*r, "Pending", false, r->proc ? "restarting" : "starting");
  asio::co_spawn(executor_, manage(r, gen), asio::detached);
}

void Supervisor::stop(const std::string& id, bool erase) {
  auto it = workloads_.find(id);
  if (it == workloads_.end()) return;
  auto r = it->second;
  ++r->generation;
  if (r->sleeper) r->sleeper->cancel();
  if (auto proc = std::exchange(r->proc, nullptr)) {
    event(*r, "Stopped", "");
    auto grace = options_.stop_grace;
    asio::co_spawn(
        executor_, [proc, grace]() -> net::Task<void> { co_await proc->terminate(grace); }, asio::detached);
  }
  if (erase) {
    workloads_.erase(it);
    ports_.erase(id);
  }
  notify();
}

net::Task<void> Supervisor::stop_all() {
  std::vector<std::shared_ptr<net::Process>> procs;
  for (auto& [id, r] : workloads_) {
    ++r->generation;
    if (r->sleeper) r->sleeper->cancel();
    if (r->proc) procs.push_back(std::exchange(r->proc, nullptr));
    set_phase(*r, "Pending", false, "stopped");
  }
  for (auto& p : procs) p->kill(SIGTERM);
  for (auto& p : procs) co_await p->terminate(options_.stop_grace);
  notify();
}

json::object Supervisor::status_json(const Running& r) const {
  json::object o;
  o["id"] = r.w.ref.id();
  o["kind"] = r.w.ref.kind;
  o["namespace"] = r.w.ref.namespace_;
  o["name"] = r.w.ref.name;
  o["role"] = r.w.role;
  o["phase"] = r.phase;
  o["ready"] = r.ready;
  o["endpoint"] = r.w.port ? fmt::format("http://127.0.0.1:{}", r.w.port) : std::string();
  o["message"] = r.message;
  o["pid"] = r.proc ? r.pid : 0;
  o["restarts"] = r.restarts;
  o["started_at"] = r.started_at;
  o["log"] = options_.state.log_file(r.w.ref.id());
  return o;
}

json::array Supervisor::status() const {
  std::vector<const Running*> all;
  for (const auto& [id, r] : workloads_) all.push_back(r.get());
  auto order = [](const std::string& kind) { return kind == "ModelAPI" ? 0 : kind == "MCPServer" ? 1 : 2; };
  std::sort(all.begin(), all.end(), [&](const Running* a, const Running* b) {
    auto ka = order(a->w.ref.kind), kb = order(b->w.ref.kind);
    if (ka != kb) return ka < kb;
    return a->w.ref.id() < b->w.ref.id();
  });
  json::array out;
  for (const auto* r : all) out.push_back(status_json(*r));
  return out;
}

std::optional<json::object> Supervisor::describe(const std::string& id) const {
  auto it = workloads_.find(id);
  if (it == workloads_.end()) return std::nullopt;
  const auto& r = *it->second;
  auto o = status_json(r);
  o["spec"] = r.spec;
  json::array cmd;
  for (const auto& a : r.w.command) cmd.push_back(json::value(a));
  o["command"] = std::move(cmd);
  json::array env;
  for (const auto& e : r.w.env) {
    json::object v;
    v["name"] = e.name;
    // Referenced values (secrets) are never shown; literal ones are part of the manifests.
    if (e.value_from) {
      const auto& src = *e.value_from;
      if (src.secret_key_ref)
        v["valueFrom"] = fmt::format("secret {}/{}", src.secret_key_ref->name, src.secret_key_ref->key);
      else if (src.config_map_key_ref)
        v["valueFrom"] = fmt::format("configmap {}/{}", src.config_map_key_ref->name, src.config_map_key_ref->key);
      else
        v["valueFrom"] = "field";
    } else {
      v["value"] = e.value;
    }
    env.push_back(std::move(v));
  }
  o["env"] = std::move(env);
  json::array deps;
  for (const auto& d : r.w.dependencies) deps.push_back(json::value(d.id()));
  o["dependencies"] = std::move(deps);
  o["fingerprint"] = r.w.fingerprint;
  json::array events;
  for (const auto& e : r.events) {
    json::object ev;
    ev["timestamp"] = e.timestamp;
    ev["type"] = e.type;
    ev["message"] = e.message;
    events.push_back(std::move(ev));
  }
  o["events"] = std::move(events);
  return o;
}

}  // namespace kaos::local
