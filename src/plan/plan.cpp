// plan_resources: index the set, plan each workload, order and fingerprint them.
#include "plan/plan.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "api/kinds.hpp"
#include "plan/internal.hpp"

namespace kaos::plan {

const std::vector<std::string_view>& workload_kinds() {
  static const std::vector<std::string_view> kinds{"ModelAPI", "MCPServer",   "MemoryStore",
                                                   "Agent",    "AccessGrant", "ThirdPartyService"};
  return kinds;
}

bool is_workload_kind(std::string_view kind) {
  const auto& kinds = workload_kinds();
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

std::optional<WorkloadStatus> Workload::implied_status() const {
  if (!failure && !waiting) return std::nullopt;
  WorkloadStatus s;
  s.phase = failure ? Phase::Failed : Phase::Waiting;
  s.message = failure ? *failure : *waiting;
  // The plan waits only on resources or Secrets missing from the set.
  s.reason = failure ? failure_reason : std::string(kReasonDependencyNotFound);
  return s;
}

std::string WorkloadRef::id() const {
  std::string k = kind;
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return k + "/" + namespace_ + "/" + name;
}

bool EnvVarPlan::operator==(const EnvVarPlan& o) const {
  if (name != o.name || value != o.value || value_from.has_value() != o.value_from.has_value()) return false;
  return !value_from || api::write_value(*value_from) == api::write_value(*o.value_from);
}

ContainerCommand container_command(const Workload& w, std::string_view files_dir) {
  auto substitute = [files_dir](std::string arg) {
    for (auto at = arg.find(kFilesPlaceholder); at != std::string::npos;
         at = arg.find(kFilesPlaceholder, at + files_dir.size()))
      arg.replace(at, kFilesPlaceholder.size(), files_dir);
    return arg;
  };
  ContainerCommand out;
  if (w.command.empty()) {
    for (const auto& a : w.entrypoint_args) out.args.push_back(substitute(a));
  } else if (w.command.front() == kKaosProgram) {
    out.command.emplace_back(kKaosProgram);
    for (auto it = w.command.begin() + 1; it != w.command.end(); ++it) out.args.push_back(substitute(*it));
  } else {
    for (const auto& a : w.command) out.command.push_back(substitute(a));
  }
  return out;
}

const Workload* Plan::find(const std::string& id) const {
  for (const auto& w : workloads)
    if (w.ref.id() == id) return &w;
  return nullptr;
}

namespace detail {

SetIndex::SetIndex(const std::vector<api::Resource>& resources) {
  for (const auto& r : resources) {
    const auto& meta = api::resource_metadata(r);
    Key key{meta.namespace_, meta.name};
    if (const auto* m = std::get_if<api::ModelAPI>(&r)) {
      modelapis[key] = m;
    } else if (const auto* s = std::get_if<api::MCPServer>(&r)) {
      mcpservers[key] = s;
    } else if (const auto* a = std::get_if<api::Agent>(&r)) {
      agents[key] = a;
    } else if (const auto* ms = std::get_if<api::MemoryStore>(&r)) {
      memorystores[key] = ms;
    } else if (const auto* g = std::get_if<api::GenericObject>(&r)) {
      if (g->kind == "Secret") secrets[key] = g;
      if (api::is_unmodelled_kaos_kind(g->kind) && g->api_version == api::kApiVersion)
        unmodelled[{g->kind, meta.namespace_, meta.name}] = g;
    }
  }
}

namespace {

// Length-prefixed fields, so ("ab","c") and ("a","bc") hash differently.
class Hasher {
 public:
  void add(std::string_view s) {
    word(s.size());
    for (unsigned char c : s) byte(c);
  }
  void word(std::uint64_t n) {
    for (int i = 0; i < 8; ++i) byte(static_cast<unsigned char>(n >> (8 * i)));
  }
  std::string hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h_));
    return buf;
  }

 private:
  void byte(unsigned char c) {
    h_ ^= c;
    h_ *= 0x100000001b3ULL;
  }
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace

std::string fingerprint(const Workload& w) {
  // Deliberately absent: dependencies and wait_for_dependencies (a dependency's readiness must
  // not restart a running workload), image (informational locally; the operator hashes the
  // rendered pod spec itself), probes, failure and waiting (status, not process).
  Hasher h;
  h.add("role");
  h.add(w.role);
  h.add("command");
  h.word(w.command.size());
  for (const auto& a : w.command) h.add(a);
  if (!w.entrypoint_args.empty()) {  // only then: earlier fingerprints stay what they were
    h.add("entrypoint_args");
    h.word(w.entrypoint_args.size());
    for (const auto& a : w.entrypoint_args) h.add(a);
  }
  h.add("env");
  h.word(w.env.size());
  for (const auto& e : w.env) {
    h.add(e.name);
    h.add(e.value);
    // The reference itself (not what it resolves to): the substrate resolves it at start.
    h.add(e.value_from ? kaos::to_json(api::write_value(*e.value_from)) : std::string());
  }
  h.add("files");
  h.word(w.files.size());
  for (const auto& [name, content] : w.files) {
    h.add(name);
    h.add(content);
  }
  h.add("port");
  h.word(w.port);
  h.add("post_start");
  h.word(w.post_start.size());
  for (const auto& cmd : w.post_start) {
    h.word(cmd.size());
    for (const auto& a : cmd) h.add(a);
  }
  return h.hex();
}

}  // namespace detail

Plan plan_resources(const std::vector<api::Resource>& resources, const Addressing& addressing,
                    const PlanOptions& options) {
  detail::SetIndex index(resources);
  Plan plan;
  // The index maps are ordered by (namespace, name): the documented order falls out of them.
  for (const auto& [key, m] : index.modelapis)
    plan.workloads.push_back(detail::plan_modelapi(*m, index, addressing, options));
  for (const auto& [key, s] : index.mcpservers)
    plan.workloads.push_back(detail::plan_mcpserver(*s, addressing, options));
  for (const auto& [key, m] : index.memorystores) plan.workloads.push_back(detail::plan_memorystore(*m, options));
  for (const auto& [key, a] : index.agents)
    plan.workloads.push_back(detail::plan_agent(*a, index, addressing, options));
  for (const auto& [key, g] : index.unmodelled) plan.workloads.push_back(detail::plan_unmodelled(*g));
  for (auto& w : plan.workloads) {
    // A workload that cannot run has no process to describe, hence no waiting on top.
    if (w.failure) w.waiting.reset();
    w.fingerprint = detail::fingerprint(w);
  }
  return plan;
}

std::vector<std::string> dependency_cycles(const Plan& plan) {
  std::map<std::string, const Workload*> by_id;
  for (const auto& w : plan.workloads) by_id[w.ref.id()] = &w;
  enum class Mark { none, active, done };
  std::map<std::string, Mark> mark;
  std::set<std::string> in_cycle;
  std::vector<std::string> stack;

  // Depth-first search; a dependency found on the active stack closes a cycle made of the
  // stack's tail from that dependency on.
  auto visit = [&](auto&& self, const std::string& id) -> void {
    mark[id] = Mark::active;
    stack.push_back(id);
    if (auto it = by_id.find(id); it != by_id.end()) {
      for (const auto& dep : it->second->dependencies) {
        const std::string dep_id = dep.id();
        if (!by_id.contains(dep_id)) continue;  // not in the plan: a Waiting matter, not a cycle
        if (mark[dep_id] == Mark::active) {
          auto from = std::find(stack.begin(), stack.end(), dep_id);
          in_cycle.insert(from, stack.end());
        } else if (mark[dep_id] == Mark::none) {
          self(self, dep_id);
        }
      }
    }
    stack.pop_back();
    mark[id] = Mark::done;
  };
  for (const auto& [id, w] : by_id)
    if (mark[id] == Mark::none) visit(visit, id);
  return {in_cycle.begin(), in_cycle.end()};
}

}  // namespace kaos::plan

namespace kaos::plan {

std::optional<DependencyBlocker> first_unready_dependency(const Workload& w, const DependencyStatus& status_of) {
  if (!w.wait_for_dependencies) return std::nullopt;
  for (const auto& dep : w.dependencies) {
    auto status = status_of(dep);
    if (!status)
      return DependencyBlocker{dep.kind + " " + dep.name + " not found", std::string(kReasonDependencyNotFound)};
    if (status->ready) continue;
    if (status->phase == Phase::Failed)
      return DependencyBlocker{dep.kind + " " + dep.name + " failed", std::string(kReasonDependencyFailed)};
    return DependencyBlocker{dep.kind + " " + dep.name + " is not ready", std::string(kReasonDependencyNotReady)};
  }
  return std::nullopt;
}

}  // namespace kaos::plan
