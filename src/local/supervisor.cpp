#include "local/supervisor.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fstream>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/ranges.h>

#include "core/ids.hpp"

namespace kaos::local {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct Supervisor::Running {
  plan::Workload w;
  json::value spec;
  std::string phase = "Pending";
  bool ready = false;
  std::string message;
  int restarts = 0;
  int pid = 0;
  std::string started_at;
  std::uint64_t generation = 0;
  std::shared_ptr<net::Process> proc;
  std::deque<WorkloadEvent> events;
  std::shared_ptr<asio::steady_timer> sleeper;
  /// The resolved env of the running process: a re-apply compares it, so a changed secret
  /// value (`kaos secret set`, a new Secret document) restarts the workload like a plan change.
  std::map<std::string, std::string> env;
};

namespace {

constexpr std::size_t kMaxEvents = 50;
constexpr auto kFastPoll = std::chrono::milliseconds(50);
constexpr auto kExitPoll = std::chrono::milliseconds(250);

// What a child inherits from the supervisor's environment: what programs need to run (PATH,
// locale, home, proxies, certificates), nothing that could leak configuration between
// workloads — each one's contract comes from its plan alone, as in a pod.
bool inherited(std::string_view name) {
  static constexpr std::string_view kNames[] = {"PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TMPDIR", "TERM",
                                                "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTP_PROXY", "HTTPS_PROXY",
                                                "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
                                                "KAOS_PYTHON_WORKER", "KAOS_STATE_DIR"};
  for (auto n : kNames)
    if (name == n) return true;
  return name.starts_with("LC_") || name.starts_with("XDG_");
}

std::string kind_word(const plan::WorkloadRef& ref) {
  std::string k = ref.kind;
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  return k;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) s.replace(pos, from.size(), to);
  return s;
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
  for (const auto& id : plan::dependency_cycles(plan))
    result.errors.push_back(id + ": its dependencies form a cycle");
  if (!result.errors.empty()) return result;

