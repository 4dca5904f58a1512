// The tool's filesystem: a tmpfs root holding read-only binds of the runtime (/usr and the
// /lib links), a few /etc entries, four device nodes, a fresh /proc of the worker's own PID
// namespace, the scratch directory as a size-limited tmpfs, and the operator's readable and
// writable paths. Everything else of the host -- home directories, the state directory, the
// secret store, /root, /etc/shadow, other processes' /proc -- does not exist in it.
//
// Runs in the namespace's init (user-namespace root, full capabilities there, none on the
// host). Host paths are bound as the sandbox uid sees them: a path the uid cannot reach
// cannot be bound (the error names it).
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>

#include "sandbox_parts.hpp"

namespace kaos::mcp::python_worker::detail {
namespace {

constexpr const char* kNewRoot = "/tmp";  // any host dir we can reach; only our mount ns sees the tmpfs

std::string mkdirs(const std::string& path) {
  for (std::size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    std::string part = path.substr(0, pos);
    if (mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) return "mkdir " + part + ": " + errno_text(errno);
  }
  return {};
}

#ifndef SYS_open_tree
constexpr long SYS_open_tree = 428;
constexpr long SYS_move_mount = 429;
#endif
constexpr unsigned kOpenTreeClone = 1;          // OPEN_TREE_CLONE
constexpr unsigned kMoveMountFEmptyPath = 0x4;  // MOVE_MOUNT_F_EMPTY_PATH

// One host path to appear in the new root. Its tree is cloned (open_tree) before the root
// tmpfs covers anything, so a source below the tmpfs's mount point still works.
struct Bind {
  std::string path;
  unsigned long flags = 0;  // MS_RDONLY, MS_NODEV, MS_NOEXEC wanted on top of MS_NOSUID
  int tree = -1;
  bool is_dir = false;
  unsigned long keep = 0;  // flags the host mount has, which a user namespace may not clear
};

std::string clone_tree(Bind& b) {
  struct stat st {};
  if (stat(b.path.c_str(), &st) != 0) return "'" + b.path + "': " + errno_text(errno);
  b.is_dir = S_ISDIR(st.st_mode);
  struct statvfs sv {};
  if (statvfs(b.path.c_str(), &sv) == 0) {
    if (sv.f_flag & ST_RDONLY) b.keep |= MS_RDONLY;
    if (sv.f_flag & ST_NOEXEC) b.keep |= MS_NOEXEC;
    if (sv.f_flag & ST_NODEV) b.keep |= MS_NODEV;
    if (sv.f_flag & ST_NOATIME) b.keep |= MS_NOATIME;
    if (sv.f_flag & ST_RELATIME) b.keep |= MS_RELATIME;
  }
  b.tree =
      static_cast<int>(syscall(SYS_open_tree, AT_FDCWD, b.path.c_str(), kOpenTreeClone | O_CLOEXEC | AT_RECURSIVE));
  if (b.tree < 0) return "clone the mount of '" + b.path + "': " + errno_text(errno);
  return {};
}

// Attaches the cloned tree at root + path, then applies our flags.
std::string attach(Bind& b, const std::string& root) {
  std::string target = root + b.path;
  if (b.is_dir) {
    if (auto err = mkdirs(target); !err.empty()) return err;
  } else {
    if (auto err = mkdirs(target.substr(0, target.rfind('/'))); !err.empty()) return err;
    int fd = open(target.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) return "create " + target + ": " + errno_text(errno);
    close(fd);
  }
  long rc = syscall(SYS_move_mount, b.tree, "", AT_FDCWD, target.c_str(), kMoveMountFEmptyPath);
  close(b.tree);
  b.tree = -1;
  if (rc != 0) return "mount '" + b.path + "': " + errno_text(errno);
  if (mount(nullptr, target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_NOSUID | b.flags | b.keep, nullptr) != 0) {
    return "remount '" + b.path + "': " + errno_text(errno);
  }
  return {};
}

// What to bind: the runtime and /etc entries (read-only, when present), the device nodes,
// and the operator's paths (which must exist).
std::string plan_binds(const SandboxOptions& o, std::vector<Bind>& binds) {
  for (const auto& path : runtime_paths()) {
    struct stat st {};
    if (lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) binds.push_back({path, MS_RDONLY | MS_NODEV});
  }
  for (const auto& path : etc_paths()) {
    if (access(path.c_str(), F_OK) == 0) binds.push_back({path, MS_RDONLY | MS_NODEV});
  }
  for (const auto& path : device_paths()) binds.push_back({path, MS_NOEXEC});
  for (const auto& path : o.readable_paths) binds.push_back({path, MS_RDONLY | MS_NODEV});
  for (const auto& path : o.writable_paths) binds.push_back({path, MS_NODEV});
  for (auto& b : binds) {
    if (auto err = clone_tree(b); !err.empty()) {
      bool readable = std::find(o.readable_paths.begin(), o.readable_paths.end(), b.path) != o.readable_paths.end();
      bool writable = std::find(o.writable_paths.begin(), o.writable_paths.end(), b.path) != o.writable_paths.end();
      if (!readable && !writable) return err;
      return std::string(readable ? "MCP_SANDBOX_READABLE_PATHS" : "MCP_SANDBOX_WRITABLE_PATHS") + ": " + err +
             " (the path must be reachable by uid " + std::to_string(kSandboxId) + " when the server runs as root)";
    }
  }
  return {};
}

// Merged-/usr links (/bin -> usr/bin, /lib64 -> usr/lib64) as the host has them.
std::string link_runtime(const std::string& root) {
  for (const auto& path : runtime_paths()) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) continue;
    char target[256] = {};
    ssize_t n = readlink(path.c_str(), target, sizeof target - 1);
    if (n <= 0 || symlink(target, (root + path).c_str()) != 0) return "symlink " + path + ": " + errno_text(errno);
  }
  return {};
}

