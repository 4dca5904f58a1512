#include "worker_cgroups.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace kaos::mcp::python_worker {
namespace {

// Our own cgroup's directory in one hierarchy.
struct Hierarchy {
  std::string controller;  // "memory", "pids" (v1) or "" (v2)
  std::string dir;
};

struct Mount {
  std::string point;
  std::string root;
};

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, sep);) out.push_back(part);
  return out;
}

bool has_word(const std::string& list, const std::string& word, char sep) {
  for (const auto& w : split(list, sep)) {
    if (w == word) return true;
  }
  return false;
}

// cgroup mounts from mountinfo: "id parent maj:min root point opts [tags] - fstype source superopts".
void read_mounts(Mount& v2, Mount& memory, Mount& pids) {
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    auto f = split(line, ' ');
    std::size_t dash = 0;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (f.size() < 5 || dash + 3 >= f.size()) continue;
    Mount m{f[4], f[3]};
    const std::string& type = f[dash + 1];
    if (type == "cgroup2" && v2.point.empty()) v2 = m;
    if (type != "cgroup") continue;
    if (has_word(f[dash + 3], "memory", ',') && memory.point.empty()) memory = m;
    if (has_word(f[dash + 3], "pids", ',') && pids.point.empty()) pids = m;
  }
}

std::string join_path(const Mount& m, const std::string& path) {
  std::string rel = path;
  if (m.root != "/" && rel.rfind(m.root, 0) == 0) rel = rel.substr(m.root.size());
  if (rel == "/") rel.clear();
  return m.point + rel;
}

// v2 first (when mounted), then the v1 memory and pids hierarchies we belong to.
std::vector<Hierarchy> own_hierarchies() {
  Mount v2, memory, pids;
  read_mounts(v2, memory, pids);
  std::vector<Hierarchy> out;
  std::ifstream in("/proc/self/cgroup");
  std::vector<Hierarchy> v1;
  for (std::string line; std::getline(in, line);) {
    auto first = line.find(':');
    auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    std::string ctrls = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    if (ctrls.empty() && !v2.point.empty()) out.insert(out.begin(), {"", join_path(v2, path)});
    if (has_word(ctrls, "memory", ',') && !memory.point.empty()) v1.push_back({"memory", join_path(memory, path)});
    if (has_word(ctrls, "pids", ',') && !pids.point.empty()) v1.push_back({"pids", join_path(pids, path)});
  }
  out.insert(out.end(), v1.begin(), v1.end());
  return out;
}

std::string write_file(const std::string& path, const std::string& value) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return path + ": " + std::strerror(errno);
  ssize_t n = write(fd, value.data(), value.size());
  int err = errno;
  close(fd);
  if (n != static_cast<ssize_t>(value.size())) return path + ": " + std::strerror(err);
  return {};
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// "/kaos-python-<pid>", the path of a worker's cgroup below ours. Built by appending: GCC 12
// reports a false -Wrestrict for `"literal" + std::string`.
std::string cgroup_leaf(pid_t pid) {
  std::string leaf = "/";
  leaf += kWorkerCgroupPrefix;
  leaf += std::to_string(pid);
  return leaf;
}

// Creates the dirs and writes the limits; on failure removes what it made.
WorkerCgroup make(std::string version, const std::vector<std::pair<std::string, std::string>>& dirs_and_limits,
                  std::string& why_not) {
  WorkerCgroup cg;
  for (const auto& [dir, _] : dirs_and_limits) {
    if (std::find(cg.dirs.begin(), cg.dirs.end(), dir) != cg.dirs.end()) continue;
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      why_not = "cannot create " + dir + ": " + std::strerror(errno);
      remove_worker_cgroup(cg);
      return {};
    }
    cg.dirs.push_back(dir);
  }
  for (const auto& [dir, limit] : dirs_and_limits) {
    auto eq = limit.find('=');
    if (auto err = write_file(dir + "/" + limit.substr(0, eq), limit.substr(eq + 1)); !err.empty()) {
      why_not = "cannot set a limit: " + err;
      remove_worker_cgroup(cg);
      return {};
    }
  }
  cg.version = std::move(version);
  return cg;
}