  resources_ = std::move(next);
  std::set<std::string> planned;
  for (auto& w : plan.workloads) {
    auto id = w.ref.id();
    planned.insert(id);
    json::value spec;
    for (const auto& r : resources_) {
      const auto& m = api::resource_metadata(r);
      if (kind_word(w.ref) == kind_word({std::string(api::resource_kind(r)), "", ""}) && m.name == w.ref.name &&
          m.namespace_ == w.ref.namespace_)
        spec = api::to_json(r);
    }
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
    std::erase_if(resources_, [&](const api::Resource& r) {
      const auto& m = api::resource_metadata(r);
      return kind_word({std::string(api::resource_kind(r)), "", ""}) == kind_word(ref) && m.name == ref.name &&
             m.namespace_ == ref.namespace_;
    });
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

net::Task<bool> Supervisor::dependencies_ready(Running& r, std::uint64_t generation) {
  for (;;) {
    if (!current(r, generation)) co_return false;
    std::string waiting;
    for (const auto& dep : r.w.dependencies) {
      auto it = workloads_.find(dep.id());
      if (it == workloads_.end()) {
        waiting = fmt::format("{} {} not found", dep.kind, dep.name);
        break;
      }
      if (!it->second->ready) {
        // "failed" (not "is not ready") when the dependency is Failed: `kaos up` treats that
        // as settled instead of waiting out its whole --timeout for something that cannot come.
        waiting = it->second->phase == "Failed" ? fmt::format("{} {} failed", dep.kind, dep.name)
                                                : fmt::format("{} {} is not ready", dep.kind, dep.name);
        break;
      }
    }
    if (waiting.empty()) co_return true;
    set_phase(r, "Waiting", false, waiting);
    co_await wait_change();
  }
}

net::Task<bool> Supervisor::probe(const plan::ProbePlan& p, std::uint16_t port) {
  using namespace asio::experimental::awaitable_operators;
  auto timeout = std::chrono::seconds(std::max(1, p.timeout_seconds));
  if (p.type == plan::ProbePlan::Type::http) {
    net::ClientRequest req;
    req.url = fmt::format("http://127.0.0.1:{}{}", port, p.path.empty() ? "/" : p.path);
    req.timeout = timeout;
    auto res = co_await http_.send(std::move(req));
    co_return res && res->status >= 200 && res->status < 400;
  }
  asio::ip::tcp::socket sock(executor_);
  asio::steady_timer timer(executor_, timeout);
  asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  auto outcome = co_await (sock.async_connect(ep, asio::as_tuple(asio::use_awaitable)) ||
                           timer.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (outcome.index() != 0) co_return false;
  auto [ec] = std::get<0>(outcome);
  co_return !ec;
}

net::Task<void> Supervisor::pump_stdout(std::shared_ptr<Running> r, std::shared_ptr<net::Process> proc) {
  std::ofstream log(options_.state.log_file(r->w.ref.id()), std::ios::app);
  for (;;) {
    auto line = co_await proc->read_line();
    if (!line || !*line) break;
    log << **line << '\n';
    log.flush();
  }
}

net::Task<void> Supervisor::manage(std::shared_ptr<Running> r, std::uint64_t generation) {
  auto& w = r->w;
  const auto id = w.ref.id();
  // A restart after a plan change: the old process must be gone before the new one takes
  // its port.
  if (auto old = std::exchange(r->proc, nullptr)) co_await old->terminate(options_.stop_grace);
  if (!current(*r, generation)) co_return;
  if (w.failure) {
    event(*r, "Failed", *w.failure);
    set_phase(*r, "Failed", false, *w.failure);
    co_return;
  }
  if (w.waiting) {
    set_phase(*r, "Waiting", false, *w.waiting);
    co_return;
  }
  r->sleeper = std::make_shared<asio::steady_timer>(executor_);
  auto sleep = [r](std::chrono::milliseconds d) -> net::Task<void> {
    auto s = r->sleeper;
    s->expires_after(d);
    co_await s->async_wait(asio::as_tuple(asio::use_awaitable));
  };

  for (;;) {
    if (!current(*r, generation)) co_return;
    if (w.wait_for_dependencies && !w.dependencies.empty()) {
      if (!co_await dependencies_ready(*r, generation)) co_return;
    }
    // Files the workload reads, then its argv with {files} and "kaos" substituted.
    const auto files_dir = options_.state.files_dir(id);
    if (!w.files.empty()) {
      ::mkdir(files_dir.c_str(), 0700);
      for (const auto& [name, content] : w.files) {
        if (auto ok = write_file_atomic(files_dir + "/" + name, content, 0600); !ok) {
          set_phase(*r, "Failed", false, ok.error().message);
          co_return;
        }
      }
    }
    auto argv_of = [&](const std::vector<std::string>& cmd) {
      std::vector<std::string> argv;
      for (const auto& a : cmd) argv.push_back(replace_all(a, "{files}", files_dir));
      if (!argv.empty() && argv[0] == "kaos") argv[0] = options_.kaos_binary;
      return argv;
    };
    auto env = resolve_env(w, resources_, secrets_);
    if (!env) {
      event(*r, "Failed", env.error().message);
      set_phase(*r, "Failed", false, env.error().message);
      co_return;
    }
    net::ProcessOptions po;
    po.argv = argv_of(w.command);
    for (char** e = environ; *e; ++e) {
      std::string_view kv(*e);
      auto eq = kv.find('=');
      if (eq != std::string_view::npos && inherited(kv.substr(0, eq)))
        po.env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    }
    for (auto& [k, v] : *env) po.env[k] = v;
    r->env = std::move(*env);
    po.inherit_env = false;
    po.pipe_stdin = false;
    po.pipe_stdout = true;
    po.stderr_mode = options_.state.log_file(id);
    po.new_process_group = true;
    po.die_with_parent = true;
    auto spawned = net::Process::spawn(executor_, std::move(po));
    if (!spawned) {
      auto message = spawned.error().message;
      if (w.role == "ollama")
        message = "Hosted ModelAPIs run Ollama on this machine, and `ollama` is not installed (" + message +
                  "): install it from https://ollama.com, or use mode: Proxy with proxyConfig.apiBase pointing at an "
                  "OpenAI-compatible server";
      event(*r, "Failed", message);
      set_phase(*r, "Failed", false, message);
      co_return;
    }
    std::shared_ptr<net::Process> proc(std::move(*spawned));
    r->proc = proc;
    r->pid = proc->pid();
    r->started_at = iso8601_now();
    event(*r, "Started", fmt::format("pid {}", r->pid));
    set_phase(*r, "Pending", false, r->restarts ? fmt::format("restarted ({}), waiting for readiness", r->restarts)
                                                : std::string("started, waiting for readiness"));
    asio::co_spawn(executor_, pump_stdout(r, proc), asio::detached);

    // Readiness: fast polls until the first success (and the post-start steps), then the
    // probe period; the exit check runs between probes.
    bool was_ready = false;
    auto next_probe = Clock::now();
    std::optional<net::ExitStatus> exit;
    while (!(exit = proc->try_wait())) {
      if (!current(*r, generation)) co_return;
      if (Clock::now() >= next_probe) {
        bool ok = co_await probe(w.readiness, w.port);
        if (!current(*r, generation)) co_return;
        if (ok && !was_ready) {
          for (const auto& cmd : w.post_start) {
            set_phase(*r, "Pending", false, "post-start: " + fmt::format("{}", fmt::join(cmd, " ")));
            net::ProcessOptions ps;
            ps.argv = argv_of(cmd);
            ps.pipe_stdin = false;
            ps.pipe_stdout = false;
            ps.stderr_mode = options_.state.log_file(id);
            auto step = net::Process::spawn(executor_, std::move(ps));
            if (!step) {
              set_phase(*r, "Failed", false, "post-start failed: " + step.error().message);
              co_return;
            }
            auto st = co_await (*step)->wait();
            if (st.code != 0) {
              set_phase(*r, "Failed", false, "post-start step failed: " + st.describe());
              co_return;
            }
          }
          was_ready = true;
          event(*r, "Ready", "");
        } else if (!ok && was_ready) {
          event(*r, "NotReady", "readiness probe failed");
        }
        if (ok) {
          set_phase(*r, "Ready", true, fmt::format("ready on port {}", w.port));
        } else if (was_ready) {
          set_phase(*r, "Pending", false, "readiness probe failing");
        }
        next_probe = Clock::now() + (was_ready ? std::chrono::seconds(std::max(1, w.readiness.period_seconds))
                                               : std::chrono::duration_cast<Clock::duration>(kFastPoll));
      }
      co_await sleep(was_ready ? kExitPoll : kFastPoll);
    }
    r->proc.reset();
    if (!current(*r, generation)) co_return;
    ++r->restarts;
    auto backoff = std::chrono::seconds(std::min(30, 1 << std::min(r->restarts - 1, 5)));
    auto what = exit->describe();
    event(*r, "Exited", what);
    set_phase(*r, "Pending", false,
              fmt::format("{}; restarting in {} s (restart {}, log {})", what, backoff.count(), r->restarts,
                          options_.state.log_file(id)));
    co_await sleep(std::chrono::duration_cast<std::chrono::milliseconds>(backoff));
    if (!current(*r, generation)) co_return;
    event(*r, "Restarting", "");
  }
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