std::string write_text(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return "create " + path + ": " + errno_text(errno);
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok ? std::string() : "write " + path;
}

std::string build_dev(const std::string& root) {
  if (auto err = mkdirs(root + "/dev"); !err.empty()) return err;
  const char* links[][2] = {{"/proc/self/fd", "/dev/fd"},
                            {"/proc/self/fd/0", "/dev/stdin"},
                            {"/proc/self/fd/1", "/dev/stdout"},
                            {"/proc/self/fd/2", "/dev/stderr"}};
  for (auto& link : links) symlink(link[0], (root + link[1]).c_str());
  // POSIX semaphores (multiprocessing) live in /dev/shm: a small tmpfs of its own.
  if (auto err = mkdirs(root + "/dev/shm"); !err.empty()) return err;
  if (mount("shm", (root + "/dev/shm").c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=16m,mode=1777") != 0) {
    return "mount /dev/shm: " + errno_text(errno);
  }
  return {};
}

// Scratch: a tmpfs of `scratch_mb` at the same path as on the host (the server set cwd and
// TMPDIR to it). Its pages count against the memory cgroup too.
std::string mount_scratch(const SandboxOptions& o, const std::string& root, SandboxReport& report) {
  std::string target = root + o.scratch_dir;
  if (auto err = mkdirs(target); !err.empty()) return err;
  std::string data = "size=" + std::to_string(o.scratch_mb) + "m,mode=0700";
  if (mount("scratch", target.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, data.c_str()) != 0) {
    return "mount the scratch tmpfs: " + errno_text(errno);
  }
  report.scratch_quota_mb = o.scratch_mb;
  return {};
}

std::string pivot(const std::string& root, const SandboxOptions& o) {
  if (chdir(root.c_str()) != 0) return "chdir to the new root: " + errno_text(errno);
  if (syscall(SYS_pivot_root, ".", ".") != 0) return "pivot_root: " + errno_text(errno);
  // The old root is now stacked on "/": detach it, and nothing of the host stays reachable.
  if (umount2(".", MNT_DETACH) != 0) return "detach the old root: " + errno_text(errno);
  if (chdir("/") != 0) return "chdir /: " + errno_text(errno);
  if (mount(nullptr, "/", nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0) {
    return "make the new root read-only: " + errno_text(errno);
  }
  if (chdir(o.scratch_dir.c_str()) != 0) return "chdir to the scratch directory: " + errno_text(errno);
  return {};
}

}  // namespace

std::string enter_minimal_root(const SandboxOptions& o, SandboxReport& report) {
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return "make mounts private: " + errno_text(errno);
  std::vector<Bind> binds;
  auto close_trees = [&binds] {
    for (auto& b : binds) {
      if (b.tree >= 0) close(b.tree);
    }
  };
  if (auto err = plan_binds(o, binds); !err.empty()) {
    close_trees();
    return err;
  }
  const std::string root = kNewRoot;
  if (mount("kaos-root", root.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755") != 0) {
    close_trees();
    return "mount the root tmpfs on " + root + ": " + errno_text(errno);
  }
  std::string passwd = "root:x:0:0:tool:" + o.scratch_dir + ":/usr/sbin/nologin\n";
  std::string err = link_runtime(root);
  for (auto& b : binds) {
    if (err.empty()) err = attach(b, root);
  }
  close_trees();
  for (auto step :
       {+[](const std::string& r) { return mkdirs(r + "/etc"); }, +[](const std::string& r) { return build_dev(r); },
        +[](const std::string& r) { return mkdirs(r + "/tmp"); },
        +[](const std::string& r) { return mkdirs(r + "/proc"); }}) {
    if (err.empty()) err = step(root);
  }
  if (err.empty()) err = write_text(root + "/etc/passwd", passwd);
  if (err.empty()) err = write_text(root + "/etc/group", "root:x:0:\n");
  if (err.empty()) err = mount_scratch(o, root, report);
  if (!err.empty()) return err;
  // Only the processes of our PID namespace: the server and other workloads are not in it.
  if (mount("proc", (root + "/proc").c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    report.warnings.push_back("cannot mount /proc for the PID namespace (" + errno_text(errno) +
                              "); tool code runs without /proc");
  }
  if (auto perr = pivot(root, o); !perr.empty()) return perr;
  report.minimal_root = true;
  return {};
}

}  // namespace kaos::mcp::python_worker::detail