// A worker that has exited but not been reaped (its server died, and the reaper has not come
// round yet) is a zombie: kill(pid, 0) still succeeds, but its cgroup is free to go.
bool process_lives(pid_t pid) {
  if (kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  if (stat.empty() || close == std::string::npos) return false;
  return close + 2 >= stat.size() || stat[close + 2] != 'Z';
}

}  // namespace

WorkerCgroup create_worker_cgroup(pid_t name_pid, std::uint64_t memory_mb, std::uint64_t max_processes,
                                  std::string& why_not) {
  const std::string bytes = std::to_string(memory_mb * 1024 * 1024);
  const std::string procs = std::to_string(max_processes);
  const std::string name = cgroup_leaf(name_pid);
  std::string memory_dir, pids_dir;
  for (const auto& h : own_hierarchies()) {
    if (h.controller.empty()) {
      auto enabled = read_file(h.dir + "/cgroup.subtree_control");
      if (has_word(enabled.substr(0, enabled.find('\n')), "memory", ' ') &&
          has_word(enabled.substr(0, enabled.find('\n')), "pids", ' ')) {
        return make("v2", {{h.dir + name, "memory.max=" + bytes}, {h.dir + name, "pids.max=" + procs}}, why_not);
      }
    } else if (h.controller == "memory" && memory_dir.empty()) {
      memory_dir = h.dir + name;
    } else if (h.controller == "pids" && pids_dir.empty()) {
      pids_dir = h.dir + name;
    }
  }
  if (memory_dir.empty() || pids_dir.empty()) {
    why_not =
        "no cgroup with the memory and pids controllers is available to us (cgroup v2 needs both delegated "
        "in our cgroup's cgroup.subtree_control; cgroup v1 needs both hierarchies mounted)";
    return {};
  }
  auto cg = make("v1", {{memory_dir, "memory.limit_in_bytes=" + bytes}, {pids_dir, "pids.max=" + procs}}, why_not);
  if (!cg.version.empty()) write_file(memory_dir + "/memory.memsw.limit_in_bytes", bytes);  // only with swap accounting
  return cg;
}

std::string join_worker_cgroup(const WorkerCgroup& cgroup, pid_t pid) {
  for (const auto& dir : cgroup.dirs) {
    if (auto err = write_file(dir + "/cgroup.procs", std::to_string(pid)); !err.empty()) return err;
  }
  return {};
}

void kill_worker_cgroup_members(const WorkerCgroup& cgroup, pid_t self) {
  // A member may fork while we kill; pids.max bounds how many rounds that can take.
  for (int round = 0; round < 1000; ++round) {
    std::stringstream members(read_file(cgroup.procs_file()));
    bool any = false;
    for (pid_t pid; members >> pid;) {
      if (pid == self) continue;
      any = true;
      kill(pid, SIGKILL);
    }
    if (!any) return;
    std::this_thread::yield();
  }
}

bool remove_worker_cgroup(const WorkerCgroup& cgroup) {
  bool all = true;
  for (const auto& dir : cgroup.dirs) {
    if (rmdir(dir.c_str()) != 0 && errno != ENOENT) all = false;
  }
  return all;
}

bool remove_worker_cgroups(pid_t worker_pid, std::chrono::milliseconds wait) {
  WorkerCgroup cg;
  for (const auto& h : own_hierarchies()) {
    std::string dir = h.dir + cgroup_leaf(worker_pid);
    struct stat st {};
    if (stat(dir.c_str(), &st) == 0) cg.dirs.push_back(dir);
  }
  auto deadline = std::chrono::steady_clock::now() + wait;
  // Polling with a deadline: a SIGKILLed tree leaves its cgroup a little after the kill.
  while (!remove_worker_cgroup(cg)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

int sweep_stale_worker_cgroups() {
  int removed = 0;
  const std::string prefix = kWorkerCgroupPrefix;
  for (const auto& h : own_hierarchies()) {
    DIR* d = opendir(h.dir.c_str());
    if (!d) continue;
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.rfind(prefix, 0) != 0) continue;
      char* end = nullptr;
      long pid = std::strtol(name.c_str() + prefix.size(), &end, 10);
      if (pid <= 0 || *end != '\0') continue;
      if (process_lives(static_cast<pid_t>(pid))) continue;  // a live worker's, or just being created
      if (rmdir((h.dir + "/" + name).c_str()) == 0) ++removed;
    }
    closedir(d);
  }
  return removed;
}

}  // namespace kaos::mcp::python_worker
